"""The database: connection, the one write helper, migrations and backup.

Two backends behind one handle: the embedded SQLite file (the default), or PostgreSQL when
`CARECOORD_DATABASE_URL=postgresql://...` is set (see carecoord.postgres). Both handles offer
`execute()`, `query()` and `executemany()` with SQLite's placeholders, and `backend`.

Every SQLite connection gets WAL, foreign keys and a busy timeout. Every write goes through
`write()`, which on SQLite opens the transaction with BEGIN IMMEDIATE: a deferred transaction that
reads before it writes fails at once with "database is locked" under concurrency (docs/decisions.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from carecoord import postgres
from carecoord.postgres import PostgresDatabase

DEFAULT_PATH = Path("data") / "carecoord.db"
BUSY_TIMEOUT_S = 10.0


class SqliteDatabase(sqlite_utils.Database):
    """sqlite-utils' Database, with what the store needs of both backends."""

    backend = "sqlite"

    def executemany(self, sql: str, rows) -> int:
        """Run one statement for each row; returns how many rows it changed in all."""
        return self.conn.executemany(sql, rows).rowcount

    def stream(self, sql: str, params=None):
        """Rows one by one, never all in memory (sqlite3's cursor reads as it is iterated)."""
        return self.conn.execute(sql, params or [])


Database = SqliteDatabase | PostgresDatabase  # the store's handle, whichever the backend

# A unique key or a trigger refused the row (sqlite3's or psycopg's).
try:
    from psycopg import IntegrityError as _PostgresIntegrityError
except ImportError:  # pragma: no cover - psycopg is a dependency
    _PostgresIntegrityError = sqlite3.IntegrityError
IntegrityError = (sqlite3.IntegrityError, _PostgresIntegrityError)


class ConfigurationError(Exception):
    """The database named in the settings cannot be used; the message says why."""


def placeholders(values) -> str:
    """"?, ?, ?" for an IN list of these values (the same on both backends)."""
    return ", ".join("?" * len(values))


def database_url() -> str | None:
    """$CARECOORD_DATABASE_URL (a postgresql:// URL), or None when unset (the SQLite file)."""
    url = (os.environ.get("CARECOORD_DATABASE_URL") or "").strip()
    if url and not is_postgres_url(url):
        raise ConfigurationError(f"{url.split('://')[0][:20]!r} is not a database carecoord runs on: "
                                 "CARECOORD_DATABASE_URL must start with postgresql://")
    return url or None


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def describe(target: Path | str | None = None) -> str:
    """Which database a command works on, for its messages (a URL's password left out)."""
    if target is None:
        target = database_url() or database_path()
    if is_postgres_url(target):
        from urllib.parse import urlsplit

        url = urlsplit(str(target))
        return f"PostgreSQL database {url.path.lstrip('/') or '(default)'} on {url.hostname or 'localhost'}"
    return str(target)


def database_path() -> Path:
    """Where the SQLite database lives: $CARECOORD_DB, else data/carecoord.db."""
    return Path(os.environ.get("CARECOORD_DB") or DEFAULT_PATH)


def connect(path: Path | str | None = None) -> Database:
    """Open a connection: to the given file or PostgreSQL URL, else to $CARECOORD_DATABASE_URL,
    else to the SQLite file at `database_path()`.

    SQLite connections are cheap (well under a millisecond) and sqlite3 objects are bound to the
    thread that made them, so open one per script run instead of caching one.
    """
    if path is None and database_url() is not None:
        path = database_url()
    if is_postgres_url(path):
        from psycopg import OperationalError

        try:
            return postgres.connect(path)
        except OperationalError as error:
            raise ConfigurationError(f"cannot connect to {describe(path)}: {str(error).strip()}") from None
    if isinstance(path, str) and "://" in path:
        raise ConfigurationError(f"{path.split('://')[0][:20]!r} is not a database carecoord runs on: "
                                 "name a SQLite file or a postgresql:// URL")
    path = Path(path) if path is not None else database_path()
    if path.is_dir():
        raise ConfigurationError(f"{describe(path)[:200]} is a folder: name the database file inside it")
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
    except (OSError, sqlite3.OperationalError) as error:  # a file where the folder should be, no permission
        raise ConfigurationError(f"cannot open the database file {str(path)[:200]}: {error}") from None
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return SqliteDatabase(conn)


@contextmanager
def write(db: Database, scope: str | None = None) -> Iterator[Database]:
    """One transaction for one user action: all of it lands, or none of it.

    Nested calls join the outer transaction (a savepoint), so store functions can compose. `scope`
    names a narrower lock for writes that touch only their own rows (PostgreSQL only: SQLite has one
    write lock whatever is named).
    """
    if getattr(db, "backend", "sqlite") == "postgresql":
        with postgres.write(db, scope):
            yield db
        return
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def execute_script(db: Database, script: str) -> None:
    """Run several statements inside the current transaction.

    sqlite3's executescript() commits first, which would split a migration from its record.
    Statements end at a ';' that completes them (so triggers with inner ';' stay whole).
    """
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        db.execute(pending)


# ---------------------------------------------------------------- what is in a database


_MIGRATION_TABLES = ("_sqlite_migrations", "carecoord_migrations")


def table_names(db: Database) -> list[str]:
    """The application's tables, by name (not the migration records, not the engine's own)."""
    if db.backend == "postgresql":
        rows = db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_type = 'BASE TABLE' ORDER BY table_name").fetchall()
    else:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "ORDER BY name").fetchall()
    return [row[0] for row in rows if row[0] not in _MIGRATION_TABLES]


def column_names(db: Database, table: str) -> list[str]:
    """The table's columns, in their order."""
    if db.backend == "postgresql":
        rows = db.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                          "AND table_name = ? ORDER BY ordinal_position", [table]).fetchall()
        return [row[0] for row in rows]
    return [row[1] for row in db.execute("SELECT * FROM pragma_table_info(?)", [table]).fetchall()]


def every_row_as_text(db: Database) -> str:
    """Every value of every table as text: to show that something is stored nowhere."""
    return "\n".join(repr(row) for table in table_names(db)
                     for row in db.execute(f'SELECT * FROM "{table}"').fetchall())


def migrate(db: Database) -> None:
    """Bring the schema up to date (idempotent)."""
    from carecoord.migrations import apply_all

    apply_all(db)


def open_database(path: Path | str | None = None) -> Database:
    """Connect and make sure the schema is current."""
    db = connect(path)
    migrate(db)
    return db


class BackupError(Exception):
    """The backup could not be made; the message says why."""


def backup(db: Database, target: Path | str) -> Path:
    """Copy the live database consistently (safe while the app runs): SQLite's backup API, or on
    PostgreSQL `pg_dump` in its custom format (one snapshot; restore with `pg_restore`)."""
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name the backup file, for example {target / 'carecoord.backup'}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    # A backup holds everyone's records: readable by its owner only, from the moment it exists.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if db.backend == "postgresql":
        dumped = subprocess.run([postgres.tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)],
                                env=postgres.client_environment(db), capture_output=True, text=True)
        if dumped.returncode != 0:
            raise BackupError(f"pg_dump failed: {dumped.stderr.strip()}")
        return target
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


def integrity_ok(path: Path | str) -> bool:
    """Whether a backup reads back whole: SQLite's integrity check, or `pg_restore --list` for a dump."""
    path = Path(path)
    if path.read_bytes()[:5] == b"PGDMP":  # pg_dump's custom format
        listed = subprocess.run([postgres.tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
        return listed.returncode == 0 and "TABLE DATA" in listed.stdout
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
