"""Team members and practice measures: administrations of the practice instruments and their answers.

The survey's answers are kept apart from who answered: `survey_respondent` records that a person
has answered (so nobody answers twice), `survey_response` and `survey_rating` hold the answers
under a random key with no person and no time, so no query can join an answer to its author.
"""

from __future__ import annotations

import re

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script
from carecoord.postgres import refusing_trigger

migrations = Migrations("carecoord.measures")

OLD_ROLE_CHECK = re.compile(r"CHECK\s*\(\s*role\s+IN\s*\(\s*'trainee',\s*'lead',\s*'family_faculty'\s*\)\s*\)")
NEW_ROLE_CHECK = "CHECK (role IN ('trainee', 'lead', 'family_faculty', 'team_member'))"


@migrations()
def m001_team_member_role(db: Database) -> None:
    """Widen membership's role CHECK to allow 'team_member' (SQLite cannot alter a CHECK in place).

    The table is rebuilt from its own current definition, so columns or indexes that another
    feature may have added since are kept: create the new table, copy, drop, rename, recreate
    the indexes and triggers.
    """
    table_sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'membership'").fetchone()[0]
    new_sql, replaced = OLD_ROLE_CHECK.subn(NEW_ROLE_CHECK, table_sql)
    if replaced != 1:
        raise RuntimeError("membership's role CHECK is not the one this migration expects")
    new_sql, renamed = re.subn(r'^CREATE TABLE\s+"?membership"?', "CREATE TABLE membership_new", new_sql.strip())
    if renamed != 1:
        raise RuntimeError("unexpected membership table definition")
    extras = [row[0] for row in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'membership' AND type IN ('index', 'trigger') "
        "AND sql IS NOT NULL ORDER BY type, name")]
    columns = ", ".join(f'"{row[1]}"' for row in db.execute("PRAGMA table_info(membership)"))
    db.execute(new_sql)
    db.execute(f"INSERT INTO membership_new ({columns}) SELECT {columns} FROM membership")
    db.execute("DROP TABLE membership")
    db.execute("ALTER TABLE membership_new RENAME TO membership")
    for statement in extras:
        db.execute(statement)


