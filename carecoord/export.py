"""CSV exports that a spreadsheet opens safely. Pure functions.

A text cell whose first character is =, +, -, @ (or their full-width and small forms ＝＋－＠﹦﹢﹣﹫),
a tab, a carriage return, a line feed or a NUL could run as a formula when the file is opened in a
spreadsheet ("CSV injection", OWASP; ASVS 1.2.10), and so could one where that trigger follows
blanks, which some spreadsheets trim on import. Such cells get a leading apostrophe, which
spreadsheets show as text. A trigger after a semicolon, tab or line break inside a cell gets one too:
a CSV writer that does not quote such cells (the table toolbar's "Download as CSV") lets a
spreadsheet set to a semicolon-separated locale, or any spreadsheet at a line break, start a new
cell there. Numbers (ints and floats, negative ones included) are written as plain numbers, and so
is text that is exactly a number such as "-3", "+0.25" or "2.5", which no spreadsheet evaluates as
anything but that number. A leading | is left alone: it starts no formula by itself (the DDE
payload `=cmd|...` needs one of the triggers first).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

FORMULA_TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"  # ASCII, full-width, small forms
_BLANKS = r"[\s\u200b\u2060\ufeff]*"  # whitespace and the invisible characters a spreadsheet may skip
_TRIGGER = f"[{re.escape(FORMULA_TRIGGERS)}]"
_STARTS_A_FORMULA = re.compile(rf"^({_BLANKS}{_TRIGGER}|[\t\r\n\x00])")
_STARTS_A_CELL_INSIDE = re.compile(rf"([;\t\r\n]{_BLANKS})(?={_TRIGGER})")
PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def neutralise(value: object) -> object:
    """A cell as it is written: numbers unchanged, dangerous text made inert, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    text = _STARTS_A_CELL_INSIDE.sub(r"\1'", text)
    return "'" + text if _STARTS_A_FORMULA.match(text) else text


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
