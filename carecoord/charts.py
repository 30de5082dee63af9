"""Altair chart builders, and the Vega-Lite specs that pages draw with their rows.

A builder describes a chart without its data: the spec depends only on a few settings, so it is
built and validated once per process (`vega_lite_spec`) and each script run sends only its rows.
Altair spends most of a chart's time copying and validating inline data (about 0.4 s for a
team's 1,271 heatmap cells, and 30 to 70 ms for any chart it builds; bench/README.md).

Colours come from the Okabe-Ito palette, which stays distinguishable with the common kinds of
colour blindness; lines also differ by dash and point shape, so colour is never the only cue.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

import altair as alt

RATER_COLOURS = {"Self": "#0072B2", "Observer": "#D55E00"}
DATA = "rows"  # the name of every chart's dataset


def vega_lite_spec(builder: Callable[..., alt.TopLevelMixin], *, title: str | None = None, **settings) -> dict:
    """The chart's Vega-Lite spec, reading its rows from the dataset named `DATA`, which the caller adds.

    settings must be hashable (tuples, not lists); the title is set on a fresh copy, so a chart
    titled with a person's name does not need a spec of its own.
    """
    spec = json.loads(_spec_json(builder, tuple(sorted(settings.items()))))
    if title is not None:
        spec["title"] = title
    return spec


@lru_cache(maxsize=64)
def _spec_json(builder: Callable[..., alt.TopLevelMixin], settings: tuple) -> str:
    spec = builder(**dict(settings)).to_dict()  # validated against the Vega-Lite schema here
    # Altair stands in an empty dataset for the missing data (on every layer), and adds its default
    # theme's view size (no builder here configures anything; Streamlit turns Altair's theme off itself).
    spec.pop("datasets", None)
    spec.pop("config", None)
    _drop_placeholder_data(spec)
    spec["data"] = {"name": DATA}
    return json.dumps(spec)


def _drop_placeholder_data(spec: dict) -> None:
    if spec.get("data") == {"name": "empty"}:
        del spec["data"]
    for part in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(part, ()):
            _drop_placeholder_data(child)
    if isinstance(spec.get("spec"), dict):
        _drop_placeholder_data(spec["spec"])


def growth_chart(*, domain_order: tuple[str, ...] | None = None, columns: int = 3, panel_width: int = 220
                 ) -> alt.Chart:
    """Small multiples: one panel per domain, mean level (1-5) by date, self and observer as two series
    (`columns` panels of `panel_width` px in a row: 3 of 220 on a laptop, 1 of 280 on a phone).

    rows: {"domain": str, "date": ISO date, "level": float, "rater": "Self" | "Observer", "round": str}
    """
    base = alt.Chart().encode(
        x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=-30)),
        y=alt.Y("level:Q", title="Mean level", scale=alt.Scale(domain=[1, 5]), axis=alt.Axis(tickCount=5)),
        color=alt.Color("rater:N", title="Rated by",
                        scale=alt.Scale(domain=list(RATER_COLOURS), range=list(RATER_COLOURS.values()))),
        strokeDash=alt.StrokeDash("rater:N", legend=None,
                                  scale=alt.Scale(domain=list(RATER_COLOURS), range=[[1, 0], [5, 3]])),
        shape=alt.Shape("rater:N", legend=None,
                        scale=alt.Scale(domain=list(RATER_COLOURS), range=["circle", "square"])),
        tooltip=[alt.Tooltip("domain:N", title="Domain"), alt.Tooltip("round:N", title="Round"),
                 alt.Tooltip("date:T", title="Date", format="%d %b %Y"), alt.Tooltip("rater:N", title="Rated by"),
                 alt.Tooltip("level:Q", title="Mean level", format=".1f")],
    )
    # The facet channel, not .facet(): the operator wants the data in the chart, and this spec has none.
    return base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2).encode(
        facet=alt.Facet("domain:N", title=None, sort=list(domain_order) if domain_order else "ascending",
                        header=alt.Header(labelFontWeight="bold", labelFontSize=12), columns=columns),
    ).properties(width=panel_width, height=140, title="Level by domain over time")


def curriculum_map_chart() -> alt.LayerChart:
    """Modules (rows) by competencies (columns): a filled cell where a module builds a competency.

    rows: {"module": str, "competency": code, "name": str, "domain": str, "builds": bool}, module by
    module in curriculum order and competencies in framework order (the axes keep the order of the rows).
    Every code is labelled (turned upright, no labels dropped for overlap) and every module name is whole;
    the competency's name is in the tooltip.
    """
    base = alt.Chart().encode(
        x=alt.X("competency:N", title="Competency", sort=None,
                axis=alt.Axis(labelAngle=-90, orient="top", labelOverlap=False, labelPadding=4)),
        y=alt.Y("module:N", title=None, sort=None, axis=alt.Axis(labelLimit=0, labelOverlap=False)),
        tooltip=[alt.Tooltip("module:N", title="Module"), alt.Tooltip("competency:N", title="Code"),
                 alt.Tooltip("name:N", title="Competency"), alt.Tooltip("domain:N", title="Domain")],
    )
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        color=alt.Color("builds:N", title="Builds it", scale=alt.Scale(domain=[True, False],
                                                                        range=["#0072B2", "#F1F5F4"]),
                        legend=alt.Legend(labelExpr="datum.value ? 'yes' : 'no'")),
    )
    marks = base.transform_filter("datum.builds").mark_text(text="●", color="#FFFFFF", fontSize=9)
    return (cells + marks).properties(width=alt.Step(22), height=alt.Step(22),
                                      title="Which modules build which competencies")
