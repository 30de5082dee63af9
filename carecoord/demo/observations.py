"""Demo observations by named assessors: a year of them from the lead, a nurse, a social worker and the
family faculty member, a few requests in every state, Sam Whitfield's portfolio and the lead's sign-offs.

Everything goes in through `store.observations` as the people themselves, each observation recorded a
day or two after it was seen (the store refuses one written more than 90 days later), so the records,
request events and audit entries are the real ones. Levels follow each trainee's growth in
`demo.assessments.PROFILES`; each trainee is observed mostly on a few competencies they work on, so
some of those meet the achievement rule (3 observations from 2 assessors in a year) and the rest do not.
The children and families in the texts are fictional and unnamed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from carecoord import competency
from carecoord.demo import DemoContext
from carecoord.demo.assessments import PROFILES
from carecoord.people import FAMILY_FACULTY, TEAM_MEMBER, Person
from carecoord.store import accounts, observations

LEAD = "demo-lead"
NURSE = "demo-nurse"
SOCIAL = "demo-social"
FACULTY = "demo-faculty"
# The named assessors and the membership each is named through (the lead is an assessor already).
NAMED = ((NURSE, TEAM_MEMBER), (SOCIAL, TEAM_MEMBER), (FACULTY, FAMILY_FACULTY))
# Who observes how often, and where each of them usually sees a coordinator at work.
ASSESSOR_WEIGHTS = {LEAD: 0.34, NURSE: 0.26, SOCIAL: 0.2, FACULTY: 0.2}
ASSESSOR_SETTINGS = {
    LEAD: ("Case conference", "Plan-of-care meeting", "Family meeting", "Review of portfolio evidence",
           "Phone call with a family"),
    NURSE: ("Discharge call", "Plan-of-care meeting", "Case conference", "Phone call with a family"),
    SOCIAL: ("Home visit", "School meeting", "Family meeting", "Phone call with a family"),
    FACULTY: ("Family meeting", "Home visit", "Phone call with a family"),
}

# The competencies each trainee is working on, and so is observed on most (the first ones most often).
FOCUS = {
    "demo-trainee": ("CP1", "CP3", "TR1", "CM1", "FP1"),
    "demo-amara": ("FP1", "FP2", "CM2", "AS3", "RL1"),
    "demo-ben": ("RL1", "RL2", "TM2", "IM1", "CM2"),
    "demo-chloe": ("TR1", "CP1", "CP2", "TM3", "CM3"),
    "demo-dev": ("AS3", "FP3", "RL1", "PP1", "CM1"),
    "demo-elena": ("FP1", "CM1", "AS2", "RL2"),
    "demo-farid": ("CM1", "FP1", "AS2", "PP2"),
    "demo-grace": ("FP1", "FP2", "CM1"),
}
PER_YEAR = 14  # observations of a trainee in post all year; fewer for those who started since
FIRST_AFTER = timedelta(days=25)  # nobody is observed in their first weeks

# What an assessor writes, by domain: one sentence when the coordinator did it well (level 3 and up)
# and one when they are still finding their feet; and one thing to do next.
SEEN = {
    "FP": (("Let the parent lead the conversation and checked back what mattered most to them this month "
            "before moving to the appointments.",
            "Asked the young person directly what they wanted from the plan and wrote it down in their words."),
           ("Explained the plan clearly but did most of the talking; the parent's worry about nights came up "
            "only at the end.",
            "Offered two options the team preferred before asking what the family had already tried.")),
    "CM": (("Used teach-back after explaining the new medicine times, and slowed down when the parent "
            "hesitated.",
            "Sent a short, accurate summary to everyone at the meeting the same afternoon."),
           ("Used several clinical abbreviations with the family and did not check they had been understood.",
            "The update to the specialist team was accurate but went out three days after the meeting.")),
    "AS": (("Worked through needs at home, at school and for the siblings, not only the medical list.",
            "Asked the social-needs questions plainly and without hurry, and followed up on the food worry "
            "the same day."),
           ("Focused on the equipment list and missed that the parent mentioned being close to losing "
            "their job.",
            "Completed the screening form but did not say what would happen with the answers.")),
    "CP": (("Built the plan of care with the family at the table: goals first, then who does what by when.",
            "Walked through the emergency plan with the parent and checked the night-time steps twice."),
           ("The plan of care was thorough but written before the meeting, so the family mostly signed it.",
            "The emergency information sheet was out of date after the medicine change.")),
    "RL": (("Knew which payer form was needed and had the equipment request moving before the call ended.",
            "Followed the outstanding referral through to an appointment date and told the family."),
           ("Two referrals were sent but nobody was tracking whether they had been received.",
            "Was unsure who to contact about the home nursing hours and left it with the parent.")),
    "TR": (("Had the discharge summary, the supplies and the first follow-up booked before the child "
            "went home.",
            "Prepared the family for the school transition meeting and sat beside them during it."),
           ("The discharge call covered the medicines but not who the family should ring on the first "
            "night.",
            "Left the transition planning to the next review, although the move is only a few months away.")),
    "TM": (("Ran the huddle to time, took each child in turn and closed with who owns each action.",
            "Named themselves as the lead coordinator for the family so the specialists knew whom to "
            "call."),
           ("The meeting overran and two actions were left without an owner.",
            "Several people were following up the same test result because roles were not agreed.")),
    "IM": (("Pulled the latest letters from three services into one current summary before the meeting.",
            "Checked the family's consent before sharing the plan with the school nurse."),
           ("The summary used last month's medicine list; the change after the clinic visit was missing.",
            "Was about to send the full record when a short summary was all that was needed.")),
    "OQ": (("Tracked the family's own goal from the last review and showed them the progress.",
            "Suggested a small test of change for the missed-appointment problem and agreed how to "
            "measure it."),
           ("Recorded the contacts but not whether the family's goals had moved.",
            "Was not sure how the extra coordination time could be recorded for payment.")),
    "PP": (("Asked how the family preferred to be addressed and which language they wanted the letters in.",
            "Kept calm and kind with an upset parent and knew when to pause the call."),
           ("Assumed the family had transport to the clinic without asking.",
            "Took on the parent's paperwork late into the evening; a boundary worth talking about.")),
}
NEXT = {
    "FP": ("Open the next meeting by asking the family what they want to leave with.",
           "Write the family's goal at the top of the plan, in their words."),
    "CM": ("Use teach-back for every change, not only new medicines.",
           "Send the meeting summary within one working day."),
    "AS": ("Add the family's life outside the clinic to the assessment: work, siblings, school.",
           "Tell the family what happens with their screening answers before asking them."),
    "CP": ("Draft the plan with the family rather than for them.",
           "Review the emergency plan after every medicine change."),
    "RL": ("Keep a tracker of every open referral and look at it weekly.",
           "Find out who handles home nursing hours before the next call."),
    "TR": ("Agree with the family who they call on the first night home.",
           "Start the next transition plan six months ahead."),
    "TM": ("End each meeting by naming an owner and a date for every action.",
           "Agree in writing who coordinates for each family with shared patients."),
    "IM": ("Check the medicine list against the latest clinic letter before sharing a summary.",
           "Share the minimum needed, and say so in the note."),
    "OQ": ("Pick one family goal to track each month and review it with them.",
           "Ask the lead how coordination time is recorded for payment."),
    "PP": ("Ask about transport and costs at every first contact.",
           "Hand back what belongs to the family and talk boundaries through in supervision."),
}


@dataclass(frozen=True)
class _Seen:
    trainee: str
    assessor: str
    observed_on: date
    levels: dict[str, int]


def build(context: DemoContext) -> None:
    framework = context.library.framework
    if framework is None:
        return
    db, now = context.db, context.now
    today = now.date()
    year_ago = now - timedelta(days=360)
    for username, role in NAMED:
        accounts.set_assessor(db, accounts.SYSTEM, context.people[username], context.practice_id, role, True,
                              year_ago - timedelta(days=5))
    people = {p.username: p for p in context.trainees()}
    person = {u: accounts.load_person(db, context.people[u]) for u in [*ASSESSOR_WEIGHTS, *FOCUS]}
    codes = {c.code for c in framework.competencies}

    plan: list[_Seen] = []
    for username, focus in FOCUS.items():
        if username not in people:
            continue
        plan += _plan(username, [c for c in focus if c in codes], sorted(codes), person[username].started_on,
                      today)
    found: dict[str, list[competency.Observed]] = {}
    for seen in sorted(plan, key=lambda s: (s.observed_on, s.trainee)):
        rng = random.Random(f"text-{seen.trainee}-{seen.observed_on}")
        observation_id = _observe(context, person[seen.assessor], person[seen.trainee], seen.observed_on,
                                  seen.levels, rng, setting=rng.choice(ASSESSOR_SETTINGS[seen.assessor]))
        for code, level in seen.levels.items():
            found.setdefault(seen.trainee, []).append(competency.Observed(
                code, level, person[seen.assessor].id, seen.observed_on, observation_id))

    _requests(context, person, found)
    _portfolio(context, person["demo-trainee"], person[LEAD])
    _sign_offs(context, person, found)


def _plan(username: str, focus: list[str], all_codes: list[str], started_on: date, today: date) -> list[_Seen]:
    """A trainee's year of observations: dates spread over their time in post, levels that grow with it."""
    rng = random.Random(f"observe-{username}")
    base, growth, shape = PROFILES[username]
    first = max(started_on + FIRST_AFTER, today - timedelta(days=355))
    span = (today - timedelta(days=3) - first).days
    if span < 20 or not focus:
        return []
    count = max(2, round(PER_YEAR * span / 350))
    bias = {code: rng.uniform(-0.4, 0.4) for code in all_codes}
    assessors, weights = list(ASSESSOR_WEIGHTS), list(ASSESSOR_WEIGHTS.values())
    found = []
    for index in range(count):
        day = first + timedelta(days=round(span * (index + rng.uniform(0.1, 0.9)) / count))
        day -= timedelta(days=max(0, day.weekday() - 4))  # weekends move back to the Friday
        months = (day - started_on).days / 30.44
        step = months / 3
        if shape == "plateau":
            step = min(step, 2)
        size = rng.choice((1, 1, 2, 2, 3))
        picked = [rng.choice(focus[:3])] + rng.sample(focus, min(len(focus), size - 1))
        if rng.random() < 0.15:
            picked.append(rng.choice(all_codes))  # something else the occasion happened to show
        picked = list(dict.fromkeys(picked))[:observations.MAX_COMPETENCIES]
        levels = {}
        for code in picked:
            value = base + growth * step + bias[code] - 0.3 + rng.uniform(-0.5, 0.5)
            levels[code] = max(1, min(5, round(value)))
        found.append(_Seen(username, rng.choices(assessors, weights)[0], day, levels))
    return found


