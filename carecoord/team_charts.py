"""Altair builders for the team and practice views: charts without data, drawn with their rows
through `carecoord.charts.vega_lite_spec` (built once per process; see there).

Okabe-Ito colours as in `carecoord.charts`; every heatmap cell also carries its value as text, and
every line differs by dash and point shape, so colour is never the only cue.
"""

from __future__ import annotations

import altair as alt

from carecoord.readiness import ABOVE, AT_TARGET, BELOW, FAR_BELOW, NO_EVIDENCE

STATUS_COLOURS = {
    FAR_BELOW: "#D55E00",  # vermillion
    BELOW: "#E69F00",  # orange
    AT_TARGET: "#009E73",  # bluish green
    ABOVE: "#0072B2",  # blue
    NO_EVIDENCE: "#E5E5E5",  # light grey
}
STATUS_TEXT = {FAR_BELOW: "black", BELOW: "black", AT_TARGET: "white", ABOVE: "white", NO_EVIDENCE: "black"}


def readiness_heatmap(*, column_title: str, many_columns: bool) -> alt.LayerChart:
    """People (rows) x competencies or domains (columns), coloured by status against each person's target.

    rows: {"person": str, "column": str, "label": str (text in the cell), "status": one of STATUSES,
           "detail": str (tooltip), "target": int}, person by person in the order to show, each with
    the columns in order (the axes keep the order of the rows). many_columns: more than 12.
    """
    base = alt.Chart().encode(
        x=alt.X("column:N", title=column_title, sort=None,
                axis=alt.Axis(orient="top", labelAngle=-45 if many_columns else 0, labelFontSize=10,
                              labelOverlap=False)),
        y=alt.Y("person:N", title=None, sort=None),
        tooltip=[alt.Tooltip("person:N", title="Person"), alt.Tooltip("column:N", title=column_title),
                 alt.Tooltip("detail:N", title="Level"), alt.Tooltip("target:Q", title="Target"),
                 alt.Tooltip("status:N", title="Against target")],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("status:N", title="Against target",
                        scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
    )
    light_text = " || ".join(f"datum.status === '{s}'" for s, colour in STATUS_TEXT.items() if colour == "white")
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        # A condition, not a second colour scale: layers share scales, which would paint the text the
        # colour of its own cell.
        color=alt.condition(light_text, alt.value("white"), alt.value("black")),
    )
    # Fixed cell sizes and no fitting: Streamlit otherwise fits title, axes and legend into the
    # given size and squashes the rows.
    step = 24 if many_columns else 56
    return (cells + text).properties(width=alt.Step(step), height=alt.Step(24), title="Team readiness",
                                     autosize=alt.AutoSizeParams(type="pad", contains="padding"))


