"""Case play: attempts, choices, reflections and care-map exercises; insights for leads."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime


from carecoord import cases as rules, permissions
from carecoord.clock import iso, parse
from carecoord.content.models import Case, Decision, Phase
from carecoord.db import Database, placeholders, write
from carecoord.errors import FieldError
from carecoord.people import LEAD, Person
from carecoord.permissions import PermissionDenied, require
from carecoord.store import records

MAX_REFLECTION_CHARS = 5000
FEWER_THAN = 3  # counts built from fewer people than this are not shown


class CaseError(FieldError):
    """Refused case requests; see `carecoord.errors.FieldError`."""


@dataclass(frozen=True)
class Attempt:
    id: int
    person_id: int
    case_id: str
    phase_reached: int
    started_at: datetime
    completed_at: datetime | None
    choices: dict[str, str]  # decision id -> option id
    reflections: dict[tuple[str, int], str]  # (phase id, prompt index) -> text
    map_answers: dict[str, list[str]]  # phase id -> labels picked
    plan_drafts: dict[str, rules.PlanDraft] = field(default_factory=dict)  # phase id -> the trainee's draft

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


def _attempt(db: Database, row: dict) -> Attempt:
    choices = {r["decision_id"]: r["option_id"]
               for r in db.query("SELECT decision_id, option_id FROM case_choice WHERE attempt_id = ?", [row["id"]])}
    reflections = {(r["phase_id"], r["prompt_index"]): r["text"]
                   for r in db.query("SELECT phase_id, prompt_index, text FROM case_reflection WHERE attempt_id = ?",
                                     [row["id"]])}
    maps = {r["phase_id"]: json.loads(r["picked"])
            for r in db.query("SELECT phase_id, picked FROM case_map_answer WHERE attempt_id = ?", [row["id"]])}
    drafts = {r["phase_id"]: _draft(r) for r in db.query("SELECT * FROM case_plan_draft WHERE attempt_id = ?",
                                                          [row["id"]])}
    return Attempt(id=row["id"], person_id=row["person_id"], case_id=row["case_id"],
                   phase_reached=row["phase_reached"], started_at=parse(row["started_at"]),
                   completed_at=parse(row["completed_at"]), choices=choices, reflections=reflections,
                   map_answers=maps, plan_drafts=drafts)


def _draft(row: dict) -> rules.PlanDraft:
    return rules.PlanDraft(
        phase_id=row["phase_id"], family_goals=row["family_goals"], team_concerns=row["team_concerns"],
        actions=tuple(rules.DraftAction(*a) for a in json.loads(row["actions"])), drafted_at=parse(row["drafted_at"]),
        comparison=json.loads(row["comparison"]) if row["comparison"] else None, compared_at=parse(row["compared_at"]))


def latest_attempt(db: Database, person: Person, case_id: str) -> Attempt | None:
    """The person's most recent attempt at a case (finished or not)."""
    row = next(db.query("SELECT * FROM case_attempt WHERE person_id = ? AND case_id = ? ORDER BY id DESC LIMIT 1",
                        [person.id, case_id]), None)
    return _attempt(db, row) if row else None


def attempts_by_case(db: Database, person: Person) -> dict[str, list[dict]]:
    rows = db.query("SELECT id, case_id, phase_reached, started_at, completed_at FROM case_attempt "
                    "WHERE person_id = ? ORDER BY id", [person.id])
    found: dict[str, list[dict]] = {}
    for row in rows:
        found.setdefault(row["case_id"], []).append(row)
    return found


def start_attempt(db: Database, person: Person, case: Case, now: datetime) -> Attempt:
    """A new attempt at phase 1 (a replay is a new attempt; earlier ones are kept)."""
    with write(db):
        attempt_id = db.execute("INSERT INTO case_attempt (person_id, case_id, content_hash, started_at) "
                                "VALUES (?, ?, ?, ?) RETURNING id",
                                [person.id, case.id, case.content_hash, iso(now)]).fetchone()[0]
    return _attempt(db, next(db.query("SELECT * FROM case_attempt WHERE id = ?", [attempt_id])))


def _own(db: Database, person: Person, attempt_id: int) -> dict:
    row = next(db.query("SELECT * FROM case_attempt WHERE id = ?", [attempt_id]), None)
    if row is None or row["person_id"] != person.id:
        raise PermissionDenied("That attempt is not yours.")
    return row


