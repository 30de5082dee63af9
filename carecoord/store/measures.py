"""Practice measures: administrations of the practice instruments, their answers and their results.

A lead opens an administration of an instrument on a date. For the capability self-assessment
the lead records the team's agreed answer to each theme; for the team survey each member of the
practice answers once while it is open. Closing makes it final and shows its results.

Survey answers are stored under a random key with no person and no time; `survey_respondent`
only says who has answered, so no query can tell what anyone answered.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


from carecoord import measures, permissions
from carecoord.clock import iso, parse
from carecoord.content.models import RC_DIMENSIONS, CapabilityInstrument, RelationalInstrument
from carecoord.db import Database, IntegrityError, placeholders, write
from carecoord.errors import FieldError
from carecoord.measures import SurveyResponse, Tally, ThemeAnswer
from carecoord.people import Person
from carecoord.permissions import require
from carecoord.store.accounts import record

MAX_NOTE_CHARS = 1000
Instrument = CapabilityInstrument | RelationalInstrument


class MeasureError(FieldError):
    """Refused measure requests; see `carecoord.errors.FieldError`."""


@dataclass(frozen=True)
class Administration:
    id: int
    practice_id: int
    practice_name: str
    instrument_id: str
    instrument_kind: str
    instrument_version: int
    administered_on: date
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def instrument_hash(instrument: Instrument) -> str:
    """A short hash of the instrument's content, kept with each administration."""
    return hashlib.sha256(instrument.model_dump_json().encode()).hexdigest()[:16]


_SELECT = """SELECT administration.id, practice_id, practice.name AS practice_name, instrument_id, instrument_kind,
                    instrument_version, administered_on, opened_at, closed_at
             FROM administration JOIN practice ON practice.id = administration.practice_id"""


def _administration(row: dict) -> Administration:
    return Administration(**{**row, "administered_on": date.fromisoformat(row["administered_on"]),
                             "opened_at": parse(row["opened_at"]), "closed_at": parse(row["closed_at"])})


def _get(db: Database, administration_id: int) -> Administration:
    row = next(db.query(f"{_SELECT} WHERE administration.id = ?", [administration_id]), None)
    if row is None:
        raise MeasureError("That measurement no longer exists.")
    return _administration(row)


def _lead_of(db: Database, actor: Person, administration_id: int) -> Administration:
    administration = _get(db, administration_id)
    require(permissions.may_run_measures(actor, administration.practice_id),
            "Only the practice's leads can manage its measures.")
    return administration


# ---------------------------------------------------------------- administrations


def open_administration(db: Database, actor: Person, practice_id: int, instrument: Instrument,
                        administered_on: date, now: datetime, *, today: date | None = None) -> int:
    """Open an administration of an instrument; one open at a time per instrument and practice."""
    require(permissions.may_run_measures(actor, practice_id), "Only the practice's leads can open a measurement.")
    if not isinstance(administered_on, date):
        raise MeasureError("Choose the date of the measurement.", "administered_on")
    if administered_on > (today or now.date()):
        raise MeasureError("The date cannot be in the future.", "administered_on")
    with write(db):
        try:
            cursor = db.execute(
                """INSERT INTO administration (practice_id, instrument_id, instrument_kind, instrument_version,
                       instrument_hash, administered_on, opened_at, opened_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   RETURNING id""",
                [practice_id, instrument.id, instrument.kind, instrument.version, instrument_hash(instrument),
                 administered_on.isoformat(), iso(now), actor.id or None],
            )
        except IntegrityError:
            raise MeasureError(f"A {instrument.title.lower()} is already open; close it first.",
                               "administered_on") from None
        administration_id = cursor.fetchone()[0]
        record(db, actor, "measure.open", f"administration:{administration_id}", now,
               practice_id=practice_id, instrument=instrument.id, administered_on=administered_on.isoformat())
    return administration_id


def administrations(db: Database, actor: Person, practice_id: int, instrument_id: str | None = None
                    ) -> list[Administration]:
    """Every administration of the practice (of one instrument when given), oldest first."""
    require(permissions.may_run_measures(actor, practice_id), "Only the practice's leads can see its measures.")
    of_instrument = "" if instrument_id is None else "AND instrument_id = :instrument_id"
    rows = db.query(
        f"""{_SELECT} WHERE practice_id = :practice_id {of_instrument}
            ORDER BY administered_on, administration.id""",
        {"practice_id": practice_id, "instrument_id": instrument_id},
    )
    return [_administration(r) for r in rows]


