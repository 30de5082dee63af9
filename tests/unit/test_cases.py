"""Evolving cases: validation, care-map changes, flags and consequences, the exercise, the summary."""

from datetime import timedelta

import pytest

from carecoord import cases as rules
from carecoord.content import load_library
from carecoord.people import LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, cases as S
from tests.content_fixtures import PHASE_ONE, PHASE_TWO, add_case, make_content_root


@pytest.fixture
def root(tmp_path):
    root = make_content_root(tmp_path)
    add_case(root)
    return root


@pytest.fixture
def case(root):
    library = load_library(root)
    assert library.errors == ()
    return library.case("test-case")


def errors_after(root, name, text):
    (root / "cases" / "01-test-case" / name).write_text(text)
    return [str(e) for e in load_library(root).errors]


def test_a_case_loads_with_its_phases_in_order(case):
    assert [p.id for p in case.phases] == ["test-phase-1", "test-phase-2"]
    assert case.phases[0].care_map.links[0].source == "mum"


def test_a_consequence_must_read_a_flag_set_earlier(root):
    errors = errors_after(root, "02-two.md", PHASE_TWO.replace("when: chart-only", "when: never-set"))
    assert errors == ["cases/01-test-case/02-two.md:26: consequences.0.when: "
                      "flag 'never-set' is not set by any option of an earlier phase"]
    assert [p.id for p in load_library(root).case("test-case").phases] == ["test-phase-1"]


def test_a_flag_set_in_the_same_phase_does_not_count(root):
    text = PHASE_ONE.replace("reflections:", "consequences:\n  - {when: asked-family, text: Too soon.}\nreflections:")
    errors = errors_after(root, "01-one.md", text)
    assert len(errors) == 1 and "not set by any option of an earlier phase" in errors[0]


def test_duplicate_ids_across_phases(root):
    errors = errors_after(root, "02-two.md", PHASE_TWO.replace("id: test-d3\n", "id: test-d1\n"))
    assert len(errors) == 1 and "id 'test-d1' is already used in cases/01-test-case/01-one.md" in errors[0]


def test_unknown_competency_in_a_decision(root):
    errors = errors_after(root, "02-two.md", PHASE_TWO.replace("competencies: [TR2]", "competencies: [TR9]"))
    assert len(errors) == 1 and "decisions.0.competencies.0: unknown competency code 'TR9'" in errors[0]


def test_link_ends_must_be_nodes(root):
    errors = errors_after(root, "01-one.md", PHASE_ONE.replace("{from: mum, to: gp", "{from: mum, to: dentist"))
    assert errors[0] == "cases/01-test-case/01-one.md:7: care_map: link end 'dentist' is not a node of this map"
    assert "flag 'chart-only'" in errors[1]  # phase 2 then reads a flag nobody could have set


def test_a_decision_needs_a_strong_option(root):
    errors = errors_after(root, "02-two.md", PHASE_TWO.replace("text: Meet the nurse, alignment: strong",
                                                               "text: Meet the nurse, alignment: partial"))
    assert len(errors) == 1 and "one of them with alignment 'strong'" in errors[0]


def test_map_change_between_phases(case):
    one, two = case.phases
    change = rules.map_change(one.care_map, two.care_map)
    assert change.joined == ("School nurse",) and change.left == ("Early intervention",)
    assert change.sectors_added == ("School",) and change.sectors_gone == ("Early intervention",)
    assert (change.size_before, change.size_after) == (3, 3) and not change.unchanged
    first = rules.map_change(None, one.care_map)
    assert first.joined == ("Mum", "Family doctor", "Early intervention") and first.left == ()


def test_flags_from_earlier_phases_bring_consequences(case):
    one, two = case.phases
    assert rules.consequences_for(case, two, {"test-d1": "test-d1-b"}) == [
        "Because you only read the chart, the family felt unheard."]
    assert rules.consequences_for(case, two, {"test-d1": "test-d1-a"}) == []
    assert rules.consequences_for(case, one, {"test-d1": "test-d1-b"}) == []


def test_map_exercise_marking(case):
    one = case.phases[0]
    assert rules.map_exercise_choices(one) == ["Early intervention", "Family doctor", "Mum", "School nurse"]
    result = rules.mark_map_exercise(one, {"Mum", "Family doctor", "School nurse"})
    assert result.found == ("Mum", "Family doctor") and result.missed == ("Early intervention",)
    assert result.wrong == (("School nurse", "Too early."),)
    assert result.score == pytest.approx((2 - 1) / 3)


