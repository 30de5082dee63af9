"""Demo practice measures: three capability self-assessments and three team surveys over the last
year, each better than the last, and this quarter's survey open for answers.

Capability grows most in family partnership and coordination processes and stays low in data
and improvement (a system gap); the survey's weakest ties (primary care with school and
specialists) improve slowly. Everything is relative to the day the demo loads, and goes in
through `store.measures.import_administration`.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from carecoord.content.models import RC_DIMENSIONS, CapabilityInstrument, RelationalInstrument
from carecoord.demo import PEOPLE, DemoContext
from carecoord.measures import SurveyResponse, ThemeAnswer
from carecoord.store import accounts, measures as store

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


def build(context: DemoContext) -> None:
    for instrument in context.library.instruments:
        if isinstance(instrument, CapabilityInstrument):
            _capability(context, instrument)
        elif isinstance(instrument, RelationalInstrument):
            _survey(context, instrument)


def _capability(context: DemoContext, instrument: CapabilityInstrument) -> None:
    rng = random.Random("demo-capability")
    bias = {t.id: rng.uniform(-0.5, 0.5) for t in instrument.themes}
    lead_id = context.people["demo-lead"]
    for step, days_ago in enumerate(ROUNDS_DAYS_AGO):
        when = _at(context, days_ago, 13)
        answers: dict[str, ThemeAnswer] = {}
        for domain in instrument.domains:
            start, gain = CAPABILITY_PROFILE.get(domain.id, (1.6, 0.4))
            for theme in domain.themes:
                value = start + gain * step + bias[theme.id] + rng.uniform(-0.2, 0.2)
                level = max(1, min(4, int(value)))
                complete = value - level >= (0.3 if level == 4 else 0.5)  # below level 1 stays partial
                note = "Checked against the registry and five plans of care." if rng.random() < 0.2 else ""
                answers[theme.id] = ThemeAnswer(level, complete, note)
        store.import_administration(context.db, accounts.SYSTEM, context.practice_id, instrument, opened_at=when,
                                    opened_by=lead_id, closed_at=when + timedelta(hours=2), closed_by=lead_id,
                                    capability_answers=answers)


def _survey(context: DemoContext, instrument: RelationalInstrument) -> None:
    rng = random.Random("demo-survey")
    lead_id = context.people["demo-lead"]
    members = [p for p in PEOPLE if p.role is not None and p.discipline in instrument.disciplines]
    for step, days_ago in enumerate((*ROUNDS_DAYS_AGO, OPEN_SURVEY_DAYS_AGO)):
        opened = _at(context, days_ago)
        is_open = days_ago == OPEN_SURVEY_DAYS_AGO
        responses = []
        for person in members:
            in_post = person.months_in_post * 30.44 >= days_ago + 14
            # Leave the open survey unanswered by the demo team members, so they have one to answer.
            if not in_post or (is_open and (person.role == "team_member" or rng.random() < 0.5)):
                continue
            if not is_open and rng.random() < 0.15:
                continue  # nobody has to answer
            responses.append(_response(context, instrument, person.username, person.discipline, step, rng,
                                       opened + timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 8))))
        closed = None if is_open else opened + timedelta(days=14)
        store.import_administration(context.db, accounts.SYSTEM, context.practice_id, instrument, opened_at=opened,
                                    opened_by=lead_id, closed_at=closed, closed_by=None if is_open else lead_id,
                                    survey_responses=responses)


def _response(context: DemoContext, instrument: RelationalInstrument, username: str, discipline: str, step: int,
              rng: random.Random, when: datetime) -> store.PastResponse:
    response_id = f"{rng.getrandbits(128):032x}"  # random, like the app's, but the same every load
    ratings: dict[str, dict[str, int]] = {}
    for other in instrument.disciplines:
        if discipline != "care coordinator" and other != "care coordinator" and rng.random() < 0.25:
            continue  # not everyone works with every discipline
        pair = (discipline, other)
        base = WEAK_PAIRS.get(pair, STRONG_PAIRS.get(pair, 3.3))
        gain = GAIN_PER_ROUND * step * (0.6 if pair in WEAK_PAIRS else 1.0)
        scores = {}
        for number, dimension in enumerate(RC_DIMENSIONS):
            relationship_lag = -0.2 if number >= 4 else 0.0
            score = round(base + gain + relationship_lag + rng.uniform(-0.8, 0.8))
            scores[dimension] = max(1, min(5, score))
        ratings[other] = scores
    return store.PastResponse(context.people[username], when, SurveyResponse(discipline, ratings),
                              response_id=response_id)
