"""A table in two forms: every column in a grid for a laptop, the columns read first for a phone.

At 390 px a grid of four or more columns hides its figures off the right edge, and CSS cannot make
it fit (docs/decisions.md, "A wide grid gets a phone form, not CSS"): the page draws both, in
containers the base styles show by width.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import streamlit as st

from carecoord.ui.text import table_rows

Row = Mapping[str, object]


def wide_and_narrow(key: str, rows: Iterable[Row], narrow: Callable[[Row], Row], **grid_options) -> None:
    """`rows` as a grid (st.dataframe, with `grid_options`) on a laptop, and each row through `narrow` as a
    wrapping st.table on a phone. Only the grid's text is neutralised for spreadsheets (its toolbar downloads
    CSV); the phone's table has no download, and "+0.13" there stays "+0.13"."""
    rows = list(rows)
    with st.container(key=f"wide-{key}"):
        st.dataframe(table_rows(rows), hide_index=True, **grid_options)
    with st.container(key=f"narrow-{key}"):
        st.table([{column: "" if value is None else value for column, value in narrow(row).items()} for row in rows])


def joined(*columns: str, separator: str = " · ") -> Callable[[Row], str]:
    """A phone cell made of several columns: "Lead · active"."""
    return lambda row: separator.join(str(row[c]) for c in columns if row.get(c) not in (None, ""))
