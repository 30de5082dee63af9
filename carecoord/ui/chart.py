"""Draw a chart: its spec is built once per process, each run sends only its rows (see carecoord.charts)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from carecoord.charts import DATA, vega_lite_spec


def show(builder: Callable, rows: list[dict], *, title: str | None = None, width: str | None = None,
         **settings) -> None:
    spec = vega_lite_spec(builder, title=title, **settings)
    # A named dataset, as st.altair_chart sends one: Streamlit moves it out of the spec as Arrow, and
    # every layer and facet of the chart reads it.
    spec["datasets"] = {DATA: rows}
    st.vega_lite_chart(None, spec, width=width)


def show_fitted(builder: Callable, rows: list[dict], *, key: str, wide: dict, narrow: dict,
                title: str | None = None, **settings) -> None:
    """A chart of small multiples in two layouts, `wide` (a laptop) and `narrow` (a phone, 390 px),
    of which the page's styles show the one that fits the screen: a faceted chart has a fixed width,
    so it cannot shrink to a phone on its own."""
    for form, layout in (("wide", wide), ("narrow", narrow)):
        with st.container(key=f"{form}-{key}"):
            show(builder, rows, title=title, **settings, **layout)
