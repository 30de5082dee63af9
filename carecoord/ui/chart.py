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
