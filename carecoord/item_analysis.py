"""Item analysis of the knowledge checks, for the people who write and choose content.

From first attempts only (the answer that counts): for each check, how many answered, the share right
at the first try (its facility), how well it separates learners who know the module from those who
do not (discrimination), and how often each wrong choice was picked.

Discrimination is the corrected point-biserial correlation: between being right on this check (1 or
0) and the learner's share right on every *other* check they answered, so an item is not correlated
with itself. (Against the module's other checks alone, 5 to 9 items, the score was too coarse: on
the demo it flagged 22 of 114 checks where the model behind the data makes about 4 misleading.)
Near 0 or below, the check does not tell who knows the material: a misleading key or wording.

No figure rests on fewer than MIN_GROUP learners: a check answered by fewer shows no figures, and a
wrong choice picked by 1 to 4 learners shows as "fewer than 5".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from carecoord.content.models import Check, Lesson, Library, Module

MIN_GROUP = 5
TOO_EASY, TOO_HARD, WEAK_DISCRIMINATION = 0.9, 0.3, 0.15


class FirstAnswer(NamedTuple):  # a quarter of a million at scale L: a tuple is made several times faster
    learner: str  # an opaque key, never shown
    check_id: str
    chosen: frozenset[str]
    correct: bool


@dataclass(frozen=True)
class ItemStats:
    module: Module
    lesson: Lesson
    check: Check
    answered: int
    facility: float | None  # share right at the first try; None when fewer than MIN_GROUP answered
    discrimination: float | None
    wrong_picks: tuple[tuple[str, int], ...]  # (choice id, learners who picked it), wrong choices in file order

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP

    def flags(self) -> list[str]:
        """Why an author might look at this check, if at all."""
        if not self.shown:
            return []
        found = []
        if self.facility is not None and self.facility > TOO_EASY:
            found.append("too easy")
        if self.facility is not None and self.facility < TOO_HARD:
            found.append("too hard")
        if self.discrimination is not None and self.discrimination < WEAK_DISCRIMINATION:
            found.append("does not separate")
        right = round((self.facility or 0) * self.answered)
        if any(picks > right for _, picks in self.wrong_picks):
            found.append("a wrong choice is picked more than the right one")
        return found


def point_biserial(pairs: list[tuple[bool, float]]) -> float | None:
    """Correlation between a 0/1 item and a score; None when either does not vary."""
    n = len(pairs)
    if n < 2:
        return None
    right = [score for correct, score in pairs if correct]
    wrong = [score for correct, score in pairs if not correct]
    if not right or not wrong:
        return None
    mean = sum(score for _, score in pairs) / n
    sd = math.sqrt(sum((score - mean) ** 2 for _, score in pairs) / n)
    if sd == 0:
        return None
    p = len(right) / n
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / sd * math.sqrt(p * (1 - p))


def analyse(library: Library, answers: Iterable[FirstAnswer]) -> list[ItemStats]:
    """Statistics for every check in the library, in library order (checks nobody answered: 0 answered)."""
    where = {check.id: (module, lesson, check) for module in library.modules
             for lesson in module.lessons for check in lesson.checks}
    by_check: dict[str, list[FirstAnswer]] = defaultdict(list)
    scores: dict[str, dict[str, bool]] = defaultdict(dict)  # learner -> check -> right
    for answer in answers:
        if answer.check_id in where:
            by_check[answer.check_id].append(answer)
            scores[answer.learner][answer.check_id] = answer.correct
    # Each learner's right answers and answers in all: their score on the other checks is these less this one
    # (one pass; summing every learner's other checks again for each answer took 5 s at scale L).
    totals = {learner: (sum(checks.values()), len(checks)) for learner, checks in scores.items()}
    found = []
    for check_id, (module, lesson, check) in where.items():
        given = by_check.get(check_id, [])
        if len(given) < MIN_GROUP:
            found.append(ItemStats(module, lesson, check, len(given), None, None, ()))
            continue
        pairs = []
        for answer in given:
            right, answered = totals[answer.learner]
            if answered > 1:
                pairs.append((answer.correct, (right - scores[answer.learner][check_id]) / (answered - 1)))
        picks = Counter(choice for answer in given for choice in answer.chosen)
        found.append(ItemStats(
            module, lesson, check, len(given), sum(a.correct for a in given) / len(given),
            point_biserial(pairs) if len(pairs) >= MIN_GROUP else None,
            tuple((choice.id, picks[choice.id]) for choice in check.choices if not choice.correct)))
    return found


def shown_count(picks: int) -> str:
    """A wrong choice's count as a page or a CSV shows it: small groups hidden."""
    return "fewer than 5" if 0 < picks < MIN_GROUP else str(picks)


def rows(stats: Iterable[ItemStats]) -> list[dict[str, object]]:
    """One row per check, as the page's table and the CSV show it."""
    return [{"Module": s.module.order, "Lesson": s.lesson.title, "Check": s.check.id, "Question": s.check.prompt,
             "Answered": s.answered,
             "Right first time": f"{s.facility:.0%}" if s.facility is not None else "–",
             "Separates": f"{s.discrimination:.2f}" if s.discrimination is not None else "–",
             "Worth a look": "; ".join(s.flags()) or "–",
             "Wrong choices picked": "; ".join(f"{choice_id}: {shown_count(n)}" for choice_id, n in s.wrong_picks)
             or "–"} for s in stats]
