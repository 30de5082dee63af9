"""Case play: attempts, the choices made, reflections and care-map exercises."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.cases")


@migrations()
def m001_cases(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE case_attempt (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            case_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            phase_reached INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            completed_at TEXT
        );
        CREATE INDEX case_attempt_person ON case_attempt(person_id, case_id);
        CREATE TABLE case_choice (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES case_attempt(id) ON DELETE CASCADE,
            phase_id TEXT NOT NULL,
            decision_id TEXT NOT NULL,
            option_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            chosen_at TEXT NOT NULL,
            UNIQUE (attempt_id, decision_id)
        );
        CREATE INDEX case_choice_decision ON case_choice(decision_id, option_id);
        CREATE TABLE case_reflection (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES case_attempt(id) ON DELETE CASCADE,
            phase_id TEXT NOT NULL,
            prompt_index INTEGER NOT NULL,
            text TEXT NOT NULL CHECK (length(text) <= 5000),
            updated_at TEXT NOT NULL,
            UNIQUE (attempt_id, phase_id, prompt_index)
        );
        CREATE TABLE case_map_answer (
            id INTEGER PRIMARY KEY,
            attempt_id INTEGER NOT NULL REFERENCES case_attempt(id) ON DELETE CASCADE,
            phase_id TEXT NOT NULL,
            picked TEXT NOT NULL,
            score REAL NOT NULL,
            answered_at TEXT NOT NULL,
            UNIQUE (attempt_id, phase_id)
        )
        """,
    )
