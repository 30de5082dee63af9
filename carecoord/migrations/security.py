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

# PostgreSQL's form of each migration above, same names and order, applied by `apply_all` (see migrations/__init__.py).
postgresql: tuple[tuple[str, str], ...] = (
    ("m001_throttles_and_settings", """
        CREATE TABLE sign_in_throttle (
            key TEXT PRIMARY KEY,
            person_id BIGINT REFERENCES person(id) ON DELETE CASCADE,
            failures INTEGER NOT NULL,
            last_failure_at TEXT NOT NULL,
            next_try_at TEXT
        );
        CREATE INDEX sign_in_throttle_person ON sign_in_throttle(person_id);
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by BIGINT REFERENCES person(id) ON DELETE SET NULL
        );
        ALTER TABLE person ADD COLUMN signed_out_at TEXT;
        -- The flags are 0/1 integers: PostgreSQL wants them compared, not used as conditions.
        UPDATE person SET disabled = 1 WHERE is_demo <> 0 AND is_admin <> 0
            AND EXISTS (SELECT 1 FROM person AS other
                        WHERE other.is_admin <> 0 AND other.is_demo = 0 AND other.disabled = 0);
    """),
)
