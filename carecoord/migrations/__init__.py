"""Schema migrations, one module (and one sqlite-utils migration set) per feature.

A later feature adds a module and lists it in MODULES; it never edits an applied migration.

Each module also holds `postgresql`: PostgreSQL's form of each of its migrations, same names and
order, as (name, SQL) pairs. On PostgreSQL the version table is `carecoord_migrations`
(migration_set, name, applied_at), as sqlite-utils keeps `_sqlite_migrations` on SQLite.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlite_utils import Database, Migrations

from carecoord.migrations import accounts, assessments, cases, learning, plans, sessions, measures
from carecoord.migrations import privacy, stories
from carecoord.migrations import dialect, performance, security
from carecoord.migrations import observations
from carecoord.migrations import reminders
from carecoord.migrations import records

MODULES = (dialect, accounts, learning, assessments, cases, plans, sessions, measures, stories, privacy, performance, security,
           observations, reminders, records)
SETS: tuple[Migrations, ...] = tuple(module.migrations for module in MODULES)

POSTGRES_VERSION_TABLE = """
    CREATE TABLE IF NOT EXISTS carecoord_migrations (
        migration_set TEXT NOT NULL,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        PRIMARY KEY (migration_set, name)
    )"""


def postgresql_steps() -> list[tuple[str, str, str]]:
    """(migration set, name, SQL) for PostgreSQL, in the order SQLite applies them."""
    return [(module.migrations.name, name, sql) for module in MODULES for name, sql in module.postgresql]


def _postgresql_applied(db) -> set[tuple[str, str]]:
    if db.execute("SELECT to_regclass('carecoord_migrations')").fetchone()[0] is None:
        return set()
    return {(row[0], row[1]) for row in db.execute("SELECT migration_set, name FROM carecoord_migrations")}


def _apply_postgresql(db) -> None:
    # One transaction under the write lock, so two processes starting at once cannot both migrate.
    from carecoord import postgres

    steps = postgresql_steps()
    applied = _postgresql_applied(db)
    if all((migration_set, name) in applied for migration_set, name, _ in steps):
        return
    with postgres.write(db):
        db.conn.execute(POSTGRES_VERSION_TABLE)
        applied = _postgresql_applied(db)
        for migration_set, name, sql in steps:
            if (migration_set, name) in applied:
                continue
            db.conn.execute(sql)  # PostgreSQL's own SQL, several statements: not translated
            db.execute("INSERT INTO carecoord_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
                       [migration_set, name, datetime.now(timezone.utc).isoformat()])


def pending(db) -> list[str]:
    """"set/name" of each migration not yet applied, in order (reads only)."""
    if getattr(db, "backend", "sqlite") == "postgresql":
        applied = _postgresql_applied(db)
        return [f"{name_of_set}/{name}" for name_of_set, name, _ in postgresql_steps() if (name_of_set, name) not in applied]
    return [f"{migration_set.name}/{migration.name}" for migration_set in SETS for migration in migration_set.pending(db)]


def apply_all(db: Database) -> None:
    if getattr(db, "backend", "sqlite") == "postgresql":
        _apply_postgresql(db)
        return
    # One IMMEDIATE transaction, so two processes starting at once cannot both migrate.
    from carecoord.db import write

    if not any(s.pending(db) for s in SETS):
        return
    with write(db):
        for migration_set in SETS:
            migration_set.apply(db)
