"""Learning progress: pure rules over what a person has completed and answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from carecoord.content.models import Check, Lesson, Library, Module


@dataclass(frozen=True)
class CheckResult:
    correct: bool
    chosen: frozenset[int]
    feedback: tuple[tuple[str, bool, str], ...]  # (choice text, correct?, feedback) for each chosen


def mark(check: Check, chosen: frozenset[int]) -> CheckResult:
    """Right only when exactly the correct choices were picked."""
    if not chosen:
        raise ValueError("Choose an answer first.")
    if any(i < 0 or i >= len(check.choices) for i in chosen):
        raise ValueError("That choice is not part of this question.")
    if not check.multiple and len(chosen) != 1:
        raise ValueError("Choose one answer.")
    feedback = tuple((check.choices[i].text, check.choices[i].correct, check.choices[i].feedback)
                     for i in sorted(chosen))
    return CheckResult(correct=chosen == check.correct_indexes, chosen=chosen, feedback=feedback)


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
