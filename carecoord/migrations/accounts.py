"""Practices, people, memberships, sign-in tokens and the audit log."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.accounts")


@migrations()
def m001_accounts(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE practice (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            setting TEXT NOT NULL DEFAULT '',
            timezone TEXT NOT NULL DEFAULT 'UTC',
            is_demo INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE person (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            email TEXT COLLATE NOCASE,
            password_hash TEXT,
            is_admin INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0,
            must_change_password INTEGER NOT NULL DEFAULT 0,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            is_demo INTEGER NOT NULL DEFAULT 0,
            started_on TEXT,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX person_email ON person(email) WHERE email IS NOT NULL;
        CREATE TABLE membership (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            practice_id INTEGER NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('trainee', 'lead', 'family_faculty')),
            discipline TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            UNIQUE (person_id, practice_id, role)
        );
        CREATE INDEX membership_practice ON membership(practice_id, role);
        CREATE TABLE sign_in (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            method TEXT NOT NULL DEFAULT 'password',
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX sign_in_person ON sign_in(person_id);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER,
            action TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX audit_at ON audit(at);
        """
    )