def _texts(levels: dict[str, int], rng: random.Random) -> tuple[str, str]:
    codes = list(levels)
    first = codes[0][:2]
    seen = [rng.choice(SEEN[first][0 if levels[codes[0]] >= 3 else 1])]
    if len(codes) > 1 and codes[1][:2] != first:
        seen.append(rng.choice(SEEN[codes[1][:2]][0 if levels[codes[1]] >= 3 else 1]))
    weakest = min(codes, key=lambda c: (levels[c], c))
    return " ".join(seen), rng.choice(NEXT[weakest[:2]])


def _observe(context: DemoContext, assessor: Person, trainee: Person, observed_on: date, levels: dict[str, int],
             rng: random.Random, *, setting: str, request_id: int | None = None,
             what_seen: str | None = None) -> int:
    seen, next_step = _texts(levels, rng)
    recorded = datetime.combine(observed_on + timedelta(days=rng.choice((0, 1, 1, 2))), time(17, 30),
                                tzinfo=context.now.tzinfo)
    recorded = min(recorded, context.now)
    return observations.record_observation(
        context.db, assessor, trainee, context.library.framework, recorded, observed_on=observed_on,
        setting=setting, what_seen=what_seen or seen, levels=levels, next_step=next_step, request_id=request_id)


def _at(context: DemoContext, days_ago: int, hour: int = 10) -> datetime:
    day = context.now.date() - timedelta(days=days_ago)
    return min(datetime.combine(day, time(hour), tzinfo=context.now.tzinfo), context.now)