def test_alignment_summary_and_competencies_evidenced(case):
    summary = rules.summarise(case, {"test-d1": "test-d1-a", "test-d2": "test-d2-b", "test-d3": "test-d3-b"})
    assert summary.alignment_counts == {"strong": 1, "partial": 1, "weak": 1}
    assert summary.competencies == ("FP1", "CM2", "TR2")
    assert (summary.decisions_made, summary.decisions_total) == (3, 3)


def test_resume_phase_is_clamped(case):
    assert rules.resume_phase(case, 0).id == "test-phase-1"
    assert rules.resume_phase(case, 9).id == "test-phase-2"


def test_dot_has_the_child_at_the_centre_and_every_node(case):
    dot = rules.care_map_dot(case.phases[0].care_map, 'Kit "K"')
    assert dot.startswith("graph caremap {") and dot.rstrip().endswith("}")
    assert 'child [label="Kit \\"K\\""' in dot
    assert '"mum" -- "gp"' in dot and 'style=dotted' in dot  # the missing link is drawn dotted
    assert 'child -- "mum"' in dot  # family sit beside the child
    assert "Kit" in rules.alt_text(case.phases[0].care_map, "Kit")
    rows = rules.care_map_rows(case.phases[0].care_map)
    assert rows[0]["Sector"] == "Family" and "Family doctor (visits, ok)" in rows[0]["Linked with"]


# ---------------------------------------------------------------- playing through the store


@pytest.fixture
def people(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    found = {}
    for name, role in (("lee", LEAD), ("tr1", TRAINEE), ("tr2", TRAINEE), ("tr3", TRAINEE), ("tr4", TRAINEE)):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name, password="long enough pw", now=now)
        A.add_membership(db, A.SYSTEM, pid, practice, role, now)
        found[name] = A.load_person(db, pid)
    found["practice"] = practice
    return found


def test_play_a_phase_resume_and_finish(db, now, case, people):
    t1 = people["tr1"]
    one, two = case.phases
    attempt = S.start_attempt(db, t1, case, now)
    with pytest.raises(S.CaseError, match="every decision"):
        S.advance(db, t1, attempt.id, case, now)
    S.choose(db, t1, attempt.id, one, one.decisions[0], "test-d1-b", now)
    with pytest.raises(S.CaseError, match="already made"):
        S.choose(db, t1, attempt.id, one, one.decisions[0], "test-d1-a", now)
    S.choose(db, t1, attempt.id, one, one.decisions[1], "test-d2-a", now)
    S.save_reflection(db, t1, attempt.id, one, 0, "Ask first.", now)
    S.save_reflection(db, t1, attempt.id, one, 0, "Ask first, then plan.", now)
    S.advance(db, t1, attempt.id, case, now)
    resumed = S.latest_attempt(db, t1, case.id)
    assert resumed.phase_reached == 1 and rules.resume_phase(case, resumed.phase_reached) == two
    assert resumed.reflections == {("test-phase-1", 0): "Ask first, then plan."}
    assert rules.consequences_for(case, two, resumed.choices)  # the weak first choice echoes
    S.choose(db, t1, attempt.id, two, two.decisions[0], "test-d3-a", now)
    S.advance(db, t1, attempt.id, case, now + timedelta(hours=1))
    assert S.latest_attempt(db, t1, case.id).completed
    with pytest.raises(S.CaseError, match="finished"):
        S.choose(db, t1, attempt.id, two, two.decisions[0], "test-d3-b", now)
    replay = S.start_attempt(db, t1, case, now)
    assert replay.id != attempt.id and S.latest_attempt(db, t1, case.id).choices == {}


def test_nobody_plays_someone_elses_attempt(db, now, case, people):
    attempt = S.start_attempt(db, people["tr1"], case, now)
    with pytest.raises(PermissionDenied):
        S.choose(db, people["tr2"], attempt.id, case.phases[0], case.phases[0].decisions[0], "test-d1-a", now)


def test_reflections_are_bounded(db, now, case, people):
    attempt = S.start_attempt(db, people["tr1"], case, now)
    with pytest.raises(S.CaseError, match="under 5,000"):
        S.save_reflection(db, people["tr1"], attempt.id, case.phases[0], 0, "x" * 5001, now)


