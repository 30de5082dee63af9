"""Lesson progress and knowledge-check answers."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.learning")


@migrations()
def m001_learning(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE lesson_progress (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            completed_at TEXT NOT NULL,
            UNIQUE (person_id, lesson_id)
        );
        CREATE TABLE check_answer (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            lesson_id TEXT NOT NULL,
            check_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            choices TEXT NOT NULL,
            correct INTEGER NOT NULL,
            attempt INTEGER NOT NULL,
            answered_at TEXT NOT NULL,
            UNIQUE (person_id, check_id, attempt)
        );
        CREATE INDEX check_answer_person_lesson ON check_answer(person_id, lesson_id)
        """,
    )