def _requests(context: DemoContext, person: dict[str, Person], found: dict[str, list[competency.Observed]]) -> None:
    """Two requests waiting for the nurse, one answered, one declined, one expired."""
    db, framework = context.db, context.library.framework
    ask = observations.ask_for_observation
    ask(db, person["demo-trainee"], person[NURSE].id, ["TR1", "CP3"], framework, _at(context, 6, 11),
        context="A discharge call next week for a child going home with a new feeding pump; I would value "
                "your view on how I cover the first night at home.")
    ask(db, person["demo-amara"], person[NURSE].id, ["CM2"], framework, _at(context, 3, 15),
        context="The monthly plan-of-care meeting on Thursday; I am taking the notes and sending the summary.")

    answered = ask(db, person["demo-ben"], person[SOCIAL].id, ["RL2", "AS3"], framework, _at(context, 52, 9),
                   context="A home visit to follow up the housing and benefits referrals from last month.")
    levels = {"AS3": 3, "RL2": 3}
    observation_id = _observe(
        context, person[SOCIAL], person["demo-ben"], context.now.date() - timedelta(days=45), levels,
        random.Random("answered"), setting="Home visit", request_id=answered,
        what_seen="Came with the referral tracker up to date and told the parent plainly which referral had "
                  "stalled and why. Asked the social-needs questions again without hurry, and agreed with the "
                  "parent who would chase the housing office.")
    for code, level in levels.items():
        found.setdefault("demo-ben", []).append(competency.Observed(
            code, level, person[SOCIAL].id, context.now.date() - timedelta(days=45), observation_id))

    declined = ask(db, person["demo-chloe"], person[FACULTY].id, ["TM2"], framework, _at(context, 20, 14),
                   context="The Tuesday team huddle; I am chairing it for the first time.")
    observations.decline_request(db, person[FACULTY], declined,
                                 "I am not at the Tuesday huddles, so I could not say how it went. Rosa Delgado "
                                 "chairs them most weeks: ask her instead.", _at(context, 19, 9))

    expired = _at(context, 47, 16)
    ask(db, person["demo-dev"], person[SOCIAL].id, ["RL1"], framework, expired,
        context="Any school meeting this month where I am arranging transport and therapies.")
    observations.expire_requests(db, expired + timedelta(days=framework.achievement.request_expires_days, hours=1))


