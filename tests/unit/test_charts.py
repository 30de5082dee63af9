import json

from carecoord import charts, team_charts


def test_growth_chart_is_faceted_lines_on_the_1_to_5_scale():
    spec = charts.growth_chart().to_dict()
    encoding = spec["encoding"]
    assert encoding["facet"]["field"] == "domain" and encoding["facet"]["columns"] == 3
    assert spec["mark"]["type"] == "line" and spec["mark"]["point"]["filled"] is True
    assert encoding["y"]["scale"]["domain"] == [1, 5]
    assert encoding["x"]["field"] == "date" and encoding["x"]["type"] == "temporal"


def test_self_and_observer_differ_by_more_than_colour():
    encoding = charts.growth_chart().to_dict()["encoding"]
    assert encoding["color"]["scale"]["range"] == [charts.RATER_COLOURS["Self"], charts.RATER_COLOURS["Observer"]]
    assert encoding["strokeDash"]["field"] == "rater" and encoding["shape"]["field"] == "rater"


def test_domains_can_follow_the_framework_order():
    spec = charts.growth_chart(domain_order=("Communication", "Family partnership")).to_dict()
    assert spec["encoding"]["facet"]["sort"] == ["Communication", "Family partnership"]


def test_a_spec_carries_no_data_and_takes_its_title_per_call():
    first = charts.vega_lite_spec(charts.growth_chart, title="Amara: level by domain over time",
                                  domain_order=("Communication",))
    second = charts.vega_lite_spec(charts.growth_chart, domain_order=("Communication",))
    assert first["data"] == {"name": charts.DATA} and "datasets" not in first  # the page adds the rows
    assert first["title"] == "Amara: level by domain over time"
    assert second["title"] == "Level by domain over time"  # the title given before did not stick
    first["encoding"]["facet"]["sort"].append("changed by a caller")
    again = charts.vega_lite_spec(charts.growth_chart, domain_order=("Communication",))
    assert again["encoding"]["facet"]["sort"] == ["Communication"]  # each call gets its own copy


def test_every_page_chart_builds_a_valid_spec_that_reads_the_named_rows():
    for builder, settings in [(charts.growth_chart, {}), (charts.curriculum_map_chart, {}),
                              (team_charts.readiness_heatmap, {"column_title": "Competency", "many_columns": True}),
                              (team_charts.share_by_round_chart, {"domain_order": ("FP",)}),
                              (team_charts.capability_trend_chart, {"domain_order": ("Overall",)}),
                              (team_charts.rc_matrix_chart, {"disciplines": ("nurse",)}),
                              (team_charts.rc_trend_chart, {})]:
        spec = charts.vega_lite_spec(builder, **settings)  # to_dict() validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert spec["data"] == {"name": charts.DATA} and "datasets" not in spec
        assert '"empty"' not in json.dumps(spec)  # no layer keeps Altair's empty stand-in dataset


def test_the_curriculum_map_labels_every_code_and_every_whole_module_name():
    spec = charts.curriculum_map_chart().to_dict()
    x, y = spec["layer"][0]["encoding"]["x"], spec["layer"][0]["encoding"]["y"]
    assert x["axis"]["labelOverlap"] is False and x["axis"]["labelAngle"] == -90  # upright, none dropped
    assert y["axis"]["labelLimit"] == 0 and y["axis"]["labelOverlap"] is False  # whole names
    assert "name" in [t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]]
