"""The database: connection, the one write helper, migrations and backup.

Every connection gets WAL, foreign keys and a busy timeout. Every write goes through `write()`,
which opens the transaction with BEGIN IMMEDIATE: a deferred transaction that reads before it
writes fails at once with "database is locked" under concurrency (docs/decisions.md).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

DEFAULT_PATH = Path("data") / "carecoord.db"
BUSY_TIMEOUT_S = 10.0


def database_path() -> Path:
    """Where the database lives: $CARECOORD_DB, else data/carecoord.db."""
    return Path(os.environ.get("CARECOORD_DB") or DEFAULT_PATH)


def connect(path: Path | str | None = None) -> Database:
    """Open a connection with the pragmas every connection needs.

    Connections are cheap (well under a millisecond) and sqlite3 objects are bound to the thread
    that made them, so open one per script run instead of caching one.
    """
    path = Path(path) if path is not None else database_path()
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn)


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One transaction for one user action: all of it lands, or none of it.

    Nested calls join the outer transaction (a savepoint), so store functions can compose.
    """
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


def migrate(db: Database) -> None:
    """Bring the schema up to date (idempotent)."""
    from carecoord.migrations import apply_all

    apply_all(db)


def open_database(path: Path | str | None = None) -> Database:
    """Connect and make sure the schema is current."""
    db = connect(path)
    migrate(db)
    return db


def backup(db: Database, target: Path | str) -> Path:
    """Copy the live database consistently with SQLite's backup API (safe while the app runs)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    return target


def integrity_ok(path: Path | str) -> bool:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
