"""Family faculty stories: the story, the case content it speaks to, its workflow events, reflections."""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.stories")


@migrations()
def m001_stories(db: Database) -> None:
    execute_script(
        db,
        """
        CREATE TABLE story (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            practice_id INTEGER NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'submitted', 'changes_requested', 'published', 'withdrawn')),
            title TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 120),
            body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 20000),
            stage TEXT NOT NULL DEFAULT '',
            questions TEXT NOT NULL DEFAULT '[]',
            intended TEXT NOT NULL DEFAULT '[]',
            consent_scope TEXT CHECK (consent_scope IN ('practice', 'installation')),
            consent_credit TEXT CHECK (consent_credit IN ('name', 'initials', 'anonymous')),
            consent_edit INTEGER NOT NULL DEFAULT 0,
            consented_at TEXT,
            created_at TEXT NOT NULL,
            saved_at TEXT NOT NULL,
            submitted_at TEXT,
            published_at TEXT,
            withdrawn_at TEXT,
            CHECK (status IN ('draft', 'withdrawn') OR consented_at IS NOT NULL),
            CHECK (status != 'withdrawn' OR withdrawn_at IS NOT NULL)
        );
        CREATE INDEX story_author ON story(author_id, status);
        CREATE INDEX story_readable ON story(status, practice_id, consent_scope, stage);
        CREATE INDEX story_withdrawn ON story(withdrawn_at) WHERE status = 'withdrawn';
        CREATE TABLE story_link (
            story_id INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('module', 'phase', 'competency')),
            target TEXT NOT NULL,
            PRIMARY KEY (story_id, kind, target)
        );
        CREATE INDEX story_link_target ON story_link(kind, target);
        CREATE TABLE story_event (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
            actor_id INTEGER REFERENCES person(id) ON DELETE SET NULL,
            at TEXT NOT NULL,
            transition TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 4000)
        );
        CREATE INDEX story_event_story ON story_event(story_id, id);
        CREATE TABLE story_reflection (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            body TEXT NOT NULL CHECK (length(body) <= 4000),
            saved_at TEXT NOT NULL,
            UNIQUE (story_id, person_id)
        );
        """,
    )
