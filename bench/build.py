"""A synthetic organisation, built through the app's own store layer.

Practices, leads and trainees are created with `store.accounts` (the same calls as the People
page); years of assessment history and lesson progress go in through the store's documented bulk
paths (`assessments.import_history`, `learning.import_progress`); corrections, case play and
practice measures through the ordinary store functions with historic times. Everything is
deterministic (seeded) and relative to `now`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from carecoord import auth, cases as case_rules, competency
from carecoord.content.models import RC_DIMENSIONS, CapabilityInstrument, Library, RelationalInstrument
from carecoord.db import open_database, write
from carecoord.measures import SurveyResponse, ThemeAnswer
from carecoord.people import LEAD, TRAINEE, Person
from carecoord.store import accounts, assessments, cases, learning, measures, observations

PASSWORD = "bench-password-1"

# Twelve rounds per coordinator: baseline, 3, 6, 9 and 12 months, then yearly for seven more years.
ROUNDS = (0, 3, 6, 9, 12, 24, 36, 48, 60, 72, 84, 96)
OBSERVED_ROUNDS = (3, 12, 48, 96)  # the lead rates each trainee as an observer in these rounds
CORRECTED_SHARE = 0.02  # self-assessments corrected the next day through the app's own path
CAPABILITY_DAYS_AGO = (335, 185, 40)
SURVEY_DAYS_AGO = (300, 100)
SURVEY_RESPONDENTS = 6
# Observations by named assessors: per practice the lead and 2 to 4 senior coordinators (trainees named
# assessors) observe; each coordinator is observed 10 to 20 times in the last year, on 1 to 3 competencies,
# mostly the few they are working on. The lead signs off some competencies that meet the achievement rule.
SENIOR_ASSESSORS = (2, 4)
OBSERVATIONS_PER_YEAR = (10, 20)
FOCUS_COMPETENCIES = 6
SIGNED_OFF_SHARE = 0.3  # of coordinators, with one or two sign-offs each
OBSERVATION_SETTINGS = ("Family meeting", "Discharge call", "Plan-of-care meeting", "Home visit", "School meeting",
                        "Phone call with a family", "Case conference")


@dataclass(frozen=True)
class Scale:
    name: str
    practices: int
    trainees_per_practice: int

    @property
    def trainees(self) -> int:
        return self.practices * self.trainees_per_practice


SCALES = {
    "S": Scale("S", 1, 40),
    "M": Scale("M", 10, 40),
    "L": Scale("L", 50, 40),
    "XL": Scale("XL", 500, 40),  # a statewide programme: on its own, `--scale XL` (bench/statewide.py)
}


@dataclass
class Built:
    path: Path
    scale: Scale
    now: datetime
    seconds: float
    admin_id: int
    practice_ids: list[int]
    lead_ids: list[int]  # one per practice, same order
    trainee_ids: list[list[int]]  # per practice
    lead_usernames: list[str] = field(default_factory=list)
    trainee_usernames: list[list[str]] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"path": str(self.path), "scale": self.scale.name, "now": self.now.isoformat(),
                "build_seconds": round(self.seconds, 1), "build_phases_seconds": {k: round(v, 1) for k, v in
                                                                              self.phases.items()}}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    days_in = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
               30, 31][month - 1]
    return date(year, month, min(day.day, days_in))


def at(day: date, hour: int, now: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=now.tzinfo)


def build(path: Path, scale: Scale, library: Library, now: datetime) -> Built:
    """Create the organisation in a new database file at `path`."""
    if path.exists():
        raise FileExistsError(path)
    started = time.perf_counter()
    db = open_database(path)
    phases: dict[str, float] = {}
    password_hash = auth.hash_password(PASSWORD)  # one hash shared by every synthetic account
    mark = time.perf_counter()
    admin_id = accounts.create_person(db, accounts.SYSTEM, username="bench-admin", display_name="Bench Administrator",
                                      password="", password_hash=password_hash, now=now, is_admin=True)
    practice_ids, lead_ids, trainee_ids, lead_names, trainee_names = [], [], [], [], []
    for p in range(scale.practices):
        rng = random.Random(f"practice-{p}")
        with write(db):
            practice_id = accounts.create_practice(db, accounts.SYSTEM, f"Practice {p + 1:02d}", now,
                                                   setting="primary care", timezone="America/Chicago")
            lead_username = f"p{p + 1:02d}-lead"
            lead_id = accounts.create_person(
                db, accounts.SYSTEM, username=lead_username, display_name=f"Lead of practice {p + 1}",
                password="", password_hash=password_hash, now=now,
                started_on=add_months(now.date(), -rng.randint(110, 130)))
            accounts.add_membership(db, accounts.SYSTEM, lead_id, practice_id, LEAD, now, discipline="nurse")
            ids, names = [], []
            for t in range(scale.trainees_per_practice):
                username = f"p{p + 1:02d}-t{t + 1:03d}"
                person_id = accounts.create_person(
                    db, accounts.SYSTEM, username=username, display_name=f"Coordinator {p + 1}-{t + 1}",
                    password="", password_hash=password_hash, now=now,
                    started_on=add_months(now.date(), -rng.randint(98, 108)))
                accounts.add_membership(db, accounts.SYSTEM, person_id, practice_id, TRAINEE, now,
                                        discipline="care coordinator")
                ids.append(person_id)
                names.append(username)
        practice_ids.append(practice_id)
        lead_ids.append(lead_id)
        trainee_ids.append(ids)
        lead_names.append(lead_username)
        trainee_names.append(names)
    phases["people"] = time.perf_counter() - mark

    built = Built(path=path, scale=scale, now=now, seconds=0.0, admin_id=admin_id, practice_ids=practice_ids,
                  lead_ids=lead_ids, trainee_ids=trainee_ids, lead_usernames=lead_names,
                  trainee_usernames=trainee_names, phases=phases)
    admin = accounts.load_person(db, admin_id)
    for label, step in (("assessments", _assessments), ("corrections", _corrections), ("learning", _learning),
                        ("cases", _cases), ("measures", _measures), ("observations", _observations)):
        mark = time.perf_counter()
        step(db, built, library, admin)
        phases[label] = time.perf_counter() - mark
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("ANALYZE")
    db.conn.close()
    built.seconds = time.perf_counter() - started
    return built


# ---------------------------------------------------------------- assessment history


_ANSWERS = {(level, kind): assessments.Answer(level, kind)
            for level in range(1, 6) for kind in competency.EVIDENCE_KINDS}


def _evidence(level: int) -> str:
    return "does" if level >= 4 else "shows_how" if level == 3 else "knows_how" if level == 2 else "knows"


def _levels(rng: random.Random, codes: list[str], base: float, growth: float, bias: dict[str, float],
            step: int) -> dict[str, assessments.Answer]:
    answers = {}
    for code in codes:
        value = base + bias[code[:2]] + growth * min(step, 8) + rng.uniform(-0.7, 0.7)
        level = max(1, min(5, round(value)))
        answers[code] = _ANSWERS[(level, _evidence(level))]
    return answers


def _history(person: Person, lead_id: int | None, codes: list[str], now: datetime) -> list[assessments.Imported]:
    rng = random.Random(f"history-{person.username}")
    base, growth = rng.uniform(1.2, 2.0), rng.uniform(0.2, 0.45)
    bias = {code[:2]: rng.uniform(-0.5, 0.5) for code in codes}
    records = []
    for step, months in enumerate(ROUNDS):
        day = add_months(person.started_on, months) + timedelta(days=rng.randint(1, 20))
        when = at(day, rng.randint(9, 16), now)
        answers = _levels(rng, codes, base, growth, bias, step)
        records.append(assessments.Imported(person.id, person.id, competency.SELF, when, answers))
        if lead_id is not None and months in OBSERVED_ROUNDS:
            observed = {code: _ANSWERS[(max(1, a.level - rng.choice((0, 0, 1))), "does")]
                        for code, a in answers.items()}
            records.append(assessments.Imported(person.id, lead_id, competency.OBSERVER,
                                                when + timedelta(days=10), observed))
    return records


def _assessments(db: Database, built: Built, library: Library, admin: Person) -> None:
    framework = library.framework
    codes = [c.code for c in framework.competencies]
    for lead_id, trainees in zip(built.lead_ids, built.trainee_ids):
        records = _history(accounts.load_person(db, lead_id), None, codes, built.now)
        for person_id in trainees:
            records += _history(accounts.load_person(db, person_id), lead_id, codes, built.now)
        assessments.import_history(db, admin, framework, records)


def _corrections(db: Database, built: Built, library: Library, admin: Person) -> None:
    """A few self-assessments corrected the next day, through start_correction / save_step / submit."""
    framework = library.framework
    rng = random.Random("corrections")
    for trainees in built.trainee_ids:
        with write(db):
            for person_id in trainees:
                if rng.random() >= CORRECTED_SHARE * len(ROUNDS):
                    continue
                person = accounts.load_person(db, person_id)
                rows = db.execute("SELECT id, submitted_at FROM assessment WHERE person_id = ? AND rater_kind = 'self' "
                                  "AND status = 'submitted' ORDER BY submitted_at", [person_id]).fetchall()
                assessment_id, submitted_at = rows[rng.randrange(len(rows) - 1)]  # never the latest
                when = datetime.fromisoformat(submitted_at) + timedelta(days=1)
                draft = assessments.start_correction(db, person, assessment_id, framework, when)
                domain = framework.domains[0]
                answers = {c.code: assessments.Answer(max(1, draft.answers[c.code].level - 1), "knows")
                           for c in domain.competencies}
                assessments.save_step(db, person, draft.id, domain, answers, len(framework.domains))
                assessments.submit(db, person, draft.id, framework, person, when)


# ---------------------------------------------------------------- learning and cases


def _learning(db: Database, built: Built, library: Library, admin: Person) -> None:
    lessons = list(library.lessons)
    for trainees in built.trainee_ids:
        completions, answers = [], []
        for person_id in trainees:
            rng = random.Random(f"learning-{person_id}")
            person = accounts.load_person(db, person_id)
            start = at(person.started_on, 9, built.now)
            done = round(len(lessons) * rng.uniform(0.5, 1.0))
            for index, lesson in enumerate(lessons[:done]):
                when = start + timedelta(days=3 * index + rng.randint(0, 2), hours=rng.randint(0, 6))
                for check in lesson.checks:
                    right = check.correct_ids
                    wrong = [c.id for c in check.choices if not c.correct]
                    if wrong and rng.random() < 0.25:
                        answers.append((person_id, lesson, check, frozenset({rng.choice(wrong)}), when))
                    answers.append((person_id, lesson, check, right, when + timedelta(minutes=2)))
                completions.append((person_id, lesson, when + timedelta(minutes=5)))
        learning.import_progress(db, admin, completions, answers)


def _cases(db: Database, built: Built, library: Library, admin: Person) -> None:
    """Each trainee plays one case to the end; some start another one."""
    all_cases = list(library.cases)
    for trainees in built.trainee_ids:
        with write(db):
            for index, person_id in enumerate(trainees):
                rng = random.Random(f"cases-{person_id}")
                person = accounts.load_person(db, person_id)
                when = at(add_months(person.started_on, 4), 10, built.now)
                _play(db, person, all_cases[index % len(all_cases)], rng, when, phases=None)
                if rng.random() < 0.3:
                    _play(db, person, all_cases[(index + 1) % len(all_cases)], rng, when + timedelta(days=30),
                          phases=1)


def _play(db: Database, person: Person, case, rng: random.Random, when: datetime, phases: int | None) -> None:
    attempt = cases.start_attempt(db, person, case, when)
    for number, phase in enumerate(case.phases):
        if phases is not None and number >= phases:
            return
        made = cases.latest_attempt(db, person, case.id).choices
        for decision in phase.decisions:
            option = rng.choice(case_rules.offered(case, phase, decision, made))
            cases.choose(db, person, attempt.id, phase, decision, option.id, when)
            made[decision.id] = option.id
        if phase.plan_exercise is not None:
            shown = case_rules.as_shown(case, phase, made)
            cases.draft_plan(db, person, attempt.id, phase, "Go home and stay home.", "Safety at night.",
                             "Agree the night plan; coordinator; this week", when)
            cases.compare_plan(db, person, attempt.id, shown, {a.action: rng.choice(["yes", "partly", "no"])
                                                               for a in shown.plan_of_care.actions}, when)
        cases.advance(db, person, attempt.id, case, when)
        when += timedelta(minutes=15)


# ---------------------------------------------------------------- practice measures


def _measures(db: Database, built: Built, library: Library, admin: Person) -> None:
    capability = next((i for i in library.instruments if isinstance(i, CapabilityInstrument)), None)
    survey = next((i for i in library.instruments if isinstance(i, RelationalInstrument)), None)
    for practice_id, lead_id, trainees in zip(built.practice_ids, built.lead_ids, built.trainee_ids):
        rng = random.Random(f"measures-{practice_id}")
        lead = accounts.load_person(db, lead_id)
        with write(db):
            for step, days_ago in enumerate(CAPABILITY_DAYS_AGO if capability else ()):
                when = built.now - timedelta(days=days_ago)
                administration = measures.open_administration(db, lead, practice_id, capability, when.date(), when)
                answers = {t.id: ThemeAnswer(max(1, min(4, round(1.5 + 0.6 * step + rng.uniform(-0.6, 0.6)))),
                                             rng.random() < 0.5) for t in capability.themes}
                measures.record_capability_answers(db, lead, administration, capability, answers, when)
                measures.close_administration(db, lead, administration, capability, when + timedelta(hours=2))
            for days_ago in SURVEY_DAYS_AGO if survey else ():
                when = built.now - timedelta(days=days_ago)
                administration = measures.open_administration(db, lead, practice_id, survey, when.date(), when)
                for person_id in rng.sample(trainees, min(SURVEY_RESPONDENTS, len(trainees))):
                    person = accounts.load_person(db, person_id)
                    rated = rng.sample(list(survey.disciplines), min(3, len(survey.disciplines)))
                    response = SurveyResponse("care coordinator", {
                        d: {dim: rng.randint(2, 5) for dim in RC_DIMENSIONS} for d in rated})
                    measures.submit_survey(db, person, administration, survey, response, when + timedelta(days=2))
                measures.close_administration(db, lead, administration, survey, when + timedelta(days=14))


# ---------------------------------------------------------------- observations and sign-offs


def _observations(db: Database, built: Built, library: Library, admin: Person) -> None:
    """A year of observations through `observations.record_observation`, each recorded the day after it was
    seen (the store refuses one recorded more than 90 days later), and sign-offs through `sign_off`."""
    framework = library.framework
    codes = [c.code for c in framework.competencies]
    rule, today = framework.achievement, built.now.date()
    first_day = today - timedelta(days=rule.window_days - 5)
    for practice_id, lead_id, trainees in zip(built.practice_ids, built.lead_ids, built.trainee_ids):
        rng = random.Random(f"observations-{practice_id}")
        lead = accounts.load_person(db, lead_id)
        with write(db):
            seniors = trainees[:rng.randint(*SENIOR_ASSESSORS)]
            for person_id in seniors:
                accounts.set_assessor(db, lead, person_id, practice_id, TRAINEE, True, built.now - timedelta(days=400))
            assessors = [lead, *(accounts.load_person(db, person_id) for person_id in seniors)]
            for person_id in trainees:
                person = accounts.load_person(db, person_id)
                history = random.Random(f"history-{person.username}")  # the same growth as their self-ratings
                base, growth = history.uniform(1.2, 2.0), history.uniform(0.2, 0.45)
                focus = rng.sample(codes, FOCUS_COMPETENCIES)
                bias = {code: rng.uniform(-0.5, 0.5) for code in codes}
                found: dict[str, list[competency.Observed]] = {}
                count = rng.randint(*OBSERVATIONS_PER_YEAR)
                for index in range(count):
                    day = first_day + timedelta(days=(index * (rule.window_days - 10)) // count + rng.randint(0, 9))
                    day = min(day, today - timedelta(days=1))
                    picked = rng.sample(focus, rng.choice((1, 2, 2, 3)))
                    if rng.random() < 0.15 and len(picked) < observations.MAX_COMPETENCIES:
                        picked.append(rng.choice([c for c in codes if c not in picked]))
                    levels = {code: max(1, min(5, round(base + bias[code] + growth * 8 - 0.5 + rng.uniform(-0.8, 0.8))))
                              for code in picked}
                    assessor = rng.choice([a for a in assessors if a.id != person_id])
                    observation_id = observations.record_observation(
                        db, assessor, person, framework, min(at(day + timedelta(days=1), 17, built.now), built.now),
                        observed_on=day,
                        setting=rng.choice(OBSERVATION_SETTINGS), what_seen="Led the conversation with the family "
                        "and agreed the next steps with everyone present.", levels=levels,
                        next_step="Send the summary to the team within a day.")
                    for code, level in levels.items():
                        found.setdefault(code, []).append(competency.Observed(code, level, assessor.id, day,
                                                                              observation_id))
                if rng.random() >= SIGNED_OFF_SHARE:
                    continue
                achieved = [(code, got) for code, seen in sorted(found.items())
                            if (got := competency.achieved_level(seen, rule, today)) is not None]
                for code, got in rng.sample(achieved, min(len(achieved), rng.choice((1, 2)))):
                    observations.sign_off(db, lead, person, framework, built.now - timedelta(days=rng.randint(1, 60)),
                                          code=code, level=got.level, rationale="Consistent across assessors and "
                                          "settings this year.", evidence=[o.observation_id for o in got.counted])


# ---------------------------------------------------------------- reporting


TABLES = ("practice", "person", "membership", "assessment", "rating", "lesson_progress", "check_answer",
          "case_attempt", "case_choice", "administration", "capability_answer", "survey_response", "survey_rating",
          "observation", "observation_rating", "sign_off", "audit")


def row_counts(db: Database) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