def close_administration(db: Database, actor: Person, administration_id: int, instrument: Instrument,
                         now: datetime) -> None:
    """Make an administration final; a capability self-assessment needs every theme answered first."""
    administration = _lead_of(db, actor, administration_id)
    if not administration.is_open:
        raise MeasureError("That measurement is already closed.")
    if administration.instrument_id != instrument.id:
        raise MeasureError("That measurement is of a different instrument.")
    if isinstance(instrument, CapabilityInstrument):
        answered = {r[0] for r in db.execute("SELECT theme_id FROM capability_answer WHERE administration_id = ?",
                                             [administration_id])}
        missing = [t.title for t in instrument.themes if t.id not in answered]
        if missing:
            raise MeasureError(f"Answer every theme before closing; {len(missing)} still to do, starting with "
                               f"{missing[0]!r}.")
    with write(db):
        db.execute("UPDATE administration SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
                   [iso(now), actor.id or None, administration_id])
        record(db, actor, "measure.close", f"administration:{administration_id}", now)


def discard_administration(db: Database, actor: Person, administration_id: int, now: datetime) -> None:
    """Remove an open administration opened by mistake; refused once anyone has answered the survey."""
    administration = _lead_of(db, actor, administration_id)
    if not administration.is_open:
        raise MeasureError("A closed measurement is kept; it cannot be removed.")
    if respondent_count(db, actor, administration_id):
        raise MeasureError("People have already answered this survey; close it instead.")
    with write(db):
        db.execute("DELETE FROM capability_answer WHERE administration_id = ?", [administration_id])
        db.execute("DELETE FROM administration WHERE id = ?", [administration_id])
        record(db, actor, "measure.discard", f"administration:{administration_id}", now)


# ---------------------------------------------------------------- capability answers


def _check_theme_answers(instrument: CapabilityInstrument, answers: dict[str, ThemeAnswer]) -> None:
    themes = {t.id for t in instrument.themes}
    for theme_id, answer in answers.items():
        if theme_id not in themes:
            raise MeasureError(f"{theme_id} is not a theme of this self-assessment.", theme_id)
        if not isinstance(answer.level, int) or not 1 <= answer.level <= 4:
            raise MeasureError("Choose a level from 1 to 4.", theme_id)
        if len(answer.note) > MAX_NOTE_CHARS:
            raise MeasureError(f"Keep the evidence note under {MAX_NOTE_CHARS} characters.", theme_id)


def record_capability_answers(db: Database, actor: Person, administration_id: int, instrument: CapabilityInstrument,
                              answers: dict[str, ThemeAnswer], now: datetime) -> None:
    """Save the team's agreed answers to some themes (replacing earlier answers to those themes)."""
    administration = _lead_of(db, actor, administration_id)
    if not administration.is_open:
        raise MeasureError("That measurement is closed; its answers are final.")
    if administration.instrument_id != instrument.id:
        raise MeasureError("That measurement is of a different instrument.")
    _check_theme_answers(instrument, answers)
    with write(db):
        for theme_id, answer in sorted(answers.items()):
            db.execute(
                """INSERT INTO capability_answer (administration_id, theme_id, level, complete, note)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (administration_id, theme_id)
                   DO UPDATE SET level = excluded.level, complete = excluded.complete, note = excluded.note""",
                [administration_id, theme_id, answer.level, int(answer.complete), answer.note.strip()],
            )
        record(db, actor, "measure.answers", f"administration:{administration_id}", now, themes=len(answers))


def capability_answers(db: Database, actor: Person, administration_id: int) -> dict[str, ThemeAnswer]:
    _lead_of(db, actor, administration_id)
    return {r["theme_id"]: ThemeAnswer(r["level"], bool(r["complete"]), r["note"])
            for r in db.query("SELECT theme_id, level, complete, note FROM capability_answer "
                              "WHERE administration_id = ?", [administration_id])}


def capability_results(db: Database, actor: Person, practice_id: int, instrument: CapabilityInstrument
                       ) -> list[tuple[Administration, measures.CapabilityScore]]:
    """The scores of every closed administration of the instrument, oldest first (one query for the answers)."""
    closed = [a for a in administrations(db, actor, practice_id, instrument.id) if not a.is_open]
    if not closed:
        return []
    answers: dict[int, dict[str, ThemeAnswer]] = {a.id: {} for a in closed}
    rows = db.query(
        f"""SELECT administration_id, theme_id, level, complete FROM capability_answer
            WHERE administration_id IN ({placeholders(closed)})""",
        [a.id for a in closed],
    )
    for r in rows:
        answers[r["administration_id"]][r["theme_id"]] = ThemeAnswer(r["level"], bool(r["complete"]))
    return [(a, measures.score_capability(instrument, answers[a.id])) for a in closed]


# ---------------------------------------------------------------- the team survey


@dataclass(frozen=True)
class OpenSurvey:
    administration: Administration
    answered: bool
    discipline: str  # the person's discipline in that practice, as a starting answer


