"""Demo competency history: a year of self-assessments with believable growth, observer ratings
for some trainees and one correction, all relative to the day the demo is loaded."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from carecoord import competency
from carecoord.clock import iso
from carecoord.demo import DemoContext, DemoPerson

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


def _insert(context: DemoContext, person_id: int, rater_id: int, kind: str, when: datetime, round_months: int,
            levels: dict[str, int], supersedes: int | None = None) -> int:
    db, framework = context.db, context.library.framework
    cursor = db.execute(
        """INSERT INTO assessment (person_id, rater_id, rater_kind, step, framework_id, framework_version,
               supersedes_id, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [person_id, rater_id, kind, len(framework.domains), framework.id, framework.version, supersedes,
         iso(when - timedelta(minutes=40))],
    )
    for code, level in levels.items():
        evidence = "does" if level >= 4 else ("shows_how" if level == 3 else "knows_how" if level == 2 else "knows")
        db.execute("INSERT INTO rating (assessment_id, competency_code, level, evidence_kind, note) VALUES (?, ?, ?, ?, '')",
                   [cursor.lastrowid, code, level, evidence])
    db.execute("UPDATE assessment SET status = 'submitted', submitted_at = ?, round_months = ? WHERE id = ?",
               [iso(when), round_months, cursor.lastrowid])
    return cursor.lastrowid


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
    for step, months in enumerate(rounds):
        when = datetime.combine(started + timedelta(days=round(months * 30.44) + 4), time(14, 0),
                                tzinfo=context.now.tzinfo)
        if when >= context.now:
            continue
        round_months = competency.round_for(started, when.date())
        levels = {code: _level(base + domain_bias[code[:2]], growth, shape, step, len(rounds), rng) for code in codes}
        assessment_id = _insert(context, person_id, person_id, competency.SELF, when, round_months, levels)
        if (person.username, months) == CORRECTED:
            fixed = dict(levels)
            fixed[codes[0]] = max(1, levels[codes[0]] - 1)  # "I rated partnership too high"
            _insert(context, person_id, person_id, competency.SELF, when + timedelta(days=1), round_months, fixed,
                    supersedes=assessment_id)
        if person.username in OBSERVED and months in (3, 9) or (person.username in OBSERVED and months == 12):
            observed = {code: max(1, level - rng.choice((0, 0, 1))) for code, level in levels.items()}
            _insert(context, person_id, lead_id, competency.OBSERVER, when + timedelta(days=10), round_months,
                    observed)
