"""What SQLite has built in and PostgreSQL lacks, so the store's SQL reads the same on both.

`group_concat(value[, separator])` is SQLite's aggregate; PostgreSQL has `string_agg` instead,
which SQLite has only from 3.44 (Debian 12 ships 3.40). PostgreSQL gets a `group_concat` of its own:
NULLs skipped, ',' when no separator is given, order unspecified, as in SQLite.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("carecoord.dialect")


@migrations()
def m001_group_concat(db: Database) -> None:
    """Built into SQLite: nothing to do."""


postgresql: tuple[tuple[str, str], ...] = (
    ("m001_group_concat", """
        CREATE FUNCTION carecoord_group_concat_step(so_far text, value text, separator text)
            RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE WHEN value IS NULL THEN so_far
                        WHEN so_far IS NULL THEN value
                        ELSE so_far || separator || value END $$;
        CREATE FUNCTION carecoord_group_concat_step(so_far text, value text)
            RETURNS text LANGUAGE sql IMMUTABLE AS $$
            SELECT carecoord_group_concat_step(so_far, value, ',') $$;
        CREATE AGGREGATE group_concat(text, text) (SFUNC = carecoord_group_concat_step, STYPE = text);
        CREATE AGGREGATE group_concat(text) (SFUNC = carecoord_group_concat_step, STYPE = text);
    """),
)