def open_surveys(db: Database, actor: Person) -> list[OpenSurvey]:
    """The open team surveys of the practices the person belongs to, and whether they have answered."""
    practice_ids = sorted(p for p in actor.practice_ids() if permissions.may_answer_survey(actor, p))
    if not practice_ids:
        return []
    rows = db.query(
        f"""{_SELECT} WHERE practice_id IN ({placeholders(practice_ids)}) AND closed_at IS NULL
              AND instrument_kind = 'relational' ORDER BY administered_on, administration.id""",
        practice_ids,
    )
    found = []
    for r in rows:
        administration = _administration(r)
        answered = db.execute("SELECT 1 FROM survey_respondent WHERE administration_id = ? AND person_id = ?",
                              [administration.id, actor.id]).fetchone() is not None
        discipline = next((m.discipline for m in actor.memberships
                           if m.active and m.practice_id == administration.practice_id and m.discipline), "")
        found.append(OpenSurvey(administration, answered, discipline))
    return found


def submit_survey(db: Database, actor: Person, administration_id: int, instrument: RelationalInstrument,
                  response: SurveyResponse, now: datetime) -> None:
    """Record one person's answers, once; the answers are stored apart from who gave them."""
    administration = _get(db, administration_id)
    require(permissions.may_answer_survey(actor, administration.practice_id),
            "Only members of the practice answer its surveys.")
    if administration.instrument_kind != "relational" or administration.instrument_id != instrument.id:
        raise MeasureError("That is not a team survey.")
    if not administration.is_open:
        raise MeasureError("That survey has closed.")
    try:
        measures.check_response(instrument, response)
    except ValueError as error:
        raise MeasureError(str(error)) from None
    with write(db):
        try:
            db.execute("INSERT INTO survey_respondent (administration_id, person_id, responded_at) VALUES (?, ?, ?)",
                       [administration_id, actor.id, iso(now)])
        except IntegrityError:
            raise MeasureError("You have already answered this survey; thank you.") from None
        response_id = secrets.token_hex(16)
        db.execute("INSERT INTO survey_response (id, administration_id, from_discipline) VALUES (?, ?, ?)",
                   [response_id, administration_id, response.from_discipline])
        for to_discipline, scores in sorted(response.ratings.items()):
            for dimension in RC_DIMENSIONS:
                db.execute("INSERT INTO survey_rating (response_id, to_discipline, dimension, score) "
                           "VALUES (?, ?, ?, ?)", [response_id, to_discipline, dimension, scores[dimension]])


def respondent_count(db: Database, actor: Person, administration_id: int) -> int:
    _lead_of(db, actor, administration_id)
    return db.execute("SELECT count(*) FROM survey_respondent WHERE administration_id = ?",
                      [administration_id]).fetchone()[0]


def practice_headcount(db: Database, actor: Person, practice_id: int) -> int:
    """How many people hold an active role in the practice (everyone a survey is open to)."""
    require(permissions.may_run_measures(actor, practice_id), "Only the practice's leads can see its measures.")
    return db.execute(
        """SELECT count(DISTINCT membership.person_id) FROM membership JOIN person ON person.id = membership.person_id
           WHERE practice_id = ? AND membership.active <> 0 AND person.disabled = 0""", [practice_id]).fetchone()[0]


TALLIES = """
SELECT survey_response.administration_id, survey_response.from_discipline, survey_rating.to_discipline,
       survey_rating.dimension, count(*) AS count, sum(survey_rating.score) AS total
FROM survey_response JOIN survey_rating ON survey_rating.response_id = survey_response.id
WHERE survey_response.administration_id IN ({ids})
GROUP BY survey_response.administration_id, survey_response.from_discipline, survey_rating.to_discipline,
         survey_rating.dimension
"""


def relational_results(db: Database, actor: Person, practice_id: int, instrument: RelationalInstrument
                       ) -> list[tuple[Administration, measures.RelationalResult]]:
    """The results of every closed administration of the survey, oldest first, from one GROUP BY query."""
    closed = [a for a in administrations(db, actor, practice_id, instrument.id) if not a.is_open]
    if not closed:
        return []
    ids = [a.id for a in closed]
    marks = placeholders(ids)
    tallies: dict[int, list[Tally]] = {i: [] for i in ids}
    for r in db.query(TALLIES.format(ids=marks), ids):
        tallies[r["administration_id"]].append(Tally(r["from_discipline"], r["to_discipline"], r["dimension"],
                                                     r["count"], r["total"]))
    counts = dict(db.execute(f"SELECT administration_id, count(*) FROM survey_response "
                             f"WHERE administration_id IN ({marks}) GROUP BY administration_id", ids).fetchall())
    return [(a, measures.score_relational(instrument, tallies[a.id], counts.get(a.id, 0))) for a in closed]


# ---------------------------------------------------------------- importing earlier measurements


