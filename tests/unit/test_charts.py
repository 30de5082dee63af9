from carecoord import charts

ROWS = [
    {"domain": "Family partnership", "date": "2026-01-01", "level": 2.0, "rater": "Self", "round": "Baseline"},
    {"domain": "Family partnership", "date": "2026-04-01", "level": 2.7, "rater": "Self", "round": "3 months"},
    {"domain": "Family partnership", "date": "2026-04-10", "level": 2.3, "rater": "Observer", "round": "3 months"},
]


def test_growth_chart_is_faceted_lines_on_the_1_to_5_scale():
    spec = charts.growth_chart(ROWS).to_dict()
    assert spec["facet"]["field"] == "domain" and spec["columns"] == 3
    inner = spec["spec"]
    assert inner["mark"]["type"] == "line" and inner["mark"]["point"]["filled"] is True
    assert inner["encoding"]["y"]["scale"]["domain"] == [1, 5]
    assert inner["encoding"]["x"]["field"] == "date" and inner["encoding"]["x"]["type"] == "temporal"
    assert spec["data"]["values"] == ROWS


def test_self_and_observer_differ_by_more_than_colour():
    encoding = charts.growth_chart(ROWS).to_dict()["spec"]["encoding"]
    assert encoding["color"]["scale"]["range"] == [charts.RATER_COLOURS["Self"], charts.RATER_COLOURS["Observer"]]
    assert encoding["strokeDash"]["field"] == "rater" and encoding["shape"]["field"] == "rater"


def test_domains_can_follow_the_framework_order():
    spec = charts.growth_chart(ROWS, domain_order=["Communication", "Family partnership"]).to_dict()
    assert spec["facet"]["sort"] == ["Communication", "Family partnership"]