def test_a_care_map_answer_picks_only_from_the_people_and_services_listed(db, now, case, people):
    attempt = S.start_attempt(db, people["tr1"], case, now)
    one = case.phases[0]
    with pytest.raises(S.CaseError, match="Pick from the people and services listed") as error:
        S.answer_map_exercise(db, people["tr1"], attempt.id, one, {"Mum", "x" * 5_000_000}, now)
    assert error.value.field == "map"
    assert S.latest_attempt(db, people["tr1"], case.id).map_answers == {}
    S.answer_map_exercise(db, people["tr1"], attempt.id, one, {"Mum", "Family doctor"}, now)
    assert S.latest_attempt(db, people["tr1"], case.id).map_answers == {one.id: ["Family doctor", "Mum"]}


def test_insights_count_latest_choices_and_hide_small_numbers(db, now, case, people):
    one = case.phases[0]
    for name, option in (("tr1", "test-d1-a"), ("tr2", "test-d1-a"), ("tr3", "test-d1-a"), ("tr4", "test-d1-b")):
        attempt = S.start_attempt(db, people[name], case, now)
        S.choose(db, people[name], attempt.id, one, one.decisions[0], option, now)
    counts = S.practice_choices(db, people["lee"], people["practice"], ["test-d1"])
    assert counts == {"test-d1": {"test-d1-a": 3, "test-d1-b": 1}}
    assert [S.shown_count(n) for n in (0, 1, 2, 3)] == ["0", "fewer than 3", "fewer than 3", "3"]
    with pytest.raises(PermissionDenied):
        S.practice_choices(db, people["tr1"], people["practice"], ["test-d1"])


def test_the_care_map_can_be_narrowed_to_sectors_keys_its_colours_and_names_who_is_unlinked():
    from carecoord import cases as rules
    from carecoord.content import load_library

    case = load_library().case("epilepsy-infant-to-adult")
    full = max((phase.care_map for phase in case.phases), key=lambda m: len(m.nodes))
    sectors = {n.sector for n in full.nodes}
    one = next(iter(sorted(sectors)))
    narrowed = rules.only_sectors(full, {one})
    assert {n.sector for n in narrowed.nodes} == {one}
    kept = {n.id for n in narrowed.nodes} | {"child"}
    assert all(link.source in kept and link.to in kept for link in narrowed.links)
    key = rules.sector_key_html(sorted(sectors))
    assert all(rules.SECTOR_LABELS[s] in key and rules.SECTOR_COLOURS[s] in key for s in sectors)
    alone = rules.unlinked(full)
    dot = rules.care_map_dot(full, case.child)
    assert dot.count('style="rounded,filled,dashed"') == len(alone)
    rows = {row["Who"]: row["Linked with"] for row in rules.care_map_rows(full)}
    assert all(rows[label] == "no one yet" for label in alone)


# ---------------------------------------------------------------- state: later phases read earlier choices

STATEFUL_TWO = (PHASE_TWO
                .replace("    - {id: school, label: School nurse, sector: school}\n",
                         "    - {id: school, label: School nurse, sector: school}\n"
                         "    - {id: ei, label: Early intervention, sector: early_intervention, when: asked-family}\n")
                .replace("    - {from: school, to: child, label: daily}\n",
                         "    - {from: school, to: child, label: daily}\n"
                         "    - {from: ei, to: mum, label: home visits, when: asked-family}\n"
                         "    - {from: gp, to: school, label: two plans, quality: strained, when: [chart-only, \"not asked-family\"]}\n")
                .replace("    - {action: IEP, kind: family_goal, owner: Family, status: not_started}\n",
                         "    - {action: IEP, kind: family_goal, owner: Family, status: not_started}\n"
                         "    - {action: No seizure plan at school yet, kind: team_concern, owner: Coordinator, "
                         "status: not_started, when: chart-only}\n")
                .replace("      - {id: test-d3-b, text: Send the chart, alignment: weak, feedback: No.}\n",
                         "      - {id: test-d3-b, text: Send the chart, alignment: weak, feedback: No.}\n"
                         "      - {id: test-d3-c, text: Ask the family to bring Mum's notes, alignment: partial, "
                         "feedback: Maybe., when: asked-family}\n"))


