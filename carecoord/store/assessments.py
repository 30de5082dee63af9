"""Self-assessments and observer ratings: drafts saved step by step, immutable submissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


from carecoord import competency, permissions
from carecoord.clock import iso, parse
from carecoord.content.models import Domain, Framework
from carecoord.db import Database, IntegrityError, placeholders, write
from carecoord.errors import FieldError
from carecoord.people import Person
from carecoord.permissions import PermissionDenied, require
from carecoord.store import records


class AssessmentError(FieldError):
    """Refused assessment requests; see `carecoord.errors.FieldError`."""


@dataclass(frozen=True)
class Answer:
    level: int
    evidence_kind: str = "knows"
    note: str = ""


@dataclass(frozen=True)
class Draft:
    id: int
    person_id: int
    rater_kind: str
    step: int
    supersedes_id: int | None
    answers: dict[str, Answer] = field(default_factory=dict)


@dataclass(frozen=True)
class Submitted:
    id: int
    person_id: int
    rater_kind: str
    rater_id: int | None  # None once the rater's account is erased
    rater_name: str
    round_months: int
    submitted_at: datetime
    supersedes_id: int | None
    superseded: bool


def _check_may_rate(actor: Person, subject: Person, rater_kind: str) -> None:
    if rater_kind == competency.SELF:
        require(actor.id == subject.id and permissions.may_self_assess(actor),
                "Only trainees and leads rate themselves, and only themselves.")
    elif rater_kind == competency.OBSERVER:
        require(permissions.may_observe(actor, subject), "You can only rate trainees of a practice you lead.")
    else:
        raise AssessmentError(f"Unknown kind of rater {rater_kind!r}.")


def open_draft(db: Database, actor: Person, subject: Person, rater_kind: str, framework: Framework,
               now: datetime) -> Draft:
    """The actor's unfinished assessment of this person, or a new one; it resumes where it stopped."""
    _check_may_rate(actor, subject, rater_kind)
    with write(db):
        row = _draft_row(db, actor, subject, rater_kind)
        if row is not None:
            return _draft(db, row)
        draft_id = db.execute(
            """INSERT INTO assessment (person_id, rater_id, rater_kind, framework_id, framework_version,
                   started_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            [subject.id, actor.id, rater_kind, framework.id, framework.version, iso(now)],
        ).fetchone()[0]
    return Draft(id=draft_id, person_id=subject.id, rater_kind=rater_kind, step=0, supersedes_id=None, answers={})


def find_draft(db: Database, actor: Person, subject: Person, rater_kind: str) -> Draft | None:
    """The actor's unfinished assessment of this person, if there is one (creates nothing)."""
    _check_may_rate(actor, subject, rater_kind)
    row = _draft_row(db, actor, subject, rater_kind)
    return _draft(db, row) if row else None


def _draft_row(db: Database, actor: Person, subject: Person, rater_kind: str) -> dict | None:
    return next(db.query(
        """SELECT id, person_id, rater_kind, step, supersedes_id FROM assessment
           WHERE person_id = ? AND rater_id = ? AND rater_kind = ? AND status = 'draft'
           ORDER BY id DESC LIMIT 1""",
        [subject.id, actor.id, rater_kind]), None)


def _draft(db: Database, row: dict) -> Draft:
    answers = {
        r["competency_code"]: Answer(r["level"], r["evidence_kind"], r["note"])
        for r in db.query("SELECT competency_code, level, evidence_kind, note FROM rating WHERE assessment_id = ?",
                          [row["id"]])
    }
    return Draft(id=row["id"], person_id=row["person_id"], rater_kind=row["rater_kind"], step=row["step"],
                 supersedes_id=row["supersedes_id"], answers=answers)


NOT_YOUR_DRAFT = "That draft is not yours, or it has already been submitted."


def _own_draft(db: Database, actor: Person, draft_id: int) -> dict:
    row = next(db.query("SELECT * FROM assessment WHERE id = ? AND status = 'draft'", [draft_id]), None)
    if row is None or row["rater_id"] != actor.id:
        raise PermissionDenied(NOT_YOUR_DRAFT)
    return row


def _check_answer(code: str, answer: Answer) -> None:
    """One competency's answer as the form must give it: a level 1-5, a kind of evidence, a short note."""
    if not isinstance(answer.level, int) or not 1 <= answer.level <= 5:
        raise AssessmentError("Choose a level from 1 to 5.", code)
    if answer.evidence_kind not in competency.EVIDENCE_KINDS:
        raise AssessmentError("Choose the kind of evidence.", code)
    if len(answer.note) > competency.MAX_NOTE_CHARS:
        raise AssessmentError(f"Keep the note under {competency.MAX_NOTE_CHARS} characters.", code)


def save_step(db: Database, actor: Person, draft_id: int, domain: Domain, answers: dict[str, Answer],
              next_step: int) -> None:
    """Save one domain's answers into the draft (replacing earlier ones) and remember the next step."""
    with write(db):
        # The step moves only on the actor's own draft, and that is the ownership check: one statement where a
        # read before the transaction was one more round trip to PostgreSQL (10 per self-assessment). A wrong
        # answer below rolls the move back.
        moved = db.execute("UPDATE assessment SET step = ? WHERE id = ? AND rater_id = ? AND status = 'draft'",
                           [next_step, draft_id, actor.id]).rowcount
        if moved != 1:
            raise PermissionDenied(NOT_YOUR_DRAFT)
        codes = {c.code for c in domain.competencies}
        for code, answer in answers.items():
            if code not in codes:
                raise AssessmentError(f"{code} is not part of {domain.name}.", code)
            _check_answer(code, answer)
        missing = codes - set(answers)
        if missing:
            raise AssessmentError(f"Choose a level for {', '.join(sorted(missing))}.", sorted(missing)[0])
        # Every competency of the domain is answered (checked above), so replacing is upserting: one
        # statement per domain instead of a delete and an insert (a round trip each on PostgreSQL).
        db.executemany("""INSERT INTO rating (assessment_id, competency_code, level, evidence_kind, note)
                          VALUES (?, ?, ?, ?, ?)
                          ON CONFLICT (assessment_id, competency_code) DO UPDATE SET level = excluded.level,
                              evidence_kind = excluded.evidence_kind, note = excluded.note""",
                       [(draft_id, code, answer.level, answer.evidence_kind, answer.note.strip())
                        for code, answer in sorted(answers.items())])


def go_to_step(db: Database, actor: Person, draft_id: int, step: int) -> None:
    _own_draft(db, actor, draft_id)
    with write(db):
        db.execute("UPDATE assessment SET step = ? WHERE id = ?", [max(0, step), draft_id])


def submit(db: Database, actor: Person, draft_id: int, framework: Framework, subject: Person,
           now: datetime) -> int:
    """Make the draft a dated, immutable assessment; a correction keeps the round it corrects."""
    row = _own_draft(db, actor, draft_id)
    answered = {r[0] for r in db.execute("SELECT competency_code FROM rating WHERE assessment_id = ?", [draft_id])}
    missing = [c.code for c in framework.competencies if c.code not in answered]
    if missing:
        raise AssessmentError(f"Rate every competency before submitting; still to do: {', '.join(missing)}.")
    if row["supersedes_id"]:
        round_months = db.execute("SELECT round_months FROM assessment WHERE id = ?",
                                  [row["supersedes_id"]]).fetchone()[0]
    else:
        started = subject.started_on or now.date()
        round_months = competency.round_for(started, now.date())
    with write(db):
        db.execute("UPDATE assessment SET status = 'submitted', submitted_at = ?, round_months = ? WHERE id = ?",
                   [iso(now), round_months, draft_id])
        if row["rater_kind"] == competency.SELF and records.enabled():
            levels = {r[0]: r[1] for r in db.execute(
                "SELECT competency_code, level FROM rating WHERE assessment_id = ?", [draft_id])}
            records.record(db, subject.id, "self_assessment_submitted", now, assessment_id=draft_id, levels=levels)
    return draft_id


def start_correction(db: Database, actor: Person, assessment_id: int, framework: Framework,
                     now: datetime) -> Draft:
    """A new draft that will supersede a submitted assessment, starting from its answers."""
    row = next(db.query("SELECT * FROM assessment WHERE id = ? AND status = 'submitted'", [assessment_id]), None)
    if row is None or row["rater_id"] != actor.id:
        raise PermissionDenied("Only the person who submitted an assessment can correct it.")
    if db.execute("SELECT 1 FROM assessment WHERE supersedes_id = ?", [assessment_id]).fetchone():
        raise AssessmentError("That assessment has already been corrected; correct the newer one.")
    with write(db):
        try:
            cursor = db.execute(
                """INSERT INTO assessment (person_id, rater_id, rater_kind, framework_id, framework_version,
                       supersedes_id, started_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [row["person_id"], actor.id, row["rater_kind"], framework.id, framework.version, assessment_id,
                 iso(now)],
            )
        except IntegrityError:
            raise AssessmentError("A correction of that assessment is already in progress.") from None
        correction_id = cursor.fetchone()[0]
        db.execute("""INSERT INTO rating (assessment_id, competency_code, level, evidence_kind, note)
                      SELECT ?, competency_code, level, evidence_kind, note FROM rating WHERE assessment_id = ?""",
                   [correction_id, assessment_id])
    return _draft(db, next(db.query("SELECT id, person_id, rater_kind, step, supersedes_id FROM assessment "
                                    "WHERE id = ?", [correction_id])))


def discard_draft(db: Database, actor: Person, draft_id: int) -> None:
    _own_draft(db, actor, draft_id)
    with write(db):
        db.execute("DELETE FROM rating WHERE assessment_id = ?", [draft_id])
        db.execute("DELETE FROM assessment WHERE id = ?", [draft_id])


# ---------------------------------------------------------------- reading


# The latest non-superseded self and observer rating per competency from the last year: the only
# rows `competency.effective_level` needs.
CANDIDATES = """
WITH live AS (
    SELECT rating.competency_code AS code, rating.level, assessment.rater_kind, assessment.submitted_at,
           assessment.id AS assessment_id,
           row_number() OVER (PARTITION BY rating.competency_code, assessment.rater_kind
                              ORDER BY assessment.submitted_at DESC, assessment.id DESC) AS recency
    FROM assessment JOIN rating ON rating.assessment_id = assessment.id
    WHERE assessment.person_id = :person_id AND assessment.status = 'submitted'
      AND assessment.submitted_at > :since AND assessment.submitted_at <= :now
      AND NOT EXISTS (SELECT 1 FROM assessment AS newer
                      WHERE newer.supersedes_id = assessment.id AND newer.status = 'submitted')
)
SELECT code, level, rater_kind, submitted_at, assessment_id FROM live WHERE recency = 1
"""


def candidate_ratings(db: Database, actor: Person, subject: Person, now: datetime) -> list[competency.Rating]:
    require(permissions.may_view_person(actor, subject), "You may not see that person's competencies.")
    rows = db.query(CANDIDATES, {"person_id": subject.id, "since": iso(now - competency.STALE_AFTER),
                                 "now": iso(now)})
    return [competency.Rating(code=r["code"], level=r["level"], rater_kind=r["rater_kind"],
                              assessed_at=parse(r["submitted_at"]), assessment_id=r["assessment_id"]) for r in rows]


def effective_levels(db: Database, actor: Person, subject: Person, now: datetime) -> dict[str, competency.Effective]:
    """Where the person stands now on each competency: the one rule, fed by the store."""
    return competency.effective_levels(candidate_ratings(db, actor, subject, now), now)


def submitted_assessments(db: Database, actor: Person, subject: Person) -> list[Submitted]:
    require(permissions.may_view_person(actor, subject), "You may not see that person's assessments.")
    rows = db.query(
        """SELECT a.id, a.person_id, a.rater_kind, p.id AS rater_id,
                  coalesce(p.display_name, 'a former colleague') AS rater_name,
                  a.round_months, a.submitted_at, a.supersedes_id,
                  EXISTS (SELECT 1 FROM assessment n WHERE n.supersedes_id = a.id AND n.status = 'submitted')
                      AS superseded
           FROM assessment a LEFT JOIN person p ON p.id = a.rater_id
           WHERE a.person_id = ? AND a.status = 'submitted' ORDER BY a.submitted_at DESC, a.id DESC""",
        [subject.id],
    )
    return [Submitted(**{**r, "submitted_at": parse(r["submitted_at"]), "superseded": bool(r["superseded"])})
            for r in rows]


def answers_of(db: Database, actor: Person, assessment_id: int) -> dict[str, Answer]:
    """One assessment's answers with their notes: a submitted one for whoever may see the person rated, a
    draft for its rater alone (`permissions.may_read_assessment`)."""
    row = next(db.query("SELECT person_id, rater_id, status FROM assessment WHERE id = ?", [assessment_id]), None)
    if row is None:
        return {}
    from carecoord.store.accounts import load_person

    subject = load_person(db, row["person_id"])
    if subject is None or not permissions.may_read_assessment(actor, subject, row["rater_id"],
                                                              submitted=row["status"] == "submitted"):
        raise PermissionDenied("You may not see that assessment.")
    return {r["competency_code"]: Answer(r["level"], r["evidence_kind"], r["note"])
            for r in db.query("SELECT competency_code, level, evidence_kind, note FROM rating WHERE assessment_id = ?",
                              [assessment_id])}


@dataclass(frozen=True)
class DomainPoint:
    assessment_id: int
    submitted_at: datetime
    round_months: int
    rater_kind: str
    domain: str
    mean_level: float


def domain_history(db: Database, actor: Person, subject: Person) -> list[DomainPoint]:
    """Mean level per domain for every assessment that has not been superseded (one row per pair)."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's growth.")
    rows = db.query(
        """SELECT a.id AS assessment_id, a.submitted_at, a.round_months, a.rater_kind,
                  substr(r.competency_code, 1, 2) AS domain, round(avg(r.level), 2) AS mean_level
           FROM assessment a JOIN rating r ON r.assessment_id = a.id
           WHERE a.person_id = ? AND a.status = 'submitted'
             AND NOT EXISTS (SELECT 1 FROM assessment n WHERE n.supersedes_id = a.id AND n.status = 'submitted')
           GROUP BY a.id, domain ORDER BY a.submitted_at, domain""",
        [subject.id],
    )
    # float(): PostgreSQL's avg of integers is a numeric (Decimal); SQLite's a float.
    return [DomainPoint(**{**r, "submitted_at": parse(r["submitted_at"]), "mean_level": float(r["mean_level"])})
            for r in rows]


def last_self_assessment(db: Database, subject: Person) -> datetime | None:
    row = db.execute("SELECT max(submitted_at) FROM assessment WHERE person_id = ? AND rater_kind = 'self' "
                     "AND status = 'submitted'", [subject.id]).fetchone()
    return parse(row[0]) if row and row[0] else None


def trainees_to_observe(db: Database, actor: Person) -> list[Person]:
    """The trainees of the practices the actor leads."""
    from carecoord.store.accounts import trainees_of

    return [p for p in trainees_of(db, actor.practice_ids("lead"), actor) if permissions.may_observe(actor, p)]


# ---------------------------------------------------------------- importing history in bulk


@dataclass(frozen=True)
class Imported:
    """One already-submitted assessment from an earlier record (a spreadsheet, a previous system)."""

    person_id: int
    rater_id: int
    rater_kind: str
    submitted_at: datetime
    answers: dict[str, Answer]  # every competency of the framework
    started_at: datetime | None = None  # when the rater began; the submission time when not known
    supersedes_id: int | None = None  # a stored, submitted assessment by the same rater that this corrects


def import_history(db: Database, actor: Person, framework: Framework, records: list[Imported]) -> list[int]:
    """The bulk path: many submitted assessments in one transaction, with executemany.

    Each record is checked as `save_step` and `submit` would check it (every competency rated, levels
    1 to 5, known evidence kinds, only leads observe and only oneself self-assesses is the caller's
    business: this is an administrator's import). The round is worked out from the person's start
    date exactly as `submit` does; a correction (`supersedes_id`) keeps the round it corrects, and is
    refused as `start_correction` refuses it (not submitted, another rater or person, or already
    corrected). Rows go in as drafts, then become submitted, so the immutability and summary
    triggers see the same sequence as an assessment made in the app. Returns the new ids, in order.
    """
    require(permissions.may_administer_accounts(actor), "Only an administrator imports assessment history.")
    codes = [c.code for c in framework.competencies]
    person_ids = sorted({r.person_id for r in records})
    started: dict[int, str | None] = {}
    for chunk in range(0, len(person_ids), 500):
        ids = person_ids[chunk:chunk + 500]
        started.update(db.execute(f"SELECT id, started_on FROM person WHERE id IN ({placeholders(ids)})",
                                  ids).fetchall())
    for record in records:
        if record.person_id not in started:
            raise AssessmentError(f"No person with id {record.person_id}.")
        if record.rater_kind not in (competency.SELF, competency.OBSERVER):
            raise AssessmentError(f"Unknown kind of rater {record.rater_kind!r}.")
        if record.rater_kind == competency.SELF and record.rater_id != record.person_id:
            raise AssessmentError("A self-assessment is rated by the person themselves.")
        missing = [code for code in codes if code not in record.answers]
        if missing or len(record.answers) != len(codes):
            raise AssessmentError(f"Every competency needs a level; missing: {', '.join(missing) or 'none'}; "
                                  f"unknown: {', '.join(sorted(set(record.answers) - set(codes))) or 'none'}.")
        for code, answer in record.answers.items():
            _check_answer(code, answer)
        if record.started_at is not None and record.started_at > record.submitted_at:
            raise AssessmentError("An assessment cannot be submitted before it was started.")
    corrected_rounds = _corrected_rounds(db, records)
    new_ids: list[int] = []
    with write(db):
        for record in records:
            new_ids.append(db.execute(
                """INSERT INTO assessment (person_id, rater_id, rater_kind, step, framework_id, framework_version,
                       supersedes_id, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [record.person_id, record.rater_id, record.rater_kind, len(framework.domains), framework.id,
                 framework.version, record.supersedes_id, iso(record.started_at or record.submitted_at)]).fetchone()[0])
        db.executemany(
            "INSERT INTO rating (assessment_id, competency_code, level, evidence_kind, note) VALUES (?, ?, ?, ?, ?)",
            ((assessment_id, code, answer.level, answer.evidence_kind, answer.note.strip())
             for assessment_id, record in zip(new_ids, records) for code, answer in record.answers.items()))
        db.executemany(
            "UPDATE assessment SET status = 'submitted', submitted_at = ?, round_months = ? WHERE id = ?",
            ((iso(record.submitted_at),
              corrected_rounds[record.supersedes_id] if record.supersedes_id is not None
              else _round(started[record.person_id], record.submitted_at), assessment_id)
             for assessment_id, record in zip(new_ids, records)))
    return new_ids


def _corrected_rounds(db: Database, records: list[Imported]) -> dict[int, int]:
    """The round of each assessment the records correct, after checking each may be corrected by its record."""
    rounds: dict[int, int] = {}
    for record in records:
        if record.supersedes_id is None:
            continue
        if record.supersedes_id in rounds:
            raise AssessmentError(f"Assessment {record.supersedes_id} is corrected twice in this import.")
        row = next(db.query(
            """SELECT person_id, rater_id, rater_kind, status, round_months,
                      EXISTS (SELECT 1 FROM assessment AS newer WHERE newer.supersedes_id = assessment.id)
                          AS corrected
               FROM assessment WHERE id = ?""", [record.supersedes_id]), None)
        if row is None or row["status"] != "submitted":
            raise AssessmentError(f"No submitted assessment {record.supersedes_id} to correct.")
        if (row["person_id"], row["rater_id"], row["rater_kind"]) != (record.person_id, record.rater_id,
                                                                       record.rater_kind):
            raise AssessmentError("A correction is by the same rater, of the same person, as what it corrects.")
        if row["corrected"]:
            raise AssessmentError(f"Assessment {record.supersedes_id} has already been corrected.")
        rounds[record.supersedes_id] = row["round_months"]
    return rounds


def _round(started_on: str | None, submitted_at: datetime) -> int:
    started = date.fromisoformat(started_on) if started_on else submitted_at.date()
    return competency.round_for(started, submitted_at.date())