@dataclass(frozen=True)
class PastResponse:
    """One person's answers to a team survey given earlier, for `import_administration`."""

    person_id: int
    responded_at: datetime
    response: SurveyResponse
    response_id: str | None = None  # the key the answers are kept under; a random one when not given


def import_administration(db: Database, actor: Person, practice_id: int, instrument: Instrument, *,
                          opened_at: datetime, opened_by: int | None = None, administered_on: date | None = None,
                          closed_at: datetime | None = None, closed_by: int | None = None,
                          capability_answers: dict[str, ThemeAnswer] | None = None,
                          survey_responses: Sequence[PastResponse] = ()) -> int:
    """Record an administration made earlier (the demo's history, a previous system), as of its own times.

    The answers are checked as `record_capability_answers` and `submit_survey` check them (a
    capability administration closes only with every theme answered; each member of the practice
    answers a survey once, between its opening and its closing) and go in while it is open, then it
    is closed when `closed_at` is given, so the closing triggers see what the app does. Not audited,
    like the other imports. Administrators only. Returns the new administration's id.
    """
    require(permissions.may_administer_accounts(actor), "Only an administrator imports measurement history.")
    administered_on = administered_on if administered_on is not None else opened_at.date()
    if db.execute("SELECT 1 FROM practice WHERE id = ?", [practice_id]).fetchone() is None:
        raise MeasureError(f"No practice with id {practice_id}.")
    if administered_on > opened_at.date():
        raise MeasureError("The date cannot be after the measurement was opened.", "administered_on")
    if closed_at is not None and closed_at < opened_at:
        raise MeasureError("A measurement closes after it opens.")
    capability_answers = capability_answers or {}
    if isinstance(instrument, CapabilityInstrument):
        if survey_responses:
            raise MeasureError("A capability self-assessment has no survey responses.")
        _check_theme_answers(instrument, capability_answers)
        if closed_at is not None and {t.id for t in instrument.themes} - set(capability_answers):
            raise MeasureError("Answer every theme before closing.")
    else:
        if capability_answers:
            raise MeasureError("A team survey has no capability answers.")
        members = {r[0] for r in db.execute("SELECT person_id FROM membership WHERE practice_id = ?", [practice_id])}
        respondents: set[int] = set()
        for past in survey_responses:
            if past.person_id not in members:
                raise MeasureError(f"Person {past.person_id} is not a member of this practice.")
            if past.person_id in respondents:
                raise MeasureError(f"Person {past.person_id} answers this survey once.")
            respondents.add(past.person_id)
            if past.responded_at < opened_at or (closed_at is not None and past.responded_at > closed_at):
                raise MeasureError("A survey is answered while it is open.")
            try:
                measures.check_response(instrument, past.response)
            except ValueError as error:
                raise MeasureError(str(error)) from None
    if db.execute("SELECT 1 FROM administration WHERE practice_id = ? AND instrument_id = ? AND closed_at IS NULL",
                  [practice_id, instrument.id]).fetchone():
        raise MeasureError(f"A {instrument.title.lower()} is already open; close it first.", "administered_on")
    with write(db):
        administration_id = db.execute(
            """INSERT INTO administration (practice_id, instrument_id, instrument_kind, instrument_version,
                   instrument_hash, administered_on, opened_at, opened_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               RETURNING id""",
            [practice_id, instrument.id, instrument.kind, instrument.version, instrument_hash(instrument),
             administered_on.isoformat(), iso(opened_at), opened_by],
        ).fetchone()[0]
        for theme_id, answer in capability_answers.items():
            db.execute("""INSERT INTO capability_answer (administration_id, theme_id, level, complete, note)
                          VALUES (?, ?, ?, ?, ?)""",
                       [administration_id, theme_id, answer.level, int(answer.complete), answer.note.strip()])
        for past in survey_responses:
            db.execute("INSERT INTO survey_respondent (administration_id, person_id, responded_at) VALUES (?, ?, ?)",
                       [administration_id, past.person_id, iso(past.responded_at)])
            response_id = past.response_id or secrets.token_hex(16)
            db.execute("INSERT INTO survey_response (id, administration_id, from_discipline) VALUES (?, ?, ?)",
                       [response_id, administration_id, past.response.from_discipline])
            for to_discipline, scores in past.response.ratings.items():
                for dimension in RC_DIMENSIONS:
                    db.execute("INSERT INTO survey_rating (response_id, to_discipline, dimension, score) "
                               "VALUES (?, ?, ?, ?)", [response_id, to_discipline, dimension, scores[dimension]])
        if closed_at is not None:
            db.execute("UPDATE administration SET closed_at = ?, closed_by = ? WHERE id = ?",
                       [iso(closed_at), closed_by, administration_id])
    return administration_id
