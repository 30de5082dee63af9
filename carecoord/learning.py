"""Learning progress: pure rules over what a person has completed and answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from carecoord.content.models import Check, Lesson, Library, Module


@dataclass(frozen=True)
class CheckResult:
    correct: bool
    chosen: frozenset[str]  # choice ids
    feedback: tuple[tuple[str, bool, str], ...]  # (choice text, correct?, feedback) for each chosen, as shown


def mark(check: Check, chosen: frozenset[str], shown: tuple[str, ...] | None = None) -> CheckResult:
    """Right only when exactly the correct choices were picked; feedback in the order they were shown."""
    if not chosen:
        raise ValueError("Choose an answer first.")
    if any(check.choice(i) is None for i in chosen):
        raise ValueError("That choice is not part of this question.")
    if not check.multiple and len(chosen) != 1:
        raise ValueError("Choose one answer.")
    order = shown or tuple(c.id for c in check.choices)
    feedback = tuple((c.text, c.correct, c.feedback) for c in map(check.choice, order) if c.id in chosen)
    return CheckResult(correct=chosen == check.correct_ids, chosen=chosen, feedback=feedback)


def recorded_choices(check: Check, stored: list) -> frozenset[str]:
    """Choice ids from a stored answer. Answers from before choices had ids hold file positions;
    an unnamed choice's id is its letter in file order, so position i is the choice named by it."""
    ids = set()
    for item in stored:
        if isinstance(item, int):
            if 0 <= item < len(check.choices):
                ids.add(check.choices[item].id)
        else:
            ids.add(str(item))
    return frozenset(ids)


@dataclass(frozen=True)
class Progress:
    """What one person has done, against the library they are working through."""

    completed: dict[str, datetime] = field(default_factory=dict)  # lesson id -> when
    first_attempts: dict[str, bool] = field(default_factory=dict)  # check id -> first answer right?

    def is_complete(self, lesson: Lesson) -> bool:
        return lesson.id in self.completed

    def counts(self, module: Module) -> tuple[int, int]:
        return sum(lesson.id in self.completed for lesson in module.lessons), len(module.lessons)

    def overall(self, library: Library) -> tuple[int, int]:
        lessons = library.lessons
        return sum(lesson.id in self.completed for lesson in lessons), len(lessons)

    def next_lesson(self, library: Library) -> Lesson | None:
        """The first lesson along the path not yet completed."""
        return next((lesson for lesson in library.lessons if lesson.id not in self.completed), None)

    def check_score(self, lessons: tuple[Lesson, ...]) -> tuple[int, int]:
        """(first attempts right, checks answered) over these lessons: first attempts count."""
        ids = [c.id for lesson in lessons for c in lesson.checks if c.id in self.first_attempts]
        return sum(self.first_attempts[i] for i in ids), len(ids)

    def module_complete(self, module: Module) -> bool:
        done, total = self.counts(module)
        return total > 0 and done == total


def fraction(done: int, total: int) -> float:
    return done / total if total else 0.0
