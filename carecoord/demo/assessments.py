"""Demo competency history: a year of self-assessments with believable growth, observer ratings
for some trainees and one correction, all relative to the day the demo is loaded.

They go in through `store.assessments.import_history`, which works out each round from the
person's start date as `submit` does (a correction keeps the round it corrects)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from carecoord import competency
from carecoord.demo import DemoContext, DemoPerson
from carecoord.store import accounts, assessments

# How each trainee's self-ratings move from round to round: (starting level, growth per round, shape).
PROFILES = {
    "demo-trainee": (1.4, 0.45, "steady"),
    "demo-amara": (1.6, 0.55, "steady"),
    "demo-ben": (1.8, 0.6, "plateau"),
    "demo-chloe": (2.0, 0.7, "steady"),
    "demo-dev": (1.5, 0.6, "regress"),
    "demo-elena": (1.3, 0.35, "plateau"),
    "demo-farid": (1.4, 0.5, "steady"),
    "demo-grace": (1.7, 0.4, "steady"),
}
OBSERVED = {"demo-trainee", "demo-amara", "demo-ben", "demo-chloe", "demo-dev"}
CORRECTED = ("demo-ben", 6)  # Ben corrects his 6-month self-assessment the day after submitting it
DUE = "demo-trainee"  # last assessed at 9 months, so a reassessment is due


def _level(base: float, growth: float, shape: str, step: int, rounds: int, rng: random.Random) -> int:
    if shape == "plateau":
        step = min(step, 2)
    value = base + growth * step
    if shape == "regress" and step == rounds - 1 and step > 0:
        value -= 1.2  # moved to a much harder caseload and rated themselves lower
    return max(1, min(5, round(value + rng.uniform(-0.6, 0.6))))


def _record(person_id: int, rater_id: int, kind: str, when: datetime, levels: dict[str, int],
            supersedes: int | None = None) -> assessments.Imported:
    answers = {code: assessments.Answer(level, "does" if level >= 4 else "shows_how" if level == 3
                                        else "knows_how" if level == 2 else "knows")
               for code, level in levels.items()}
    return assessments.Imported(person_id, rater_id, kind, when, answers, started_at=when - timedelta(minutes=40),
                                supersedes_id=supersedes)


def build(context: DemoContext) -> None:
    framework = context.library.framework
    if framework is None:
        return
    lead_id = context.people["demo-lead"]
    codes = [c.code for c in framework.competencies]
    for person in context.trainees():
        if person.username not in PROFILES:
            continue
        _build_person(context, person, codes, lead_id)


def _build_person(context: DemoContext, person: DemoPerson, codes: list[str], lead_id: int) -> None:
    rng = random.Random(f"assess-{person.username}")
    base, growth, shape = PROFILES[person.username]
    started = (context.now - timedelta(days=round(person.months_in_post * 30.44))).date()
    rounds = [r for r in competency.ROUND_MONTHS if r <= person.months_in_post]
    if person.username == DUE:
        rounds = [r for r in rounds if r <= 9]
    person_id = context.people[person.username]
    domain_bias = {code[:2]: rng.uniform(-0.5, 0.5) for code in codes}
    framework = context.library.framework
    pending: list[assessments.Imported] = []

    def flush() -> list[int]:
        """Store what is pending (the round a correction needs is worked out by the import path)."""
        ids = assessments.import_history(context.db, accounts.SYSTEM, framework, pending) if pending else []
        pending.clear()
        return ids

    for step, months in enumerate(rounds):
        when = datetime.combine(started + timedelta(days=round(months * 30.44) + 4), time(14, 0),
                                tzinfo=context.now.tzinfo)
        if when >= context.now:
            continue
        levels = {code: _level(base + domain_bias[code[:2]], growth, shape, step, len(rounds), rng) for code in codes}
        pending.append(_record(person_id, person_id, competency.SELF, when, levels))
        if (person.username, months) == CORRECTED:
            assessment_id = flush()[-1]
            fixed = dict(levels)
            fixed[codes[0]] = max(1, levels[codes[0]] - 1)  # "I rated partnership too high"
            pending.append(_record(person_id, person_id, competency.SELF, when + timedelta(days=1), fixed,
                                   supersedes=assessment_id))
        if person.username in OBSERVED and months in (3, 9) or (person.username in OBSERVED and months == 12):
            observed = {code: max(1, level - rng.choice((0, 0, 1))) for code, level in levels.items()}
            pending.append(_record(person_id, lead_id, competency.OBSERVER, when + timedelta(days=10),
                                   observed))
    flush()