def choose(db: Database, person: Person, attempt_id: int, phase: Phase, decision: Decision, option_id: str,
           now: datetime, case: Case | None = None) -> None:
    """Record a choice; a decision is made once per attempt (replay the case to choose differently). Given the
    case, an option that the attempt's earlier choices do not leave open is refused too."""
    row = _own(db, person, attempt_id)
    if row["completed_at"]:
        raise CaseError("This attempt is finished; start a replay to choose again.")
    if decision.option(option_id) is None or decision not in phase.decisions:
        raise CaseError("Choose one of the options.", decision.id)
    if case is not None and option_id not in {o.id for o in rules.offered(case, phase, decision,
                                                                          _attempt(db, row).choices)}:
        raise CaseError("That option is not open at this point of the case.", decision.id)
    with write(db):
        if db.execute("SELECT 1 FROM case_choice WHERE attempt_id = ? AND decision_id = ?",
                      [attempt_id, decision.id]).fetchone():
            raise CaseError("You have already made this decision in this attempt.", decision.id)
        db.execute("""INSERT INTO case_choice (attempt_id, phase_id, decision_id, option_id, content_hash, chosen_at)
                      VALUES (?, ?, ?, ?, ?, ?)""",
                   [attempt_id, phase.id, decision.id, option_id, phase.content_hash, iso(now)])
        records.record(db, person.id, "case_decision_made", now, case_id=row["case_id"], phase_id=phase.id,
                       decision_id=decision.id, option_id=option_id, alignment=decision.option(option_id).alignment,
                       competencies=decision.competencies)


def save_reflection(db: Database, person: Person, attempt_id: int, phase: Phase, prompt_index: int, text: str,
                    now: datetime) -> None:
    _own(db, person, attempt_id)
    if len(text) > MAX_REFLECTION_CHARS:
        raise CaseError(f"Keep a reflection under {MAX_REFLECTION_CHARS:,} characters "
                        f"(this one has {len(text):,}).", f"{phase.id}-{prompt_index}")
    if not 0 <= prompt_index < len(phase.reflections):
        raise CaseError("No such reflection prompt.")
    with write(db):
        db.execute("""INSERT INTO case_reflection (attempt_id, phase_id, prompt_index, text, updated_at)
                      VALUES (?, ?, ?, ?, ?)
                      ON CONFLICT (attempt_id, phase_id, prompt_index)
                      DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at""",
                   [attempt_id, phase.id, prompt_index, text, iso(now)])


def answer_map_exercise(db: Database, person: Person, attempt_id: int, phase: Phase, picked: set[str],
                        now: datetime) -> rules.MapExerciseResult:
    _own(db, person, attempt_id)
    if phase.map_exercise is None:
        raise CaseError("This phase has no care-map exercise.")
    if not picked:
        raise CaseError("Pick at least one person or service.", "map")
    if not set(picked) <= set(rules.map_exercise_choices(phase)):
        raise CaseError("Pick from the people and services listed.", "map")
    result = rules.mark_map_exercise(phase, picked)
    with write(db):
        db.execute("""INSERT INTO case_map_answer (attempt_id, phase_id, picked, score, answered_at) VALUES (?, ?, ?, ?, ?)
                      ON CONFLICT (attempt_id, phase_id) DO NOTHING""",
                   [attempt_id, phase.id, json.dumps(sorted(picked)), result.score, iso(now)])
    return result


def draft_plan(db: Database, person: Person, attempt_id: int, phase: Phase, family_goals: str, team_concerns: str,
               actions: str, now: datetime) -> rules.PlanDraft:
    """Keep the trainee's own shared plan of care for a phase that asks for one (once per attempt: it is their
    answer before they saw the team's plan)."""
    row = _own(db, person, attempt_id)
    if row["completed_at"]:
        raise CaseError("This attempt is finished; start a replay to draft again.")
    if phase.plan_exercise is None:
        raise CaseError("This phase does not ask for a plan.")
    goals, concerns = family_goals.strip(), team_concerns.strip()
    if not goals:
        raise CaseError("Write the family's goals, in their words.", "family_goals")
    if not concerns:
        raise CaseError("Write the team's concerns.", "team_concerns")
    for text, name in ((goals, "family_goals"), (concerns, "team_concerns"), (actions, "actions")):
        if len(text) > rules.MAX_DRAFT_CHARS:
            raise CaseError(f"Keep each box under {rules.MAX_DRAFT_CHARS} characters.", name)
    try:
        parsed = rules.parse_actions(actions)
    except ValueError as error:
        raise CaseError(str(error), "actions") from error
    with write(db):
        if db.execute("SELECT 1 FROM case_plan_draft WHERE attempt_id = ? AND phase_id = ?",
                      [attempt_id, phase.id]).fetchone():
            raise CaseError("You have already drafted this plan in this attempt.")
        db.execute("""INSERT INTO case_plan_draft (attempt_id, phase_id, family_goals, team_concerns, actions,
                          drafted_at) VALUES (?, ?, ?, ?, ?, ?)""",
                   [attempt_id, phase.id, goals, concerns,
                    json.dumps([[a.action, a.who, a.by_when] for a in parsed]), iso(now)])
        records.record(db, person.id, "plan_drafted", now, case_id=row["case_id"], phase_id=phase.id)
    return rules.PlanDraft(phase.id, goals, concerns, parsed, now)


