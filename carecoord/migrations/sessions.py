"""Idle sign-out: when each browser sign-in was last used."""

from sqlite_utils import Database, Migrations

migrations = Migrations("carecoord.sessions")


@migrations()
def m001_last_seen(db: Database) -> None:
    db.execute("ALTER TABLE sign_in ADD COLUMN last_seen_at TEXT")
    db.execute("UPDATE sign_in SET last_seen_at = created_at")

# PostgreSQL's form of each migration above, same names and order, applied by `apply_all` (see migrations/__init__.py).
postgresql: tuple[tuple[str, str], ...] = (
    ("m001_last_seen", """
        ALTER TABLE sign_in ADD COLUMN last_seen_at TEXT;
        UPDATE sign_in SET last_seen_at = created_at;
    """),
)
