"""Team and practice chart builders, checked through their Vega-Lite specs."""

from carecoord import readiness as R, team_charts as C


def test_readiness_heatmap_colours_by_status_and_writes_the_level_in_each_cell():
    rows = [{"person": "Amara", "column": "FP1", "status": R.AT_TARGET, "label": "3", "detail": "x", "target": 3},
            {"person": "Ben", "column": "FP1", "status": R.NO_EVIDENCE, "label": "–", "detail": "x", "target": 3}]
    spec = C.readiness_heatmap(rows, columns=["FP1"], people=["Amara", "Ben"], column_title="Competency",
                               title="T").to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    colour = rect["encoding"]["color"]
    assert colour["scale"]["domain"] == list(C.STATUS_COLOURS)
    assert colour["scale"]["range"][colour["scale"]["domain"].index(R.NO_EVIDENCE)] == "#E5E5E5"
    assert text["encoding"]["text"]["field"] == "label"
    assert rect["encoding"]["y"]["sort"] == ["Amara", "Ben"]
    assert len(spec["data"]["values"]) == 2


def test_share_by_round_orders_rounds_by_months_and_fixes_the_scale():
    rows = [{"domain": "FP", "round": "12 months", "round_months": 12, "share": 60.0, "text": "3 of 5 (60%)"},
            {"domain": "FP", "round": "Baseline", "round_months": 0, "share": 20.0, "text": "1 of 5 (20%)"},
            {"domain": "FP", "round": "3 months", "round_months": 3, "share": 40.0, "text": "2 of 5 (40%)"}]
    spec = C.share_by_round_chart(rows, domain_order=["FP"]).to_dict()
    encoding = spec["spec"]["encoding"]
    assert encoding["x"]["sort"] == ["Baseline", "3 months", "12 months"]
    assert encoding["y"]["scale"]["domain"] == [0, 100]


def test_rc_matrix_greys_hidden_cells_and_labels_them():
    rows = [{"from": "nurse", "to": "care coordinator", "score": 4.1, "label": "4.1"},
            {"from": "nurse", "to": "specialist", "score": None, "label": "<3"}]
    spec = C.rc_matrix_chart(rows, disciplines=["care coordinator", "nurse", "specialist"], title="M").to_dict()
    rect = spec["layer"][0]
    assert rect["encoding"]["color"]["condition"]["test"] == "datum.score === null"
    assert rect["encoding"]["color"]["condition"]["value"] == "#E5E5E5"
    assert rect["encoding"]["color"]["scale"]["domain"] == [1, 5]


def test_trend_charts_have_fixed_scales_and_distinct_dashes():
    capability = C.capability_trend_chart([{"domain": "Overall", "date": "2026-01-01", "score": 40.0}],
                                          domain_order=["Overall"]).to_dict()
    assert capability["spec"]["encoding"]["y"]["scale"]["domain"] == [0, 100]
    rc = C.rc_trend_chart([{"series": "Index", "date": "2026-01-01", "score": 3.6}]).to_dict()
    assert rc["encoding"]["y"]["scale"]["domain"] == [1, 5]
    dashes = rc["encoding"]["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 3


def test_heatmap_text_is_light_on_dark_cells_without_a_second_colour_scale():
    rows = [{"person": "A", "column": "FP1", "status": R.ABOVE, "label": "5", "detail": "x", "target": 3}]
    text = C.readiness_heatmap(rows, columns=["FP1"], people=["A"], column_title="c", title="t").to_dict()["layer"][1]
    colour = text["encoding"]["color"]
    assert "scale" not in colour  # a shared colour scale would paint the digit the colour of its cell
    assert colour["condition"]["value"] == "white" and colour["value"] == "black"
    assert R.ABOVE in colour["condition"]["test"] and R.NO_EVIDENCE not in colour["condition"]["test"]
