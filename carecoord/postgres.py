"""PostgreSQL behind the same store: a connection that speaks the store's SQL, and its write helper.

Chosen by `CARECOORD_DATABASE_URL=postgresql://...` (issue "PostgreSQL behind the same store"; the
store is being ported to it, see docs/decisions.md). The store writes SQL with SQLite's
placeholders, `?` and `:name`; psycopg wants `%s` and `%(name)s`. `translate()` rewrites them
outside string literals, quoted names and comments, leaves `::` casts alone and doubles a literal `%`,
so one statement text serves both backends.

Writes keep SQLite's guarantee, one writer at a time: `write()` opens the transaction and takes one
transaction-scoped advisory lock, as `BEGIN IMMEDIATE` takes SQLite's write lock. A writer that reads
before it writes (a permission check, a count) then never races another, so there are no
serialisation failures to retry and no lost updates; reads never wait for it. A write that touches
only rows of its own kind (the sign-in throttle's counters) may name a `scope` instead: it then waits
only for writers of that scope, so a flood of wrong passwords never queues everyone else's saves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


class Result:
    """A statement's outcome, read in full before its connection goes back to the pool."""

    def __init__(self, rows: list[tuple], rowcount: int):
        self._rows, self.rowcount = rows, rowcount

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return list(self._rows)

    def __iter__(self):
        return iter(self._rows)


class PostgresDatabase:
    """The store's handle on PostgreSQL: `execute()`, `query()` and `executemany()` as on SQLite's.

    It holds either one connection (the command line, tests) or a pool (the app: many script runs
    in threads). From a pool, a statement outside `write()` borrows a connection only for itself,
    so a script run that never closes its handle holds none; `write()` keeps one for the transaction.
    """

    backend = "postgresql"

    def __init__(self, conn: Any = None, *, pool: Any = None):
        self._conn, self._pool = conn, pool  # connections are in autocommit mode
        self._in_transaction: Any = None  # the connection `write()` holds

    @property
    def conn(self) -> Any:
        """The connection statements run on now (a pool's only inside `write()`)."""
        if self._in_transaction is not None:
            return self._in_transaction
        if self._conn is None:
            raise RuntimeError("a pooled handle has a connection only inside write()")
        return self._conn

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        if self._in_transaction is not None or self._pool is None:
            yield self.conn
        else:
            with self._pool.connection() as conn:
                yield conn

    def execute(self, sql: str, params: Sequence | Mapping | None = None) -> Result:
        """Run one statement; the result has fetchone(), fetchall() and rowcount."""
        with self._connection() as conn, conn.cursor() as cursor:
            # Always pass parameters: psycopg undoes the doubled % of a literal only when it has some.
            cursor.execute(translate(sql), params if params is not None else ())
            rows = cursor.fetchall() if cursor.description is not None else []
            return Result(rows, cursor.rowcount)

    def executemany(self, sql: str, rows: Iterable[Sequence | Mapping]) -> int:
        """Run one statement for each row; returns how many rows it changed in all."""
        with self._connection() as conn, conn.cursor() as cursor:
            cursor.executemany(translate(sql), list(rows))
            return cursor.rowcount

    def query(self, sql: str, params: Sequence | Mapping | None = None) -> Iterator[dict]:
        """Rows as dictionaries, like sqlite-utils' `Database.query`."""
        from psycopg.rows import dict_row

        with self._connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
            cursor.execute(translate(sql), params if params is not None else ())
            rows = cursor.fetchall()
        yield from rows

    def stream(self, sql: str, params: Sequence | Mapping | None = None) -> Iterator[tuple]:
        """Rows one by one as the server sends them, never all in memory (for whole-table reads)."""
        with self._connection() as conn, conn.cursor() as cursor:
            yield from cursor.stream(translate(sql), params if params is not None else ())

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def connect(url: str) -> PostgresDatabase:
    """One connection of its own (the command line, tests, the benchmark)."""
    import psycopg

    return PostgresDatabase(psycopg.connect(url, autocommit=True))


_POOLS: list[Any] = []


def pool(url: str, *, max_size: int = 10) -> Any:
    """A connection pool for one app process (see `PostgresDatabase`)."""
    from psycopg_pool import ConnectionPool

    # A script run waits at most 10 s for a connection, then the page says the database is unreachable.
    made = ConnectionPool(url, min_size=1, max_size=max_size, kwargs={"autocommit": True}, open=True,
                          name="carecoord", timeout=10)
    _POOLS.append(made)
    return made


def close_pools() -> None:
    """Close every pool this process made (tests, between databases)."""
    while _POOLS:
        _POOLS.pop().close()


@contextmanager
def write(db: PostgresDatabase, scope: str | None = None) -> Iterator[PostgresDatabase]:
    """One transaction for one user action, writers one at a time (see the module's note).

    Nested calls become savepoints of the outer transaction, as on SQLite.
    """
    if db._in_transaction is not None:
        with db._in_transaction.transaction():
            yield db
        return
    with db._connection() as conn:
        db._in_transaction = conn
        try:
            # BEGIN and the lock in one round trip (a write is a dozen round trips; this saves one of them).
            if scope is None:
                conn.execute(f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            else:  # the two-key form: a lock space apart from the application's one key
                conn.execute("BEGIN")
                conn.execute("SELECT pg_advisory_xact_lock(1, hashtext(%s))", [scope])
            try:
                yield db
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            db._in_transaction = None


def tool(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore): Debian's newest, else the one on PATH."""
    import glob
    import shutil

    found = next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None) or shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is missing: install PostgreSQL's client programs (Debian: postgresql-client)")
    return found


def client_environment(db: PostgresDatabase) -> dict[str, str]:
    """The PG* variables that point a client program at the handle's database (password included)."""
    import os

    if db._conn is not None:
        info = db._conn.info
    else:
        with db._pool.connection() as conn:
            info = conn.info
    found = {"PGHOST": info.host, "PGPORT": str(info.port), "PGUSER": info.user, "PGDATABASE": info.dbname,
             "PGPASSWORD": info.password or ""}
    return {**os.environ, **{key: value for key, value in found.items() if value}}


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
