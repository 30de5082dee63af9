"""Anonymous first answers of two earlier cohorts, so that the demo's item analysis shows real figures.

Each past learner has an ability and each check a difficulty and a discrimination; the chance of a
right first answer follows the usual two-parameter logistic model of item response theory. A wrong
learner picks among the wrong choices by how tempting each one is. Two checks in the demo are given
a discrimination below zero (the strongest learners miss them more often), as a misleading key
would, so that the page has something to find. Everything is drawn from generators seeded by fixed
text: the same demo every time it is loaded.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from carecoord.demo import DemoContext
from carecoord.store import accounts, learning

COHORTS = (("2025 spring", 34, 20), ("2025 autumn", 31, 14))  # (name, learners, months ago)


def _item(check_id: str) -> tuple[float, float]:
    rng = random.Random(f"item {check_id}")
    difficulty = rng.gauss(-0.6, 0.9)
    discrimination = rng.uniform(0.5, 2.0) if rng.random() > 0.03 else -rng.uniform(0.6, 1.2)
    return difficulty, discrimination


def build(context: DemoContext) -> None:
    checks = [check for lesson in context.library.lessons for check in lesson.checks]
    for cohort, size, months_ago in COHORTS:
        rng = random.Random(f"cohort {cohort}")
        started = context.now - timedelta(days=round(months_ago * 30.44))
        answers = []
        for number in range(1, size + 1):
            ability = rng.gauss(0, 1)
            for index, check in enumerate(checks):
                if rng.random() < 0.08:
                    continue  # not every learner reached every check
                difficulty, discrimination = _item(check.id)
                right = rng.random() < 1 / (1 + math.exp(-discrimination * (ability - difficulty)))
                wrong_choices = [c for c in check.choices if not c.correct]
                if right or not wrong_choices:
                    chosen = check.correct_ids
                else:
                    weights = [random.Random(f"lure {check.id} {c.id}").uniform(0.2, 3) for c in wrong_choices]
                    chosen = frozenset({rng.choices(wrong_choices, weights)[0].id})
                answers.append((f"learner {number:02d}", check, chosen, started + timedelta(hours=index * 6)))
        learning.archive_answers(context.db, accounts.SYSTEM, cohort, answers)
