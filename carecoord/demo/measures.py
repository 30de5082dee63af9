"""Demo practice measures: three capability self-assessments and three team surveys over the last
year, each better than the last, and this quarter's survey open for answers.

Capability grows most in family partnership and coordination processes and stays low in data
and improvement (a system gap); the survey's weakest ties (primary care with school and
specialists) improve slowly. Everything is relative to the day the demo loads.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from carecoord.clock import iso
from carecoord.content.models import RC_DIMENSIONS, CapabilityInstrument, RelationalInstrument
from carecoord.demo import PEOPLE, DemoContext
from carecoord.store.measures import instrument_hash

# Days before the demo loads of each closed administration (about 11, 6 and 1 months ago).
ROUNDS_DAYS_AGO = (335, 185, 40)
OPEN_SURVEY_DAYS_AGO = 3
# Capability level a domain starts at, and how much it gains per administration.
CAPABILITY_PROFILE = {
    "leadership-and-capacity": (1.8, 0.45),
    "population-and-needs": (1.6, 0.5),
    "family-partnership": (2.0, 0.7),
    "coordination-and-care-planning": (1.5, 0.75),
    "community-and-cross-system": (1.7, 0.35),
    "data-and-improvement": (1.1, 0.2),
}
# How well a pair of disciplines works together at the start (1-5); anything unlisted is 3.3.
WEAK_PAIRS = {("primary care clinician", "school or early-intervention liaison"): 2.3,
              ("school or early-intervention liaison", "primary care clinician"): 2.4,
              ("primary care clinician", "specialist"): 2.7, ("specialist", "primary care clinician"): 2.8,
              ("care coordinator", "specialist"): 2.9, ("family partner", "specialist"): 2.6}
STRONG_PAIRS = {("care coordinator", "nurse"): 4.0, ("nurse", "care coordinator"): 4.1,
                ("care coordinator", "family partner"): 3.9, ("family partner", "care coordinator"): 4.2}
GAIN_PER_ROUND = 0.3


def _at(context: DemoContext, days_ago: int, hour: int = 9) -> datetime:
    day = (context.now - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(hour, 0), tzinfo=context.now.tzinfo)


def _open(context: DemoContext, instrument, when: datetime) -> int:
    lead_id = context.people["demo-lead"]
    cursor = context.db.execute(
        """INSERT INTO administration (practice_id, instrument_id, instrument_kind, instrument_version,
               instrument_hash, administered_on, opened_at, opened_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [context.practice_id, instrument.id, instrument.kind, instrument.version, instrument_hash(instrument),
         when.date().isoformat(), iso(when), lead_id],
    )
    return cursor.lastrowid


def _close(context: DemoContext, administration_id: int, closed: datetime) -> None:
    context.db.execute("UPDATE administration SET closed_at = ?, closed_by = ? WHERE id = ?",
                       [iso(closed), context.people["demo-lead"], administration_id])


def build(context: DemoContext) -> None:
    for instrument in context.library.instruments:
        if isinstance(instrument, CapabilityInstrument):
            _capability(context, instrument)
        elif isinstance(instrument, RelationalInstrument):
            _survey(context, instrument)


def _capability(context: DemoContext, instrument: CapabilityInstrument) -> None:
    rng = random.Random("demo-capability")
    bias = {t.id: rng.uniform(-0.5, 0.5) for t in instrument.themes}
    for step, days_ago in enumerate(ROUNDS_DAYS_AGO):
        when = _at(context, days_ago, 13)
        administration_id = _open(context, instrument, when)
        for domain in instrument.domains:
            start, gain = CAPABILITY_PROFILE.get(domain.id, (1.6, 0.4))
            for theme in domain.themes:
                value = start + gain * step + bias[theme.id] + rng.uniform(-0.2, 0.2)
                level = max(1, min(4, int(value)))
                complete = value - level >= (0.3 if level == 4 else 0.5)  # below level 1 stays partial
                note = "Checked against the registry and five plans of care." if rng.random() < 0.2 else ""
                context.db.execute(
                    "INSERT INTO capability_answer (administration_id, theme_id, level, complete, note) "
                    "VALUES (?, ?, ?, ?, ?)", [administration_id, theme.id, level, int(complete), note])
        _close(context, administration_id, when + timedelta(hours=2))


def _survey(context: DemoContext, instrument: RelationalInstrument) -> None:
    rng = random.Random("demo-survey")
    members = [p for p in PEOPLE if p.role is not None and p.discipline in instrument.disciplines]
    for step, days_ago in enumerate((*ROUNDS_DAYS_AGO, OPEN_SURVEY_DAYS_AGO)):
        opened = _at(context, days_ago)
        administration_id = _open(context, instrument, opened)
        is_open = days_ago == OPEN_SURVEY_DAYS_AGO
        for person in members:
            in_post = person.months_in_post * 30.44 >= days_ago + 14
            # Leave the open survey unanswered by the demo team members, so they have one to answer.
            if not in_post or (is_open and (person.role == "team_member" or rng.random() < 0.5)):
                continue
            if not is_open and rng.random() < 0.15:
                continue  # nobody has to answer
            _respond(context, instrument, administration_id, person.username, person.discipline, step, rng,
                     opened + timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 8)))
        if not is_open:
            _close(context, administration_id, opened + timedelta(days=14))


def _respond(context: DemoContext, instrument: RelationalInstrument, administration_id: int, username: str,
             discipline: str, step: int, rng: random.Random, when: datetime) -> None:
    db = context.db
    db.execute("INSERT INTO survey_respondent (administration_id, person_id, responded_at) VALUES (?, ?, ?)",
               [administration_id, context.people[username], iso(when)])
    response_id = f"{rng.getrandbits(128):032x}"  # random, like the app's, but the same every load
    db.execute("INSERT INTO survey_response (id, administration_id, from_discipline) VALUES (?, ?, ?)",
               [response_id, administration_id, discipline])
    for other in instrument.disciplines:
        if discipline != "care coordinator" and other != "care coordinator" and rng.random() < 0.25:
            continue  # not everyone works with every discipline
        pair = (discipline, other)
        base = WEAK_PAIRS.get(pair, STRONG_PAIRS.get(pair, 3.3))
        gain = GAIN_PER_ROUND * step * (0.6 if pair in WEAK_PAIRS else 1.0)
        for number, dimension in enumerate(RC_DIMENSIONS):
            relationship_lag = -0.2 if number >= 4 else 0.0
            score = round(base + gain + relationship_lag + rng.uniform(-0.8, 0.8))
            db.execute("INSERT INTO survey_rating (response_id, to_discipline, dimension, score) VALUES (?, ?, ?, ?)",
                       [response_id, other, dimension, max(1, min(5, score))])