def share_by_round_chart(*, domain_order: tuple[str, ...], columns: int = 3, panel_width: int = 240) -> alt.Chart:
    """Small multiples per domain: share of the team at or above target (0-100%) by round, each point
    labelled with how many people were assessed in that round (rounds of fewer than 3 are left out by
    the caller). Axis titles are in the chart's title, once; domain names are shown whole.

    rows: {"domain": str, "round": str, "round_months": int, "share": float (0-100), "text": str, "people": int}
    """
    base = alt.Chart().encode(
        x=alt.X("round:N", title=None, sort=alt.EncodingSortField("round_months", op="min"),
                axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("share:Q", title=None, scale=alt.Scale(domain=[0, 115]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        tooltip=[alt.Tooltip("domain:N", title="Domain"), alt.Tooltip("round:N", title="Round"),
                 alt.Tooltip("text:N", title="At or above target"), alt.Tooltip("people:Q", title="People assessed")],
    )
    line = base.mark_line(color="#0072B2", strokeWidth=2, point=alt.OverlayMarkDef(size=50, filled=True,
                                                                                   color="#0072B2"))
    people = base.mark_text(dy=-11, fontSize=10, color="#1B2B2A").encode(text="people:Q")
    return alt.layer(line, people).properties(width=panel_width, height=110).facet(  # over both layers
        facet=alt.Facet("domain:N", title=None, sort=list(domain_order),
                        header=alt.Header(labelFontWeight="bold", labelFontSize=11, labelLimit=0)),
        columns=columns, data=alt.Data(name="empty"),  # the caller's rows replace this placeholder
    ).properties(title=alt.TitleParams(
        "Share of the team at or above target (%), by round",
        subtitle="The number over each point is how many people were assessed in that round."))


def capability_trend_chart(*, domain_order: tuple[str, ...], columns: int = 3, panel_width: int = 190) -> alt.Chart:
    """Small multiples: practice capability score (0-100) per domain and overall, by administration date
    (`columns` and `panel_width` fit it to a laptop or a phone: see ui/chart.show_fitted).

    rows: {"domain": str, "date": ISO date, "score": float}
    """
    base = alt.Chart().encode(
        x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=-30)),
        y=alt.Y("score:Q", title="Score (0-100)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("domain:N", title="Domain"), alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                 alt.Tooltip("score:Q", title="Score", format=".0f")],
    )
    line = base.mark_line(color="#009E73", strokeWidth=2, point=alt.OverlayMarkDef(size=50, filled=True,
                                                                                   color="#009E73"))
    return line.encode(  # the facet channel: see carecoord.charts.growth_chart
        facet=alt.Facet("domain:N", title=None, sort=list(domain_order), columns=columns,
                        header=alt.Header(labelFontWeight="bold", labelFontSize=11, labelLimit=220)),
    ).properties(width=panel_width, height=110, title="Practice capability over time")


def rc_matrix_chart(*, disciplines: tuple[str, ...]) -> alt.LayerChart:
    """Who rates whom: rows are the rating discipline, columns the rated one; hidden cells stay grey.

    rows: {"from": str, "to": str, "score": float | None, "label": str}
    """
    base = alt.Chart().encode(
        x=alt.X("to:N", title="Discipline rated", sort=list(disciplines),
                axis=alt.Axis(orient="top", labelAngle=-40, labelLimit=160, labelOverlap=False)),
        y=alt.Y("from:N", title="Rated by", sort=list(disciplines), axis=alt.Axis(labelLimit=200)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.condition("datum.score === null", alt.value("#E5E5E5"),
                            alt.Color("score:Q", title="Tie score (1-5)",
                                      scale=alt.Scale(domain=[1, 5], scheme="blues"))),
        tooltip=[alt.Tooltip("from:N", title="Rated by"), alt.Tooltip("to:N", title="Discipline rated"),
                 alt.Tooltip("label:N", title="Tie score")],
    )
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition("datum.score !== null && datum.score >= 3.8", alt.value("white"), alt.value("black")),
    )
    return (cells + text).properties(width=alt.Step(62), height=alt.Step(34), title="Relational coordination",
                                     autosize=alt.AutoSizeParams(type="pad", contains="padding"))


SERIES = ("Index", "Communication", "Relationship")


def rc_trend_chart() -> alt.Chart:
    """The relational coordination index and its two subscales (1-5) by administration date.

    rows: {"series": one of SERIES, "date": ISO date, "score": float}
    """
    colours = ["#0072B2", "#E69F00", "#009E73"]
    return alt.Chart().mark_line(point=alt.OverlayMarkDef(size=60, filled=True),
                                                     strokeWidth=2).encode(
        x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=-30)),
        y=alt.Y("score:Q", title="Score (1-5)", scale=alt.Scale(domain=[1, 5])),
        # One legend: the three channels share a field and a title, so Vega-Lite merges them.
        color=alt.Color("series:N", title="Result", scale=alt.Scale(domain=list(SERIES), range=colours)),
        strokeDash=alt.StrokeDash("series:N", title="Result",
                                  scale=alt.Scale(domain=list(SERIES), range=[[1, 0], [6, 3], [2, 2]])),
        shape=alt.Shape("series:N", title="Result", scale=alt.Scale(domain=list(SERIES),
                                                                    range=["circle", "square", "triangle"])),
        tooltip=[alt.Tooltip("series:N", title="Result"), alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                 alt.Tooltip("score:Q", title="Score", format=".2f")],
    ).properties(width=520, height=220, title="Relational coordination over time",
                 autosize=alt.AutoSizeParams(type="pad", contains="padding"))
