"""CSV exports that a spreadsheet opens safely. Pure functions.

A text cell beginning with =, +, -, @, a tab or a carriage return could run as a formula when the
file is opened in a spreadsheet ("CSV injection"); such cells get a leading apostrophe, which
spreadsheets show as text. Numbers (ints and floats, negative ones included) are written as plain
numbers, and so is text that is exactly a number such as "-3" or "2.5", which no spreadsheet
evaluates as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value: object) -> object:
    """A cell as it is written: numbers unchanged, dangerous text made inert, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(DANGEROUS_FIRST) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def to_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str] | None = None) -> str:
    """Rows of dicts as CSV text (columns from the first row unless given)."""
    rows = list(rows)
    if columns is None:
        columns = list(rows[0]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return out.getvalue()
