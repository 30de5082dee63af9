"""Self-assessments and observer ratings: drafts, immutable submissions, corrections."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.assessments")


@migrations()
def m001_assessments(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE assessment (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            rater_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
            rater_kind TEXT NOT NULL CHECK (rater_kind IN ('self', 'observer')),
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
            step INTEGER NOT NULL DEFAULT 0,
            round_months INTEGER,
            framework_id TEXT NOT NULL,
            framework_version INTEGER NOT NULL,
            supersedes_id INTEGER UNIQUE REFERENCES assessment(id),
            started_at TEXT NOT NULL,
            submitted_at TEXT
        );
        CREATE INDEX assessment_person ON assessment(person_id, status, submitted_at);
        CREATE TABLE rating (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
            competency_code TEXT NOT NULL,
            level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
            evidence_kind TEXT NOT NULL CHECK (evidence_kind IN ('knows', 'knows_how', 'shows_how', 'does')),
            note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
            UNIQUE (assessment_id, competency_code)
        );
        CREATE TRIGGER submitted_assessment_is_immutable
            BEFORE UPDATE OF person_id, rater_kind, status, step, round_months, supersedes_id, started_at,
                submitted_at ON assessment
            WHEN OLD.status = 'submitted'
            BEGIN SELECT RAISE(ABORT, 'a submitted assessment cannot be changed'); END;
        CREATE TRIGGER submitted_ratings_are_immutable_on_update BEFORE UPDATE ON rating
            WHEN (SELECT status FROM assessment WHERE id = OLD.assessment_id) = 'submitted'
            BEGIN SELECT RAISE(ABORT, 'a submitted assessment cannot be changed'); END;
        CREATE TRIGGER submitted_ratings_are_immutable_on_delete BEFORE DELETE ON rating
            WHEN (SELECT status FROM assessment WHERE id = OLD.assessment_id) = 'submitted'
            BEGIN SELECT RAISE(ABORT, 'a submitted assessment cannot be changed'); END;
        CREATE TRIGGER submitted_ratings_are_immutable_on_insert BEFORE INSERT ON rating
            WHEN (SELECT status FROM assessment WHERE id = NEW.assessment_id) = 'submitted'
            BEGIN SELECT RAISE(ABORT, 'a submitted assessment cannot be changed'); END
        """,
    )
