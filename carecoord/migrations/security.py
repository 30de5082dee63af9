"""Going live safely: sign-in throttles, installation settings, and when a person was last signed out everywhere."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.security")


@migrations()
def m001_throttles_and_settings(db: Database) -> None:
    execute_script(
        db,
        """
        -- One row per throttled key: 'user:' + a hash of the typed username, or 'client:' + an address.
        CREATE TABLE sign_in_throttle (
            key TEXT PRIMARY KEY,
            person_id INTEGER REFERENCES person(id) ON DELETE CASCADE,
            failures INTEGER NOT NULL,
            last_failure_at TEXT NOT NULL,
            next_try_at TEXT
        );
        CREATE INDEX sign_in_throttle_person ON sign_in_throttle(person_id);
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by INTEGER REFERENCES person(id) ON DELETE SET NULL
        );
        -- An organisation (OIDC) sign-in made before this moment no longer counts.
        ALTER TABLE person ADD COLUMN signed_out_at TEXT;
        -- An installation that already has a real administrator stops the demo one (published password).
        UPDATE person SET disabled = 1 WHERE is_demo AND is_admin
            AND EXISTS (SELECT 1 FROM person AS real WHERE real.is_admin AND NOT real.is_demo AND NOT real.disabled);
        """,
    )