REFLECTION = """\
## Planning for the night, not just the day

At the plan-of-care meeting I went through the emergency plan line by line with the parent. On paper it was
complete: the seizure rescue medicine, the doses, when to call for an ambulance. When I asked *what usually
happens at three in the morning*, the answer changed the plan. The parent is on their own most nights, the
rescue medicine is kept in a locked cupboard downstairs, and the out-of-hours number on our sheet goes to a
switchboard.

What I changed:

- the rescue medicine now lives in a box by the bed, and the plan says so;
- the sheet gives the direct line for the on-call nurse, checked by ringing it;
- we agreed what the older sibling can do while the parent is with the child.

What I take from it: an emergency plan is only finished when it has been walked through at the hour it will
be used. I now ask "what happens at night?" in every plan review.
"""

CHECKLIST = """\
# Before a hospital-to-home discharge call

A checklist I use before I ring a family about a discharge. Nothing in it names a child or a hospital.

1. Do I have the discharge summary, and does its medicine list match the pharmacy's?
2. Are the supplies and equipment ordered, delivered and set up, and does the family know who to ring if
   something is missing?
3. Is the first follow-up booked with the primary care practice, within a week?
4. Who does the family call on the first night home? Write the number on the plan.
5. Which specialists need to hear that the child is home, and who tells them?
6. Is there anything the family was taught in hospital that they would like to go over again?
7. When will I call back? Agree a day and time before hanging up.
"""