def compare_plan(db: Database, person: Person, attempt_id: int, phase: Phase, marks: dict[str, str],
                 now: datetime) -> None:
    """Keep the trainee's item-by-item comparison of their draft with the plan the case holds (as shown)."""
    _own(db, person, attempt_id)
    wanted = [a.action for a in phase.plan_of_care.actions]
    if set(marks) != set(wanted) or not set(marks.values()) <= set(rules.COMPARE_MARKS):
        raise CaseError("Mark every item of the team's plan.")
    with write(db):
        changed = db.execute(
            """UPDATE case_plan_draft SET comparison = ?, compared_at = ?
               WHERE attempt_id = ? AND phase_id = ? AND comparison IS NULL""",
            [json.dumps({item: marks[item] for item in wanted}), iso(now), attempt_id, phase.id]).rowcount
        if changed != 1:
            raise CaseError("Draft the plan first; a comparison is saved once.")


def advance(db: Database, person: Person, attempt_id: int, case: Case, now: datetime) -> None:
    """Move on from the phase reached once its decisions are made (and its plan drafted and compared, where it
    asks for one); after the last phase, complete."""
    attempt = _attempt(db, _own(db, person, attempt_id))
    phase = rules.resume_phase(case, attempt.phase_reached)
    if not rules.phase_done(phase, attempt.choices, attempt.plan_drafts):
        raise CaseError("Make every decision in this phase (and draft and compare the plan, where it asks) "
                        "before moving on.")
    with write(db):
        if attempt.phase_reached >= len(case.phases) - 1:
            finished = db.execute("UPDATE case_attempt SET completed_at = ? WHERE id = ? AND completed_at IS NULL",
                                  [iso(now), attempt_id]).rowcount
            if finished:
                records.record(db, person.id, "case_completed", now, case_id=case.id, case_title=case.title)
        else:
            db.execute("UPDATE case_attempt SET phase_reached = phase_reached + 1 WHERE id = ?", [attempt_id])


# ---------------------------------------------------------------- importing earlier play


@dataclass(frozen=True)
class PastChoice:
    phase: Phase
    decision: Decision
    option_id: str
    chosen_at: datetime


@dataclass(frozen=True)
class PastMapAnswer:
    phase: Phase
    picked: frozenset[str]
    answered_at: datetime


@dataclass(frozen=True)
class PastReflection:
    phase: Phase
    prompt_index: int
    text: str
    updated_at: datetime


