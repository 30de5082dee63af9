"""Erasure: a submitted rating stays immutable except that its free-text note may be blanked."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script
from carecoord.postgres import refusing_trigger

migrations = Migrations("carecoord.privacy")


@migrations()
def m001_notes_may_be_blanked(db: Database) -> None:
    execute_script(
        db,
        """
        DROP TRIGGER submitted_ratings_are_immutable_on_update;
        CREATE TRIGGER submitted_ratings_are_immutable_on_update BEFORE UPDATE ON rating
            WHEN (SELECT status FROM assessment WHERE id = OLD.assessment_id) = 'submitted'
             AND NOT (NEW.note = '' AND NEW.level = OLD.level AND NEW.evidence_kind = OLD.evidence_kind
                      AND NEW.competency_code = OLD.competency_code AND NEW.assessment_id = OLD.assessment_id)
            BEGIN SELECT RAISE(ABORT, 'a submitted assessment cannot be changed'); END
        """,
    )

# PostgreSQL's form of each migration above, same names and order, applied by `apply_all` (see migrations/__init__.py).
postgresql: tuple[tuple[str, str], ...] = (
    ("m001_notes_may_be_blanked", """
        DROP TRIGGER submitted_ratings_are_immutable_on_update ON rating;"""
        + refusing_trigger(
            "submitted_ratings_are_immutable_on_update", "BEFORE UPDATE ON rating",
            """(SELECT status FROM assessment WHERE id = OLD.assessment_id) = 'submitted'
             AND NOT (NEW.note = '' AND NEW.level = OLD.level AND NEW.evidence_kind = OLD.evidence_kind
                      AND NEW.competency_code = OLD.competency_code AND NEW.assessment_id = OLD.assessment_id)""",
            "a submitted assessment cannot be changed")),
)
