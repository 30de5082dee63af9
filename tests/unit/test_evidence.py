"""How lessons and case decisions count as evidence, worked by hand on the real library."""

from datetime import UTC, datetime, timedelta

from carecoord import evidence, review
from carecoord.content import load_library
from carecoord.learning import Progress

REAL = load_library()
MODULE = REAL.modules[0]
CHECKS = [check for lesson in MODULE.lessons for check in lesson.checks]
DONE = {lesson.id: datetime(2027, 1, 5, tzinfo=UTC) for lesson in MODULE.lessons}
T0 = datetime(2027, 1, 5, 12, tzinfo=UTC)


def test_a_module_counts_with_every_lesson_done_and_every_check_right_first_or_on_review():
    all_right = Progress(completed=DONE, first_attempts={c.id: True for c in CHECKS})
    found = evidence.module_evidence(MODULE, all_right, {})
    assert found.counts and found.how == "counts: every lesson done, every check right"

    # One check wrong at first, right again straight after the feedback: not yet.
    missed = CHECKS[0].id
    first = Progress(completed=DONE, first_attempts={**{c.id: True for c in CHECKS}, missed: False})
    retried = {missed: [review.Answer(T0, False, review.LESSON), review.Answer(T0, True, review.LESSON)]}
    found = evidence.module_evidence(MODULE, first, retried)
    assert not found.counts
    assert found.how == (f"does not count yet: {len(CHECKS) - 1} of {len(CHECKS)} checks right at the first try "
                         "or on review")
    # Right the next day in a review: it counts, and says how.
    reviewed = {missed: [*retried[missed], review.Answer(T0 + timedelta(days=1), True, review.REVIEW)]}
    found = evidence.module_evidence(MODULE, first, reviewed)
    assert found.counts and found.how == "counts: every lesson done, every check right (1 of them on review)"


def test_a_module_with_lessons_left_does_not_count():
    one_left = dict(list(DONE.items())[:-1])
    found = evidence.module_evidence(MODULE, Progress(completed=one_left, first_attempts={c.id: True for c in CHECKS}), {})
    assert found.how == f"does not count yet: {len(MODULE.lessons) - 1} of {len(MODULE.lessons)} lessons done"


def test_case_decisions_count_by_the_alignment_of_the_first_choice():
    case = REAL.cases[0]
    phase = case.phases[0]
    strong, weak = (next(o for o in d.options if o.alignment == kind) for d, kind in
                    ((phase.decisions[0], "strong"), (phase.decisions[1], "weak")))
    partial_decision = next(d for p in case.phases[1:] for d in p.decisions
                            if any(o.alignment == "partial" for o in d.options))
    partial = next(o for o in partial_decision.options if o.alignment == "partial")
    chosen = {phase.decisions[0].id: strong.id, phase.decisions[1].id: weak.id, partial_decision.id: partial.id}
    made = evidence.decisions_made(REAL, chosen)
    assert [(d.option.id, d.weight, d.how) for d in made if d.decision.id in chosen] == [
        (strong.id, 1.0, "strong: counts"), (weak.id, 0.0, "weak: does not count"),
        (partial.id, 0.5, "partial: counts half")]
    by_code = evidence.by_competency(REAL, Progress(), {}, chosen)
    code = phase.decisions[0].competencies[0]
    counted = by_code[code]
    assert counted.decision_weight == sum(d.weight for d in made if code in d.decision.competencies)
    assert counted.summary.endswith(f"case decisions {counted.decision_weight:g} of {len(counted.decisions)}")
    assert counted.summary.startswith(f"0 of {len(REAL.modules_building(code))} module")
