"""Playing an evolving case through streamlit_app.py: a phase, leaving, resuming; insights for leads."""

import pytest

from carecoord.content import load_library
from tests.app.conftest import page_text, titles

CASES = "carecoord/ui/app_pages/cases.py"
PLAYER = "carecoord/ui/app_pages/case_player.py"
INSIGHTS = "carecoord/ui/app_pages/case_insights.py"
CASE = load_library().case("epilepsy-infant-to-adult")


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def open_case(at):
    at.switch_page(PLAYER)
    at.query_params["case"] = CASE.id
    return at.run()


def test_trainee_plays_a_phase_leaves_and_resumes_at_the_next(app_as):
    first, second = CASE.phases[:2]
    at = click(open_case(app_as("trainee")), "Start the case")
    assert titles(at) == [first.title]
    assert not at.get("graphviz_chart")  # the family's map stays hidden until the exercise is done
    at.multiselect[0].set_value([n.label for n in first.care_map.nodes[:4]])
    at = click(at, "Check my map")
    assert "You found 4 of" in page_text(at)
    assert at.get("graphviz_chart")
    for decision in first.decisions:
        strong = next(o for o in decision.options if o.alignment == "strong")
        at.radio(key=f"pick-{decision.id}").set_value(strong.id)
        form_button = [b for b in at.button if b.label == "Choose"][0]
        form_button.click()
        at.run()
        assert strong.feedback in page_text(at)
    reflection = at.text_area[0]
    reflection.input("I would start with the family's own map.")
    at.run()
    assert any("Saved at" in c.value for c in at.caption)
    at = click(at, "Continue to phase 2")
    assert titles(at) == [second.title]

    # Leave and come back in a new session: the case continues at phase 2.
    again = open_case(app_as("trainee"))
    assert titles(again) == [second.title]
    assert "What changed since the last phase" in [s.value for s in again.header]
    at.switch_page(CASES).run()
    assert any("Continue at phase 2" in link.proto.label for link in at.get("page_link"))


def test_continue_is_disabled_until_every_decision_is_made(app_as):
    at = click(open_case(app_as("trainee")), "Start the case")
    at.multiselect[0].set_value([CASE.phases[0].care_map.nodes[0].label])
    at = click(at, "Check my map")
    button = next(b for b in at.button if b.label == "Continue to phase 2")
    assert button.disabled


def test_a_finished_attempt_shows_the_summary(app_as):
    at = open_case(app_as("demo-amara"))  # the demo has Amara's finished attempt
    assert titles(at) == [f"{CASE.title}: your summary"]
    assert "Strongly aligned choices" in [m.label for m in at.metric]


def test_lead_sees_case_insights_as_counts(app_as):
    at = app_as("lead").switch_page(INSIGHTS).run()
    assert titles(at) == ["Case insights"]
    first = at.table[0].value
    assert list(first.columns) == ["Option", "Alignment", "Trainees"]
    assert all(value == "fewer than 3" or value.isdigit() for value in first["Trainees"])
    assert "Amara" not in page_text(at)


def test_trainee_cannot_open_case_insights(app_as):
    with pytest.raises(ValueError, match="navigation page"):
        app_as("trainee").switch_page(INSIGHTS).run()