def _portfolio(context: DemoContext, sam: Person, lead: Person) -> None:
    """Sam's evidence: a reflection, a link to guidance he read, and a checklist he sent the lead to review."""
    db, framework = context.db, context.library.framework
    observations.add_portfolio_item(db, sam, framework, _at(context, 58, 20), code="CP3", kind="reflection",
                                    title="What the night-time walk-through changed in an emergency plan",
                                    body=REFLECTION)
    observations.add_portfolio_item(
        db, sam, framework, _at(context, 33, 19), code="FP1", kind="link",
        title="Policy statement I read on patient- and family-centered care coordination",
        url="https://publications.aap.org/pediatrics/article/133/5/e1451/32796/"
            "Patient-and-Family-Centered-Care-Coordination-A",
        body="Read with the orientation module. The framework's point that the family is the constant across "
             "settings is the one I keep coming back to.")
    checklist = observations.add_portfolio_item(db, sam, framework, _at(context, 4, 16), code="TR1", kind="document",
                                                title="My checklist before a discharge call",
                                                filename="discharge-call-checklist.md", body=CHECKLIST)
    observations.ask_for_observation(db, sam, lead.id, ["TR1"], framework, _at(context, 4, 16),
                                     context="Could you look at my discharge checklist and tell me what is missing?",
                                     portfolio_item_id=checklist)


def _sign_offs(context: DemoContext, person: dict[str, Person], found: dict[str, list[competency.Observed]]) -> None:
    """The lead signs off the strongest achieved competency of two trainees, and withdraws one sign-off made a
    level too high."""
    db, framework, lead = context.db, context.library.framework, person[LEAD]
    rule, today = framework.achievement, context.now.date()

    def best(username: str) -> tuple[str, competency.Achievement] | None:
        achieved = []
        for code in sorted({o.code for o in found.get(username, ())}):
            got = competency.achieved_level([o for o in found[username] if o.code == code], rule, today)
            if got is not None:
                achieved.append((got.level, len(got.counted), code, got))
        if not achieved:
            return None
        level, _, code, got = max(achieved)
        return code, got

    for username, days_ago in (("demo-chloe", 9), ("demo-amara", 16)):
        chosen = best(username)
        if chosen is None:
            continue
        code, got = chosen
        observations.sign_off(
            db, lead, person[username], framework, _at(context, days_ago, 12), code=code, level=got.level,
            rationale=f"{len(got.counted)} observations from {got.assessors} assessors at level {got.level} or above "
                      "this year, in different settings, and consistent with what I see in our case reviews.",
            evidence=[o.observation_id for o in got.counted])

    chosen = best("demo-ben")
    if chosen is not None:
        code, got = chosen
        signed = observations.sign_off(
            db, lead, person["demo-ben"], framework, _at(context, 30, 12), code=code, level=min(5, got.level + 1),
            rationale="Consistently strong in the observations this year.",
            evidence=[o.observation_id for o in got.counted])
        observations.withdraw_sign_off(
            db, lead, signed, f"Signed off a level too high: the observations reach level {got.level}, not "
                              f"{min(5, got.level + 1)}. I will sign off again when they show it.",
            _at(context, 29, 9))
