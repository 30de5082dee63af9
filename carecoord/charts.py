"""Altair chart builders: pure functions from plain rows to charts (tested through to_dict()).

Colours come from the Okabe-Ito palette, which stays distinguishable with the common kinds of
colour blindness; lines also differ by dash and point shape, so colour is never the only cue.
"""

from __future__ import annotations

import altair as alt

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
             "#999999", "#7F3C8D"]
RATER_COLOURS = {"Self": "#0072B2", "Observer": "#D55E00"}


def growth_chart(rows: list[dict], *, title: str = "Level by domain over time",
                 domain_order: list[str] | None = None) -> alt.Chart:
    """Small multiples: one panel per domain, mean level (1-5) by date, self and observer as two series.

    rows: {"domain": str, "date": ISO date, "level": float, "rater": "Self" | "Observer", "round": str}
    """
    base = alt.Chart(alt.Data(values=rows)).encode(
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
    lines = base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2)
    return lines.properties(width=220, height=140).facet(
        facet=alt.Facet("domain:N", title=None, sort=domain_order or "ascending",
                        header=alt.Header(labelFontWeight="bold", labelFontSize=12)),
        columns=3,
    ).properties(title=title)


def curriculum_map_chart(rows: list[dict]) -> alt.LayerChart:
    """Modules (rows) by competencies (columns): a filled cell where a module builds a competency.

    rows: {"module": str, "order": int, "competency": code, "domain": str, "builds": bool}
    """
    modules = [r["module"] for r in sorted(rows, key=lambda r: r["order"])]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("competency:N", title="Competency", sort=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("module:N", title=None, sort=list(dict.fromkeys(modules)), axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("module:N", title="Module"), alt.Tooltip("competency:N", title="Competency"),
                 alt.Tooltip("domain:N", title="Domain")],
    )
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        color=alt.Color("builds:N", title="Builds it", scale=alt.Scale(domain=[True, False],
                                                                        range=["#0072B2", "#F1F5F4"]),
                        legend=alt.Legend(labelExpr="datum.value ? 'yes' : 'no'")),
    )
    marks = base.transform_filter("datum.builds").mark_text(text="●", color="#FFFFFF", fontSize=9)
    return (cells + marks).properties(width=alt.Step(22), height=alt.Step(22),
                                      title="Which modules build which competencies")