@migrations()
def m002_measures(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE administration (
            id INTEGER PRIMARY KEY,
            practice_id INTEGER NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
            instrument_id TEXT NOT NULL,
            instrument_kind TEXT NOT NULL CHECK (instrument_kind IN ('capability', 'relational')),
            instrument_version INTEGER NOT NULL,
            instrument_hash TEXT NOT NULL,
            administered_on TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            opened_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
            closed_at TEXT,
            closed_by INTEGER REFERENCES person(id) ON DELETE SET NULL
        );
        CREATE UNIQUE INDEX administration_one_open ON administration(practice_id, instrument_id)
            WHERE closed_at IS NULL;
        CREATE INDEX administration_practice ON administration(practice_id, instrument_id, administered_on);
        CREATE TABLE capability_answer (
            administration_id INTEGER NOT NULL REFERENCES administration(id) ON DELETE CASCADE,
            theme_id TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
            complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
            note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
            PRIMARY KEY (administration_id, theme_id)
        );
        CREATE TABLE survey_respondent (
            administration_id INTEGER NOT NULL REFERENCES administration(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            responded_at TEXT NOT NULL,
            PRIMARY KEY (administration_id, person_id)
        );
        CREATE TABLE survey_response (
            id TEXT PRIMARY KEY,
            administration_id INTEGER NOT NULL REFERENCES administration(id) ON DELETE CASCADE,
            from_discipline TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX survey_response_administration ON survey_response(administration_id, from_discipline);
        CREATE TABLE survey_rating (
            response_id TEXT NOT NULL REFERENCES survey_response(id) ON DELETE CASCADE,
            to_discipline TEXT NOT NULL,
            dimension TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            PRIMARY KEY (response_id, to_discipline, dimension)
        ) WITHOUT ROWID;
        CREATE TRIGGER closed_administration_capability_insert BEFORE INSERT ON capability_answer
            WHEN (SELECT closed_at FROM administration WHERE id = NEW.administration_id) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a closed administration cannot be changed'); END;
        CREATE TRIGGER closed_administration_capability_update BEFORE UPDATE ON capability_answer
            WHEN (SELECT closed_at FROM administration WHERE id = OLD.administration_id) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a closed administration cannot be changed'); END;
        CREATE TRIGGER closed_administration_capability_delete BEFORE DELETE ON capability_answer
            WHEN (SELECT closed_at FROM administration WHERE id = OLD.administration_id) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a closed administration cannot be changed'); END;
        CREATE TRIGGER closed_administration_survey_insert BEFORE INSERT ON survey_response
            WHEN (SELECT closed_at FROM administration WHERE id = NEW.administration_id) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a closed administration cannot be changed'); END;
        CREATE TRIGGER closed_administration_stays_closed BEFORE UPDATE OF closed_at ON administration
            WHEN OLD.closed_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a closed administration cannot be reopened'); END
        """,
    )

# PostgreSQL's form of each migration above, same names and order, applied by `apply_all` (see migrations/__init__.py).
_CLOSED = "a closed administration cannot be changed"
_CLOSED_FOR_NEW = "(SELECT closed_at FROM administration WHERE id = NEW.administration_id) IS NOT NULL"
_CLOSED_FOR_OLD = "(SELECT closed_at FROM administration WHERE id = OLD.administration_id) IS NOT NULL"
postgresql: tuple[tuple[str, str], ...] = (
    # PostgreSQL alters a CHECK in place (accounts names it).
    ("m001_team_member_role", f"""
        ALTER TABLE membership DROP CONSTRAINT membership_role_check;
        ALTER TABLE membership ADD CONSTRAINT membership_role_check {NEW_ROLE_CHECK};
    """),
    ("m002_measures", """
        CREATE TABLE administration (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            practice_id BIGINT NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
            instrument_id TEXT NOT NULL,
            instrument_kind TEXT NOT NULL CHECK (instrument_kind IN ('capability', 'relational')),
            instrument_version INTEGER NOT NULL,
            instrument_hash TEXT NOT NULL,
            administered_on TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            opened_by BIGINT REFERENCES person(id) ON DELETE SET NULL,
            closed_at TEXT,
            closed_by BIGINT REFERENCES person(id) ON DELETE SET NULL
        );
        CREATE UNIQUE INDEX administration_one_open ON administration(practice_id, instrument_id)
            WHERE closed_at IS NULL;
        CREATE INDEX administration_practice ON administration(practice_id, instrument_id, administered_on);
        CREATE TABLE capability_answer (
            administration_id BIGINT NOT NULL REFERENCES administration(id) ON DELETE CASCADE,
            theme_id TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
            complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
            note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
            PRIMARY KEY (administration_id, theme_id)
        );
        CREATE TABLE survey_respondent (
            administration_id BIGINT NOT NULL REFERENCES administration(id) ON DELETE CASCADE,
            person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            responded_at TEXT NOT NULL,
            PRIMARY KEY (administration_id, person_id)
        );
        CREATE TABLE survey_response (
            id TEXT PRIMARY KEY,
            administration_id BIGINT NOT NULL REFERENCES administration(id) ON DELETE CASCADE,
            from_discipline TEXT NOT NULL
        );
        CREATE INDEX survey_response_administration ON survey_response(administration_id, from_discipline);
        CREATE TABLE survey_rating (
            response_id TEXT NOT NULL REFERENCES survey_response(id) ON DELETE CASCADE,
            to_discipline TEXT NOT NULL,
            dimension TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            PRIMARY KEY (response_id, to_discipline, dimension)
        );"""
        + refusing_trigger("closed_administration_capability_insert", "BEFORE INSERT ON capability_answer",
                           _CLOSED_FOR_NEW, _CLOSED)
        + refusing_trigger("closed_administration_capability_update", "BEFORE UPDATE ON capability_answer",
                           _CLOSED_FOR_OLD, _CLOSED)
        + refusing_trigger("closed_administration_capability_delete", "BEFORE DELETE ON capability_answer",
                           _CLOSED_FOR_OLD, _CLOSED)
        + refusing_trigger("closed_administration_survey_insert", "BEFORE INSERT ON survey_response",
                           _CLOSED_FOR_NEW, _CLOSED)
        + refusing_trigger("closed_administration_stays_closed", "BEFORE UPDATE OF closed_at ON administration",
                           "OLD.closed_at IS NOT NULL", "a closed administration cannot be reopened")),
)
