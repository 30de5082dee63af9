"""Spaced review of the knowledge checks a person got wrong: a fixed ladder, computed from their answers.

A check enters review when it is answered wrong (in its lesson or in a review). It comes back 1 day
after that wrong answer; each right answer in a review moves it one rung up the ladder of 1, 3, 7,
21 and 60 days; a wrong one sends it back to 1 day. Answered right on the 60-day rung, its next
interval would be beyond 60 days, and it leaves the review. A right answer in the lesson itself
(trying again straight after the feedback) does not move it: that shows the feedback was read, not
that it was remembered; nor does a second right answer on the same day.

Nothing about the schedule is stored: it is recomputed from the answers (docs/decisions.md says
why the ladder and not the `fsrs` package).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from carecoord import clock
from carecoord.content.models import Check, Lesson, Library, Module

LADDER_DAYS = (1, 3, 7, 21, 60)
SESSION_SIZE = 5  # a short review: at most this many questions at a time
LESSON, REVIEW = "lesson", "review"


@dataclass(frozen=True)
class Answer:
    at: datetime
    correct: bool
    source: str  # LESSON or REVIEW


@dataclass(frozen=True)
class Schedule:
    """Where a check stands in a person's review."""

    rung: int  # index into LADDER_DAYS of the interval now running
    due_on: date | None  # None: it has left the review
    reviews: int  # review answers so far

    @property
    def finished(self) -> bool:
        return self.due_on is None


def schedule(answers: Sequence[Answer], timezone: str | None) -> Schedule | None:
    """A check's review schedule from its answers in time order; None if it was never answered wrong."""
    rung, due_on, entered, reviews = 0, None, False, 0
    for answer in answers:
        reviews += answer.source == REVIEW
        day = clock.local_date(answer.at, timezone)
        if not answer.correct:
            entered, rung, due_on = True, 0, day + timedelta(days=LADDER_DAYS[0])
        elif answer.source == REVIEW and due_on is not None and day >= due_on:  # early or repeated: no climb
            rung += 1
            due_on = day + timedelta(days=LADDER_DAYS[rung]) if rung < len(LADDER_DAYS) else None
    return Schedule(rung, due_on, reviews) if entered else None


@dataclass(frozen=True)
class Due:
    lesson: Lesson
    check: Check
    schedule: Schedule


def due(library: Library, history: Mapping[str, Sequence[Answer]], today: date, timezone: str | None) -> list[Due]:
    """The checks due for review on `today` (or overdue), longest waiting first; checks no longer in the
    library are left out."""
    found = []
    for lesson in library.lessons:
        for check in lesson.checks:
            plan = schedule(history.get(check.id, ()), timezone)
            if plan is not None and plan.due_on is not None and plan.due_on <= today:
                found.append(Due(lesson, check, plan))
    return sorted(found, key=lambda d: (d.schedule.due_on, d.check.id))


def next_step(plan: Schedule | None) -> str:
    """What happens next to a check after an answer, in words."""
    if plan is None:
        return "This question is not in your review."
    if plan.finished:
        return "Remembered at every step: this question leaves your review."
    days = LADDER_DAYS[plan.rung]
    return f"It comes back in {days} day{'s' if days != 1 else ''}, on {clock.day(plan.due_on)}."


@dataclass(frozen=True)
class Retention:
    module: Module
    answered: int  # review answers
    right: int

    @property
    def share(self) -> float | None:
        return self.right / self.answered if self.answered else None


def retention(library: Library, review_answers: Iterable[tuple[str, bool]]) -> list[Retention]:
    """Per module, how many review answers were given and how many were right (the share right on review)."""
    module_of_check = {check.id: module for module in library.modules
                       for lesson in module.lessons for check in lesson.checks}
    counts: dict[str, list[int]] = {}
    for check_id, correct in review_answers:
        if (module := module_of_check.get(check_id)) is not None:
            tally = counts.setdefault(module.id, [0, 0])
            tally[0] += 1
            tally[1] += bool(correct)
    return [Retention(module, *counts[module.id]) for module in library.modules if module.id in counts]
