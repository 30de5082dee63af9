"""PostgreSQL behind the same store: a connection that speaks the store's SQL, and its write helper.

Chosen by `CARECOORD_DATABASE_URL=postgresql://...` (issue "PostgreSQL behind the same store"; the
store is being ported to it, see docs/decisions.md). The store writes SQL with SQLite's
placeholders, `?` and `:name`; psycopg wants `%s` and `%(name)s`. `translate()` rewrites them
outside string literals, quoted names and comments, leaves `::` casts alone and doubles a literal `%`,
so one statement text serves both backends.

Writes keep SQLite's guarantee, one writer at a time: `write()` opens the transaction and takes one
transaction-scoped advisory lock, as `BEGIN IMMEDIATE` takes SQLite's write lock. A writer that reads
before it writes (a permission check, a count) then never races another, so there are no
serialisation failures to retry and no lost updates; reads never wait for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

# One key for the whole application's write lock (any constant would do; this spells "carecord").
WRITE_LOCK_KEY = 0x63617265636F72

_TOKEN = re.compile(
    r"""('(?:[^']|'')*')            # a string literal
      | ("(?:[^"]|"")*")            # a quoted name
      | (--[^\n]*)                  # a line comment
      | (/\*.*?\*/)                 # a block comment
      | (::)                        # a cast, not a placeholder
      | (:[A-Za-z_][A-Za-z0-9_]*)   # :name
      | (\?)                        # ?
      | (%)                         # a literal percent sign
    """,
    re.VERBOSE | re.DOTALL,
)


def translate(sql: str) -> str:
    """The statement with psycopg's placeholders instead of SQLite's.

    >>> translate("SELECT * FROM person WHERE id = ? AND name LIKE '%?' AND at > :since::timestamptz")
    "SELECT * FROM person WHERE id = %s AND name LIKE '%%?' AND at > %(since)s::timestamptz"
    """

    def replace(match: re.Match) -> str:
        literal, quoted, line, block, cast, named, positional, percent = match.groups()
        if literal is not None:
            return literal.replace("%", "%%")
        if named is not None:
            return f"%({named[1:]})s"
        if positional is not None:
            return "%s"
        if percent is not None:
            return "%%"
        return match.group(0)

    return _TOKEN.sub(replace, sql)


class PostgresDatabase:
    """The store's handle on PostgreSQL: `execute()` and `query()` as on sqlite-utils' Database."""

    backend = "postgresql"

    def __init__(self, conn: Any):
        self.conn = conn  # a psycopg Connection in autocommit mode; `write()` opens transactions

    def execute(self, sql: str, params: Sequence | Mapping | None = None):
        """Run one statement; returns psycopg's cursor (fetchone, fetchall, rowcount)."""
        # Always pass parameters: psycopg undoes the doubled % of a literal only when it has some.
        return self.conn.execute(translate(sql), params if params is not None else ())

    def query(self, sql: str, params: Sequence | Mapping | None = None) -> Iterator[dict]:
        """Rows as dictionaries, like sqlite-utils' `Database.query`."""
        from psycopg.rows import dict_row

        with self.conn.cursor(row_factory=dict_row) as cursor:
            cursor.execute(translate(sql), params if params is not None else ())
            yield from cursor

    def close(self) -> None:
        self.conn.close()


def connect(url: str) -> PostgresDatabase:
    import psycopg

    return PostgresDatabase(psycopg.connect(url, autocommit=True))


@contextmanager
def write(db: PostgresDatabase) -> Iterator[PostgresDatabase]:
    """One transaction for one user action, writers one at a time (see the module's note).

    Nested calls become savepoints of the outer transaction, as on SQLite.
    """
    from psycopg import pq

    conn = db.conn
    if conn.info.transaction_status != pq.TransactionStatus.IDLE:  # already in one
        with conn.transaction():
            yield db
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
        yield db


def refusing_trigger(name: str, event: str, condition: str, message: str) -> str:
    """PostgreSQL's form of SQLite's `CREATE TRIGGER name event WHEN condition BEGIN SELECT
    RAISE(ABORT, message); END`: a PL/pgSQL function of the same name, and the row trigger.

    PostgreSQL allows no subquery in a trigger's WHEN, so the condition is tested in the function
    (NULL refuses nothing, as in SQLite). The refusal carries SQLSTATE 23000
    (integrity_constraint_violation): psycopg raises an `IntegrityError`, as sqlite3 does for RAISE(ABORT).
    """
    message = message.replace("'", "''")
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $body$;
        CREATE TRIGGER {name} {event} FOR EACH ROW EXECUTE FUNCTION {name}();"""
