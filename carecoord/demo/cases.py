"""Demo case play: some trainees have finished cases, others are part-way through (through
`store.cases.import_attempt`, which marks the care-map answers as the case page does)."""

from __future__ import annotations

import random
from datetime import timedelta

from carecoord import cases as rules
from carecoord.demo import DemoContext
from carecoord.store import accounts, cases as store

# username -> [(case id, phases to play through, finished?)]
PLAYS = {
    "demo-amara": [("epilepsy-infant-to-adult", None, True), ("nicu-to-home", 2, False)],
    "demo-ben": [("epilepsy-infant-to-adult", 3, False), ("nicu-to-home", None, True)],
    "demo-chloe": [("epilepsy-infant-to-adult", None, True), ("fifty-relationships", None, True)],
    "demo-dev": [("epilepsy-infant-to-adult", 2, False)],
    "demo-elena": [("epilepsy-infant-to-adult", 1, False), ("fifty-relationships", 1, False)],
    "demo-farid": [("nicu-to-home", 1, False)],
}
STRONG_CHANCE = {"demo-amara": 0.8, "demo-ben": 0.5, "demo-chloe": 0.9, "demo-dev": 0.4, "demo-elena": 0.6,
                 "demo-farid": 0.6}


def build(context: DemoContext) -> None:
    for username, plays in PLAYS.items():
        rng = random.Random(f"cases-{username}")
        person_id = context.people[username]
        for index, (case_id, phases_played, finished) in enumerate(plays):
            case = context.library.case(case_id)
            if case is None or not case.phases:
                continue
            played = case.phases if phases_played is None else case.phases[:phases_played]
            started = context.now - timedelta(days=60 - 20 * index + rng.randint(0, 5))
            choices, map_answers, reflections = [], [], []
            made: dict[str, str] = {}
            for step, phase in enumerate(played):
                when = started + timedelta(hours=6 * step + 1)
                if not finished and step == len(played) - 1:
                    decisions = phase.decisions[:1]  # part-way through the phase they stopped in
                else:
                    decisions = phase.decisions
                for decision in decisions:
                    options = rules.offered(case, phase, decision, made)  # what earlier choices left open
                    strong = [o for o in options if o.alignment == "strong"]
                    option = strong[0] if rng.random() < STRONG_CHANCE[username] else rng.choice(options)
                    choices.append(store.PastChoice(phase, decision, option.id, when))
                    made[decision.id] = option.id
                if phase.map_exercise is not None:
                    picked = frozenset(n.label for n in phase.care_map.nodes if rng.random() < 0.8)
                    map_answers.append(store.PastMapAnswer(phase, picked, when))
                if phase.reflections and rng.random() < 0.6:
                    reflections.append(store.PastReflection(
                        phase, 0, "I would ask the family first what they most need from this week, "
                                  "then agree who follows up on each part.", when))
            store.import_attempt(
                context.db, accounts.SYSTEM, person_id, case, started_at=started,
                phase_reached=len(case.phases) - 1 if finished else len(played) - 1,
                completed_at=started + timedelta(days=3) if finished else None,
                choices=choices, map_answers=map_answers, reflections=reflections)
