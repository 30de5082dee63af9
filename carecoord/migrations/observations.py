"""Assessment a programme can trust: assessors, observations, requests, portfolio evidence, sign-offs.

An observation is what one named assessor saw a trainee do, on a day, in a setting, rated against
one to three competencies; requests are a trainee asking a named assessor for one; portfolio items
are evidence the trainee attaches to a competency; a sign-off is a named person's judgement that a
competency is achieved at a level, resting on evidence. Observations and sign-offs are never
changed: they are withdrawn with a reason, and the withdrawal is kept.
"""

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.observations")

_TABLES = """
    CREATE TABLE portfolio_item (
        id {id},
        person_id {ref} NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        competency_code TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('reflection', 'link', 'document')),
        title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 50000),
        url TEXT CHECK (url IS NULL OR length(url) <= 2000),
        filename TEXT CHECK (filename IS NULL OR length(filename) <= 200),
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE INDEX portfolio_item_person ON portfolio_item(person_id, competency_code);
    CREATE TABLE observation_request (
        id {id},
        person_id {ref} NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        assessor_id {ref} NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        practice_id {ref} NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
        competency_codes TEXT NOT NULL,
        context TEXT NOT NULL DEFAULT '' CHECK (length(context) <= 500),
        portfolio_item_id {ref} REFERENCES portfolio_item(id) ON DELETE CASCADE,
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'completed', 'declined', 'withdrawn', 'expired')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        closed_at TEXT,
        reason TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500)
    );
    CREATE INDEX observation_request_assessor ON observation_request(assessor_id, status);
    CREATE INDEX observation_request_person ON observation_request(person_id, status);
    CREATE TABLE observation_request_event (
        id {id},
        request_id {ref} NOT NULL REFERENCES observation_request(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor_id {ref} REFERENCES person(id) ON DELETE SET NULL,
        status TEXT NOT NULL,
        comment TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX observation_request_event_request ON observation_request_event(request_id);
    CREATE TABLE observation (
        id {id},
        person_id {ref} NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        assessor_id {ref} REFERENCES person(id) ON DELETE SET NULL,
        assessor_as TEXT NOT NULL,
        practice_id {ref} NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
        observed_on TEXT NOT NULL,
        setting TEXT NOT NULL CHECK (length(setting) BETWEEN 1 AND 100),
        what_seen TEXT NOT NULL CHECK (length(what_seen) BETWEEN 1 AND 2000),
        next_step TEXT NOT NULL CHECK (length(next_step) BETWEEN 1 AND 500),
        request_id {ref} UNIQUE REFERENCES observation_request(id) ON DELETE SET NULL,
        recorded_at TEXT NOT NULL,
        withdrawn_at TEXT,
        withdrawn_reason TEXT NOT NULL DEFAULT '' CHECK (length(withdrawn_reason) <= 500)
    );
    CREATE INDEX observation_person ON observation(person_id, observed_on);
    CREATE INDEX observation_practice ON observation(practice_id, observed_on);
    CREATE INDEX observation_assessor ON observation(assessor_id);
    CREATE TABLE observation_rating (
        observation_id {ref} NOT NULL REFERENCES observation(id) ON DELETE CASCADE,
        competency_code TEXT NOT NULL,
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
        PRIMARY KEY (observation_id, competency_code)
    );
    CREATE TABLE sign_off (
        id {id},
        person_id {ref} NOT NULL REFERENCES person(id) ON DELETE CASCADE,
        practice_id {ref} NOT NULL REFERENCES practice(id) ON DELETE CASCADE,
        competency_code TEXT NOT NULL,
        level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
        signed_by {ref} REFERENCES person(id) ON DELETE SET NULL,
        signed_by_name TEXT NOT NULL,
        rationale TEXT NOT NULL CHECK (length(rationale) BETWEEN 1 AND 1000),
        evidence TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        withdrawn_at TEXT,
        withdrawn_by {ref} REFERENCES person(id) ON DELETE SET NULL,
        withdrawn_reason TEXT NOT NULL DEFAULT '' CHECK (length(withdrawn_reason) <= 1000)
    );
    CREATE UNIQUE INDEX sign_off_live ON sign_off(person_id, competency_code) WHERE withdrawn_at IS NULL;
    CREATE INDEX sign_off_practice ON sign_off(practice_id, withdrawn_at)"""


@migrations()
def m001_observations(db: Database) -> None:
    execute_script(db, "ALTER TABLE membership ADD COLUMN assessor INTEGER NOT NULL DEFAULT 0;"
                   + _TABLES.format(id="INTEGER PRIMARY KEY", ref="INTEGER"))


# PostgreSQL's form of each migration above, same names and order, applied by `apply_all` (see migrations/__init__.py).
postgresql: tuple[tuple[str, str], ...] = (
    ("m001_observations", "ALTER TABLE membership ADD COLUMN assessor INTEGER NOT NULL DEFAULT 0;"
     + _TABLES.format(id="BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", ref="BIGINT") + ";"),
)