def test_later_phases_read_the_state_left_by_earlier_choices(root):
    (root / "cases" / "01-test-case" / "02-two.md").write_text(STATEFUL_TWO)
    library = load_library(root)
    assert library.errors == ()
    case = library.case("test-case")
    two = case.phases[1]
    asked = rules.as_shown(case, two, {"test-d1": "test-d1-a"})
    chart = rules.as_shown(case, two, {"test-d1": "test-d1-b"})
    assert [n.id for n in asked.care_map.nodes] == ["mum", "gp", "school", "ei"]
    assert [n.id for n in chart.care_map.nodes] == ["mum", "gp", "school"]
    assert [(link.source, link.to) for link in asked.care_map.links] == [("school", "child"), ("ei", "mum")]
    assert [(link.source, link.to) for link in chart.care_map.links] == [("school", "child"), ("gp", "school")]
    assert [a.action for a in chart.plan_of_care.actions] == ["IEP", "No seizure plan at school yet"]
    assert [a.action for a in asked.plan_of_care.actions] == ["IEP"]
    assert [o.id for o in asked.decisions[0].options] == ["test-d3-a", "test-d3-b", "test-d3-c"]
    assert [o.id for o in chart.decisions[0].options] == ["test-d3-a", "test-d3-b"]
    assert two.decisions[0].options[2].id == "test-d3-c"  # the phase itself is unchanged


@pytest.mark.parametrize(("replace", "expected"), [
    ("when: asked-family}\n", "care_map.nodes.3.when: flag 'never-set' is not set by any option of an earlier phase"),
    ('when: [chart-only, "not asked-family"]', "care_map.links.2.when: this condition can never hold: it needs "
                                               "'chart-only' both set and not set"),
])
def test_validate_refuses_unknown_flags_and_impossible_conditions_with_the_line(root, replace, expected):
    text = STATEFUL_TWO.replace(replace, "when: never-set}\n" if "never-set" in expected else
                                'when: [chart-only, "not chart-only"]', 1)
    errors = errors_after(root, "02-two.md", text)
    assert len(errors) == 1 and errors[0].startswith("cases/01-test-case/02-two.md:") and errors[0].endswith(expected)


def test_a_condition_is_a_flag_or_not_a_flag(root):
    errors = errors_after(root, "02-two.md", STATEFUL_TWO.replace("when: chart-only}", "when: \"chart-only OR 1=1\"}"))
    assert len(errors) == 1 and "a condition is a flag id or 'not ' and a flag id" in errors[0]


def test_a_decision_keeps_two_options_offered_whatever_happened(root):
    text = STATEFUL_TWO.replace("{id: test-d3-b, text: Send the chart, alignment: weak, feedback: No.}",
                                "{id: test-d3-b, text: Send the chart, alignment: weak, feedback: No., when: chart-only}")
    errors = errors_after(root, "02-two.md", text)
    assert len(errors) == 1 and "needs at least two options without a 'when'" in errors[0]


def test_outcomes_read_every_choice_and_are_checked_like_any_condition(root):
    head = root / "cases" / "01-test-case" / "case.md"
    text = head.read_text()
    head.write_text(text.replace("---\n", "---\noutcomes:\n  - {when: asked-family, text: Mum kept the map.}\n"
                                          "  - {when: \"not asked-family\", text: The map went in a drawer.}\n", 1))
    case = load_library(root).case("test-case")
    assert rules.outcomes_for(case, {"test-d1": "test-d1-a"}) == ["Mum kept the map."]
    assert rules.outcomes_for(case, {"test-d1": "test-d1-b"}) == ["The map went in a drawer."]
    head.write_text(text.replace("---\n", "---\noutcomes:\n  - {when: nobody-sets, text: Never.}\n", 1))
    errors = [str(e) for e in load_library(root).errors]
    assert len(errors) == 1 and errors[0].startswith("cases/01-test-case/case.md:")
    assert errors[0].endswith("outcomes.0.when: flag 'nobody-sets' is not set by any option of any phase")


# ---------------------------------------------------------------- the plan the trainee drafts

def test_actions_are_parsed_one_per_line_with_who_and_when():
    assert rules.parse_actions("Book the meeting; Ana; by Friday\n\n Call neurology ;Coordinator; this week ") == (
        rules.DraftAction("Book the meeting", "Ana", "by Friday"),
        rules.DraftAction("Call neurology", "Coordinator", "this week"))
    for bad, said in (("Book the meeting; Ana", "Line 1"), ("a; b; c\nx;;y", "Line 2"), ("  \n", "at least one"),
                      ("a; b; c\n" * 16, "15 actions or fewer")):
        with pytest.raises(ValueError, match=said):
            rules.parse_actions(bad)


