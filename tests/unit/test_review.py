"""The review ladder, worked by hand: when a wrong answer comes back, how it climbs, when it leaves."""

from datetime import UTC, date, datetime, timedelta

from carecoord import review
from carecoord.content import load_library
from carecoord.review import LESSON, REVIEW, Answer

REAL = load_library()
START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


def on(day_offset: int, correct: bool, source: str = REVIEW, hour: int = 15) -> Answer:
    return Answer(START + timedelta(days=day_offset, hours=hour - 15), correct, source)


def test_a_check_answered_right_first_never_enters_review():
    assert review.schedule([on(0, True, LESSON)], "UTC") is None
    assert review.schedule([], "UTC") is None


def test_the_ladder_from_a_wrong_answer_to_leaving():
    # Wrong on 1 March: back on 2 March (1 day). Right each time it comes back: 3, 7, 21, 60 days, then it leaves.
    history = [on(0, False, LESSON)]
    assert review.schedule(history, "UTC").due_on == date(2027, 3, 2)
    expected = [date(2027, 3, 5), date(2027, 3, 12), date(2027, 4, 2), date(2027, 6, 1)]
    day = 1
    for due_on in expected:
        history.append(on(day, True))
        plan = review.schedule(history, "UTC")
        assert plan.due_on == due_on and not plan.finished
        day = (due_on - START.date()).days
    history.append(on(day, True))  # right on the 60-day rung: the next interval would be beyond 60 days
    plan = review.schedule(history, "UTC")
    assert plan.finished and plan.reviews == 5
    assert review.next_step(plan) == "Remembered at every step: this question leaves your review."


def test_a_wrong_review_sends_it_back_to_one_day():
    history = [on(0, False, LESSON), on(1, True), on(4, True), on(11, False)]
    plan = review.schedule(history, "UTC")
    assert (plan.rung, plan.due_on) == (0, date(2027, 3, 13))
    assert review.next_step(plan) == "It comes back in 1 day, on 13 Mar 2027."


def test_retrying_in_the_lesson_early_answers_and_repeats_do_not_climb():
    retried = [on(0, False, LESSON), on(0, True, LESSON)]  # read the feedback, tried again at once
    assert review.schedule(retried, "UTC").due_on == date(2027, 3, 2)
    early = [on(0, False, LESSON), on(0, True)]  # a review answer before its day
    assert review.schedule(early, "UTC").due_on == date(2027, 3, 2)
    twice = [on(0, False, LESSON), on(1, True), on(1, True)]  # the same day twice: one climb
    assert review.schedule(twice, "UTC").due_on == date(2027, 3, 5)


def test_days_are_the_practices_days():
    # 23:30 in Chicago on 1 March is 05:30 UTC on 2 March: back on 2 March there, on 3 March in UTC.
    late = [Answer(datetime(2027, 3, 2, 5, 30, tzinfo=UTC), False, LESSON)]
    assert review.schedule(late, "America/Chicago").due_on == date(2027, 3, 2)
    assert review.schedule(late, "UTC").due_on == date(2027, 3, 3)


def test_due_lists_the_waiting_checks_longest_waiting_first_and_skips_unknown_ones():
    first, second = REAL.lessons[0].checks[0], REAL.lessons[1].checks[0]
    history = {second.id: [on(0, False, LESSON)], first.id: [on(1, False, LESSON)],
               "no-such-check": [on(0, False, LESSON)], REAL.lessons[2].checks[0].id: [on(0, True, LESSON)]}
    assert [d.check.id for d in review.due(REAL, history, date(2027, 3, 3), "UTC")] == [second.id, first.id]
    assert [d.check.id for d in review.due(REAL, history, date(2027, 3, 2), "UTC")] == [second.id]
    assert review.due(REAL, history, date(2027, 3, 1), "UTC") == []


def test_retention_is_the_share_right_on_review_per_module():
    module = REAL.modules[0]
    checks = [c.id for lesson in module.lessons for c in lesson.checks]
    answers = [(checks[0], True), (checks[0], False), (checks[1], True), (checks[1], True), ("gone", True)]
    [row] = review.retention(REAL, answers)
    assert (row.module, row.answered, row.right, row.share) == (module, 4, 3, 0.75)
    assert review.retention(REAL, []) == []
