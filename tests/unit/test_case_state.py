"""Every decision in the real cases changes something a later phase shows, or how the case turns out."""

import pytest

from carecoord import cases as rules
from carecoord.content import load_library

LIBRARY = load_library()
DECISIONS = [(case, index, decision) for case in LIBRARY.cases for index, phase in enumerate(case.phases)
             for decision in phase.decisions]


def later_view(case, index, flags) -> tuple:
    """What the phases after `index` show with these flags raised (the map, the plan, the options offered),
    and the outcomes. Consequence paragraphs are left out on purpose: a later phase that only *says* what
    happened while its map, plan and choices stay the same is what this test exists to catch."""
    view = []
    for phase in case.phases[index + 1:]:
        shown = rules.in_state(phase, flags)
        view.append((tuple(n.id for n in shown.care_map.nodes),
                     tuple((link.source, link.to, link.label, link.quality) for link in shown.care_map.links),
                     tuple(a.action for a in shown.plan_of_care.actions),
                     tuple(o.id for d in shown.decisions for o in d.options)))
    view.append(tuple(c.text for c in case.outcomes if rules.holds(c.when, flags)))
    return tuple(view)


@pytest.mark.parametrize(("case", "index", "decision"), DECISIONS, ids=[d.id for _, _, d in DECISIONS])
def test_every_decision_changes_something_later(case, index, decision):
    own = {flag for option in decision.options for flag in option.sets}
    every = {flag for phase in case.phases for d in phase.decisions for o in d.options for flag in o.sets}
    for base in (set(), every - own):
        if len({later_view(case, index, base | set(option.sets)) for option in decision.options}) > 1:
            return
    pytest.fail(f"{decision.id}: whichever option is chosen, every later map, plan, choice and outcome is the same")


@pytest.mark.parametrize("case", LIBRARY.cases, ids=[c.id for c in LIBRARY.cases])
def test_every_case_has_a_phase_where_the_trainee_drafts_the_plan(case):
    assert any(phase.plan_exercise is not None for phase in case.phases)
