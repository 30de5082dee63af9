"""Schema migrations, one module (and one sqlite-utils migration set) per feature.

A later feature adds a module and lists it in SETS; it never edits an applied migration.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from carecoord.migrations import accounts, assessments, cases, learning, plans, sessions, measures
from carecoord.migrations import privacy, stories
from carecoord.migrations import performance, security

SETS: tuple[Migrations, ...] = (accounts.migrations, learning.migrations, assessments.migrations,
                                 cases.migrations, plans.migrations, sessions.migrations, measures.migrations, stories.migrations, privacy.migrations,
                                 performance.migrations, security.migrations)


def apply_all(db: Database) -> None:
    # One IMMEDIATE transaction, so two processes starting at once cannot both migrate.
    from carecoord.db import write

    if not any(s.pending(db) for s in SETS):
        return
    with write(db):
        for migration_set in SETS:
            migration_set.apply(db)