@pytest.fixture
def planning_case(root):
    phase_two = root / "cases" / "01-test-case" / "02-two.md"
    phase_two.write_text(PHASE_TWO.replace("decisions:\n", "plan_exercise:\n  prompt: Draft the plan first.\n"
                                                         "decisions:\n", 1))
    library = load_library(root)
    assert library.errors == ()
    return library.case("test-case")


def test_a_phase_with_a_plan_exercise_needs_the_draft_and_the_comparison(db, now, planning_case, people):
    case, t1 = planning_case, people["tr1"]
    one, two = case.phases
    attempt = S.start_attempt(db, t1, case, now)
    S.choose(db, t1, attempt.id, one, one.decisions[0], "test-d1-a", now)
    S.choose(db, t1, attempt.id, one, one.decisions[1], "test-d2-a", now)
    S.advance(db, t1, attempt.id, case, now)
    S.choose(db, t1, attempt.id, two, two.decisions[0], "test-d3-a", now)
    with pytest.raises(S.CaseError, match="draft and compare the plan"):
        S.advance(db, t1, attempt.id, case, now)
    with pytest.raises(S.CaseError, match="family's goals") as refused:
        S.draft_plan(db, t1, attempt.id, two, " ", "Seizures at school", "a; b; c", now)
    assert refused.value.field == "family_goals"
    with pytest.raises(S.CaseError, match="Line 1"):
        S.draft_plan(db, t1, attempt.id, two, "Go to school", "Seizures at school", "Meet the nurse", now)
    with pytest.raises(S.CaseError, match="Draft the plan first"):
        S.compare_plan(db, t1, attempt.id, two, {"IEP": "yes"}, now)
    S.draft_plan(db, t1, attempt.id, two, "She wants to go to school with her friends", "Seizures at school",
                 "Meet the school nurse; Coordinator; before term", now)
    with pytest.raises(S.CaseError, match="already drafted"):
        S.draft_plan(db, t1, attempt.id, two, "Again", "Again", "a; b; c", now)
    with pytest.raises(S.CaseError, match="Mark every item"):
        S.compare_plan(db, t1, attempt.id, two, {"IEP": "maybe"}, now)
    S.compare_plan(db, t1, attempt.id, two, {"IEP": "partly"}, now + timedelta(minutes=5))
    kept = S.latest_attempt(db, t1, case.id).plan_drafts["test-phase-2"]
    assert (kept.family_goals, kept.actions[0].who, kept.comparison) == (
        "She wants to go to school with her friends", "Coordinator", {"IEP": "partly"})
    assert rules.compare(kept, two.plan_of_care) == rules.Comparison(covered=0, partly=1, missed=0, total=1)
    S.advance(db, t1, attempt.id, case, now)
    assert S.latest_attempt(db, t1, case.id).completed
    with pytest.raises(PermissionDenied):
        S.draft_plan(db, people["tr2"], attempt.id, two, "x", "y", "a; b; c", now)


def test_a_key_given_twice_is_refused_with_its_line(root):
    text = PHASE_ONE.replace("sets: [asked-family]}", "sets: [asked-family], sets: [chart-only]}")
    errors = errors_after(root, "01-one.md", text)
    assert errors and errors[0].startswith("cases/01-test-case/01-one.md:")
    assert "the key 'sets' appears twice here" in errors[0]


def test_an_option_the_state_does_not_offer_is_refused(db, now, root, people):
    (root / "cases" / "01-test-case" / "02-two.md").write_text(STATEFUL_TWO)
    case = load_library(root).case("test-case")
    one, two = case.phases
    t1 = people["tr1"]
    attempt = S.start_attempt(db, t1, case, now)
    S.choose(db, t1, attempt.id, one, one.decisions[0], "test-d1-b", now, case)  # chart only: no test-d3-c later
    S.choose(db, t1, attempt.id, one, one.decisions[1], "test-d2-a", now, case)
    S.advance(db, t1, attempt.id, case, now)
    with pytest.raises(S.CaseError, match="not open at this point"):
        S.choose(db, t1, attempt.id, two, two.decisions[0], "test-d3-c", now, case)
    S.choose(db, t1, attempt.id, two, two.decisions[0], "test-d3-b", now, case)
