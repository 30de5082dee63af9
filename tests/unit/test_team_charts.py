"""Team and practice chart builders, checked through their Vega-Lite specs."""

from carecoord import readiness as R, team_charts as C


def test_readiness_heatmap_colours_by_status_and_writes_the_level_in_each_cell():
    spec = C.readiness_heatmap(column_title="Competency", many_columns=False).to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    colour = rect["encoding"]["color"]
    assert colour["scale"]["domain"] == list(C.STATUS_COLOURS)
    assert colour["scale"]["range"][colour["scale"]["domain"].index(R.NO_EVIDENCE)] == "#E5E5E5"
    assert text["encoding"]["text"]["field"] == "label"
    # People and columns keep the order of the rows (the page sends them person by person).
    assert rect["encoding"]["y"]["sort"] is None and rect["encoding"]["x"]["sort"] is None
    assert rect["encoding"]["x"]["axis"]["labelAngle"] == 0
    assert C.readiness_heatmap(column_title="c", many_columns=True).to_dict()["layer"][0]["encoding"]["x"][
        "axis"]["labelAngle"] == -45


def test_share_by_round_orders_rounds_fixes_the_scale_and_says_how_many_people_each_point_holds():
    spec = C.share_by_round_chart(domain_order=("FP",)).to_dict()
    line, people = spec["spec"]["layer"]
    assert line["encoding"]["x"]["sort"] == {"field": "round_months", "op": "min"}  # "12 months" after "3 months"
    assert line["encoding"]["y"]["axis"]["values"] == [0, 25, 50, 75, 100]  # room above 100% for the counts
    assert people["mark"]["type"] == "text" and people["encoding"]["text"]["field"] == "people"
    assert line["encoding"]["x"]["title"] is None and line["encoding"]["y"]["title"] is None  # once, in the title
    assert spec["facet"]["header"]["labelLimit"] == 0  # whole domain names
    assert spec["columns"] == 3 and C.share_by_round_chart(domain_order=("FP",), columns=1).to_dict()["columns"] == 1


def test_rc_matrix_greys_hidden_cells_and_labels_them():
    spec = C.rc_matrix_chart(disciplines=("care coordinator", "nurse", "specialist")).to_dict()
    rect = spec["layer"][0]
    assert rect["encoding"]["color"]["condition"]["test"] == "datum.score === null"
    assert rect["encoding"]["color"]["condition"]["value"] == "#E5E5E5"
    assert rect["encoding"]["color"]["scale"]["domain"] == [1, 5]


def test_trend_charts_have_fixed_scales_and_distinct_dashes():
    capability = C.capability_trend_chart(domain_order=("Overall",)).to_dict()
    assert capability["encoding"]["y"]["scale"]["domain"] == [0, 100]
    rc = C.rc_trend_chart().to_dict()
    assert rc["encoding"]["y"]["scale"]["domain"] == [1, 5]
    dashes = rc["encoding"]["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 3


def test_heatmap_text_is_light_on_dark_cells_without_a_second_colour_scale():
    text = C.readiness_heatmap(column_title="c", many_columns=False).to_dict()["layer"][1]
    colour = text["encoding"]["color"]
    assert "scale" not in colour  # a shared colour scale would paint the digit the colour of its cell
    assert colour["condition"]["value"] == "white" and colour["value"] == "black"
    assert R.ABOVE in colour["condition"]["test"] and R.NO_EVIDENCE not in colour["condition"]["test"]