def import_attempt(db: Database, actor: Person, person_id: int, case: Case, *, started_at: datetime,
                   phase_reached: int, completed_at: datetime | None = None, choices: Sequence[PastChoice] = (),
                   map_answers: Sequence[PastMapAnswer] = (), reflections: Sequence[PastReflection] = ()) -> int:
    """Record an attempt made earlier (the demo's history, a previous system), as of its own times.

    Checked as `choose`, `answer_map_exercise` and `save_reflection` check each piece (an option of
    a decision of a phase of this case, made once; map picks from the exercise's list; a prompt
    of the phase, within the length limit), and only for phases up to the one reached; a completed
    attempt has reached the last phase. Map answers are marked as the app marks them. Administrators
    only, like the other imports. Returns the new attempt's id.
    """
    require(permissions.may_administer_accounts(actor), "Only an administrator imports case history.")
    if db.execute("SELECT 1 FROM person WHERE id = ?", [person_id]).fetchone() is None:
        raise CaseError(f"No person with id {person_id}.")
    if not case.phases or not 0 <= phase_reached < len(case.phases):
        raise CaseError(f"{case.id} has no phase {phase_reached}.")
    if completed_at is not None and (phase_reached != len(case.phases) - 1 or completed_at < started_at):
        raise CaseError("A completed attempt reached the last phase, after it started.")
    reached = {phase.id: number for number, phase in enumerate(case.phases) if number <= phase_reached}

    def check_phase(phase: Phase) -> None:
        if phase.id not in reached or case.phases[reached[phase.id]].content_hash != phase.content_hash:
            raise CaseError(f"{phase.id} is not a phase of {case.id} reached in this attempt.")

    decided: set[str] = set()
    for choice in choices:
        check_phase(choice.phase)
        if choice.decision not in choice.phase.decisions or choice.decision.option(choice.option_id) is None:
            raise CaseError("Choose one of the options.", choice.decision.id)
        if choice.decision.id in decided:
            raise CaseError("A decision is made once per attempt.", choice.decision.id)
        decided.add(choice.decision.id)
    mapped: set[str] = set()
    for answer in map_answers:
        check_phase(answer.phase)
        if answer.phase.map_exercise is None:
            raise CaseError("This phase has no care-map exercise.")
        if not answer.picked or not set(answer.picked) <= set(rules.map_exercise_choices(answer.phase)):
            raise CaseError("Pick from the people and services listed.", "map")
        if answer.phase.id in mapped:
            raise CaseError("A care-map exercise is answered once per attempt.", "map")
        mapped.add(answer.phase.id)
    reflected: set[tuple[str, int]] = set()
    for reflection in reflections:
        check_phase(reflection.phase)
        key = (reflection.phase.id, reflection.prompt_index)
        if not 0 <= reflection.prompt_index < len(reflection.phase.reflections) or key in reflected:
            raise CaseError("No such reflection prompt, or it is answered twice.")
        if len(reflection.text) > MAX_REFLECTION_CHARS:
            raise CaseError(f"Keep a reflection under {MAX_REFLECTION_CHARS:,} characters.",
                            f"{reflection.phase.id}-{reflection.prompt_index}")
        reflected.add(key)
    with write(db):
        attempt_id = db.execute(
            """INSERT INTO case_attempt (person_id, case_id, content_hash, phase_reached, started_at, completed_at)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            [person_id, case.id, case.content_hash, phase_reached, iso(started_at),
             iso(completed_at) if completed_at is not None else None],
        ).fetchone()[0]
        for choice in choices:
            db.execute("""INSERT INTO case_choice (attempt_id, phase_id, decision_id, option_id, content_hash,
                              chosen_at) VALUES (?, ?, ?, ?, ?, ?)""",
                       [attempt_id, choice.phase.id, choice.decision.id, choice.option_id, choice.phase.content_hash,
                        iso(choice.chosen_at)])
        for answer in map_answers:
            db.execute("""INSERT INTO case_map_answer (attempt_id, phase_id, picked, score, answered_at)
                          VALUES (?, ?, ?, ?, ?)""",
                       [attempt_id, answer.phase.id, json.dumps(sorted(answer.picked)),
                        rules.mark_map_exercise(answer.phase, set(answer.picked)).score, iso(answer.answered_at)])
        for reflection in reflections:
            db.execute("""INSERT INTO case_reflection (attempt_id, phase_id, prompt_index, text, updated_at)
                          VALUES (?, ?, ?, ?, ?)""",
                       [attempt_id, reflection.phase.id, reflection.prompt_index, reflection.text,
                        iso(reflection.updated_at)])
    return attempt_id


# ---------------------------------------------------------------- evidence and insights


def first_choices(db: Database, actor: Person, subject: Person) -> dict[str, str]:
    """The option the person chose the first time they met each decision, over all their attempts: the evidence
    (a replay is practice). Read with the library (`evidence.decisions_made`)."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's case work.")
    found: dict[str, str] = {}
    for row in db.query("""SELECT case_choice.decision_id, case_choice.option_id FROM case_choice
                           JOIN case_attempt ON case_attempt.id = case_choice.attempt_id
                           WHERE case_attempt.person_id = ? ORDER BY case_choice.chosen_at, case_choice.id""",
                        [subject.id]):
        found.setdefault(row["decision_id"], row["option_id"])
    return found


def practice_choices(db: Database, actor: Person, practice_id: int, decision_ids: list[str]) -> dict[str, dict[str, int]]:
    """How the practice's trainees chose at each decision (their latest choice each), as counts only."""
    require(actor.has_role(LEAD, practice_id) or actor.is_admin, "Only the practice's lead sees case insights.")
    if not decision_ids:
        return {}
    rows = db.query(
        f"""WITH latest AS (
                SELECT case_attempt.person_id, case_choice.decision_id, case_choice.option_id,
                       row_number() OVER (PARTITION BY case_attempt.person_id, case_choice.decision_id
                                          ORDER BY case_choice.chosen_at DESC, case_choice.id DESC) AS recency
                FROM case_choice JOIN case_attempt ON case_attempt.id = case_choice.attempt_id
                JOIN membership ON membership.person_id = case_attempt.person_id
                     AND membership.practice_id = ? AND membership.role = 'trainee'
                WHERE case_choice.decision_id IN ({placeholders(decision_ids)}))
            SELECT decision_id, option_id, count(DISTINCT person_id) AS people FROM latest
            WHERE recency = 1 GROUP BY decision_id, option_id""",
        [practice_id, *decision_ids],
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["decision_id"], {})[row["option_id"]] = row["people"]
    return counts


def shown_count(count: int) -> str:
    """Counts from fewer than three people are not shown, so nobody's choice can be singled out."""
    return "fewer than 3" if 0 < count < FEWER_THAN else str(count)


def referenced_ids(db: Database) -> set[str]:
    rows = db.execute("""SELECT case_id FROM case_attempt UNION SELECT phase_id FROM case_choice
                         UNION SELECT decision_id FROM case_choice UNION SELECT option_id FROM case_choice""").fetchall()
    return {r[0] for r in rows}
