"""A case that remembers: later options, plan and map follow earlier choices; the trainee drafts the plan first."""

from carecoord.content import load_library
from tests.app.conftest import page_text, titles

PLAYER = "carecoord/ui/app_pages/case_player.py"
CASE = load_library().case("nicu-to-home")
FIRST, SECOND = CASE.phases[:2]


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def play_first_phase(at, training_option: str):
    """Phase 1 with the strong option everywhere except how the family is trained to go home."""
    at.switch_page(PLAYER)
    at.query_params["case"] = CASE.id
    at = click(at.run(), "Start the case")
    if FIRST.map_exercise is not None:
        at.multiselect[0].set_value([FIRST.care_map.nodes[0].label])
        at = click(at, "Check my map")
    for decision in FIRST.decisions:
        option = training_option if decision.id == "nicu-1-ready-to-go" else next(
            o.id for o in decision.options if o.alignment == "strong")
        at.radio(key=f"pick-{decision.id}").set_value(option)
        [b for b in at.button if b.label == "Choose"][0].click()
        at.run()
    return click(at, "Continue to phase 2")


def offered(at, decision_id: str) -> list[str]:
    return list(at.radio(key=f"pick-{decision_id}").options)


def test_later_options_and_plan_differ_by_an_earlier_choice(app_as):
    trained = play_first_phase(app_as("demo-trainee"), "nicu-1-ready-to-go-a")  # three caregivers trained
    mother_only = play_first_phase(app_as("demo-chloe"), "nicu-1-ready-to-go-b")  # only Achieng trained
    assert titles(trained) == titles(mother_only) == [SECOND.title]
    recovery = next(o for o in SECOND.decisions[1].options if o.when)
    assert recovery.text not in offered(trained, SECOND.decisions[1].id)
    assert recovery.text in offered(mother_only, SECOND.decisions[1].id)
    # The care maps differ too (Esther's link to Nia is strong once trained, missing if not).
    assert trained.get("graphviz_chart")[0].proto.spec != mother_only.get("graphviz_chart")[0].proto.spec


def test_the_trainee_drafts_the_plan_before_seeing_the_teams_and_compares_it(app_as):
    at = play_first_phase(app_as("demo-chloe"), "nicu-1-ready-to-go-b")
    team_items = [a.action for a in SECOND.plan_of_care.actions if not a.when]
    assert not any(item in page_text(at) for item in team_items)  # the team's plan stays hidden
    boxes = {t.label: t for t in at.text_area}
    boxes["The family's goals, in their words"].input("Sleep one full night a week; take Nia to the park.")
    boxes["The team's concerns"].input("Empty night shifts; Kamau driving tired.")
    boxes["Actions: what; who; by when"].input("Fill the night shifts\nAsk the plan for a second agency; Marta; Friday")
    at = click(at, "Keep my draft and show the team's plan")
    assert "Line 1: write the action, who does it and by when" in at.error[0].value
    boxes = {t.label: t for t in at.text_area}
    boxes["Actions: what; who; by when"].input("Ask the plan for a second agency; Marta; Friday\n"
                                                "Train Kamau and Esther on tube changes; respiratory therapist; next week")
    at = click(at, "Keep my draft and show the team's plan")
    marks = [r for r in at.radio if r.key and r.key.startswith(f"compare-{SECOND.id}-")]
    assert len(marks) >= len(team_items)
    assert any("Train Kamau and Esther" in r.label for r in marks)  # the gap the earlier choice left is in the plan
    for number, radio in enumerate(marks):
        radio.set_value(["yes", "partly", "no"][number % 3])
    at = click(at, "Save my comparison")
    shown = len(marks)
    expected_yes = len(range(0, shown, 3))
    assert at.main.success[-1].value.startswith(f"Your draft held {expected_yes} of the team's {shown} items")
    team_table = at.table[-2].value  # the team's plan, now shown; the last table is the draft's actions
    assert set(team_items) <= set(team_table["Action"])
    assert list(at.table[-1].value["Who"]) == ["Marta", "respiratory therapist"]
