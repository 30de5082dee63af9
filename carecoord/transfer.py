"""Moving an installation from its SQLite file to PostgreSQL: `carecoord copy --to postgresql://...`.

Every application table is copied as it is, ids included, in one transaction on the target, then
each table is checked on both sides: the same number of rows and the same checksum. The target must
be empty (no tables, or the schema with no rows); anything else is refused, naming what is there.

While the rows go in, the target's own triggers are switched off (`DISABLE TRIGGER USER`, which
the tables' owner may do; foreign keys stay on): the summary tables are copied rather than rebuilt
row by row, and the immutability triggers would refuse ratings of an assessment that arrives
already submitted. Tables go in parents first, rows in id order, so every foreign key finds its row;
afterwards each identity sequence is moved past the largest id copied. Rows go through
PostgreSQL's COPY, read from SQLite in batches, so memory stays flat at any size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from carecoord import postgres
from carecoord.db import Database, column_names, migrate, table_names

BATCH = 5_000


class CopyError(Exception):
    """The copy was refused or its checks failed; the message says why."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


def checksum(db: Database, table: str, columns: list[str]) -> tuple[int, str]:
    """(rows, checksum) of a table's rows, whatever order the database keeps them in: the sum of
    each row's SHA-256 (so equal multisets of rows give equal sums), read as a stream."""
    listed = ", ".join(f'"{c}"' for c in columns)
    count, total = 0, 0
    for row in db.stream(f'SELECT {listed} FROM "{table}"'):
        total += int.from_bytes(hashlib.sha256(json.dumps(list(row), default=str).encode()).digest(), "big")
        count += 1
    return count, f"{total % 2**256:064x}"


def parents_first(source: Database, tables: list[str]) -> list[str]:
    """The tables ordered so that each comes after every table its foreign keys point to."""
    needs = {table: {row[2] for row in source.execute("SELECT * FROM pragma_foreign_key_list(?)", [table])
                     if row[2] != table} for table in tables}
    ordered: list[str] = []
    while needs:
        ready = sorted(table for table, parents in needs.items() if parents <= set(ordered))
        if not ready:
            raise CopyError(f"the foreign keys of {', '.join(sorted(needs))} go round in a circle")
        ordered += ready
        for table in ready:
            del needs[table]
    return ordered


def _refuse_unless_empty(target: Database) -> None:
    with_rows = [table for table in table_names(target)
                 if target.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]]
    if with_rows:
        raise CopyError("the target database is not empty, so nothing was copied (it holds rows in "
                        f"{', '.join(with_rows[:5])}{' and more' if len(with_rows) > 5 else ''}); "
                        "copy into a new, empty database")


def copy_database(source: Database, target: Database,
                  progress: Callable[[str, int], None] = lambda table, rows: None) -> list[TableCheck]:
    """Copy every table of the SQLite `source` into the empty PostgreSQL `target`, then check each."""
    if source.backend != "sqlite" or target.backend != "postgresql":
        raise CopyError("copy moves a SQLite database into PostgreSQL")
    migrate(source)  # both at the same schema version before rows move
    _refuse_unless_empty(target)
    migrate(target)
    _refuse_unless_empty(target)
    tables = table_names(source)
    if sorted(tables) != sorted(table_names(target)):
        missing = sorted(set(tables) ^ set(table_names(target)))
        raise CopyError(f"the two schemas differ in the tables {', '.join(missing)}")
    columns = {table: column_names(source, table) for table in tables}
    for table in tables:
        if sorted(columns[table]) != sorted(column_names(target, table)):
            raise CopyError(f"the two schemas differ in the columns of {table}")
    with postgres.write(target):
        for table in tables:
            target.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        for table in parents_first(source, tables):
            listed = ", ".join(f'"{c}"' for c in columns[table])
            has_id = "id" in columns[table]
            rows = source.execute(f'SELECT {listed} FROM "{table}"' + (" ORDER BY id" if has_id else ""))
            copied = 0
            with target.conn.cursor().copy(f'COPY "{table}" ({listed}) FROM STDIN') as stream:
                while batch := rows.fetchmany(BATCH):
                    for row in batch:
                        stream.write_row(row)
                    copied += len(batch)
            progress(table, copied)
        for table in tables:
            target.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            sequence = target.execute("SELECT pg_get_serial_sequence(?, 'id')", [f'"{table}"']).fetchone()[0] \
                if "id" in columns[table] else None
            if sequence is not None:  # past the largest id copied, so the app's next row gets a new one
                target.execute(f'SELECT setval(?, coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)',
                               [sequence])
    target.execute("ANALYZE")  # the planner's statistics, as after any bulk load
    checks = []
    for table in tables:
        source_rows, source_sum = checksum(source, table, columns[table])
        target_rows, target_sum = checksum(target, table, columns[table])
        checks.append(TableCheck(table, source_rows, target_rows, source_sum, target_sum))
    return checks
