"""Learning plans: modules a lead assigns to a trainee or a whole practice, with a due day."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.plans")


@migrations()
def m001_plans(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE plan_item (
            id INTEGER PRIMARY KEY,
            practice_id INTEGER NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES person(id) ON DELETE CASCADE,  -- NULL: the whole practice
            module_id TEXT NOT NULL,
            track_id TEXT,
            due_on TEXT NOT NULL,  -- a calendar day in the practice's time zone
            assigned_by INTEGER REFERENCES person(id) ON DELETE SET NULL,
            assigned_at TEXT NOT NULL,
            removed_at TEXT
        );
        CREATE INDEX plan_item_practice ON plan_item(practice_id, removed_at);
        CREATE INDEX plan_item_person ON plan_item(person_id)
        """,
    )
