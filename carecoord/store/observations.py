"""Observations by named assessors, trainees' requests for them, portfolio evidence and sign-offs.

Who may see what (permissions.py): a trainee sees their own observations and who made them; an
assessor sees only what they wrote and the requests sent to them; leads see their practice. Every
function that returns personal data takes the acting person and refuses the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple
from datetime import UTC, date, datetime, time, timedelta

from carecoord import competency, deidentify, permissions
from carecoord.clock import iso, local_date, parse
from carecoord.content.models import Framework
from carecoord.db import Database, IntegrityError, placeholders, write
from carecoord.errors import FieldError
from carecoord.limits import bounded
from carecoord.people import FAMILY_FACULTY, LEAD, ROLE_LABELS, TRAINEE, Person
from carecoord.permissions import PermissionDenied, require
from carecoord.store.accounts import load_person, record, trainees_of
from carecoord.store import credentials, records
from carecoord.store.assessments import candidate_ratings

MAX_COMPETENCIES = 3
SETTINGS = ("Family meeting", "Discharge call", "Plan-of-care meeting", "Home visit", "School meeting",
            "Phone call with a family", "Case conference", "Review of portfolio evidence", "Other")
SETTING_MAX = 100
WHAT_SEEN_MAX = 2000
NEXT_STEP_MAX = 500
REASON_MAX = 500
CONTEXT_MAX = 500
RATIONALE_MAX = 1000
TITLE_MAX = 200
BODY_MAX = 50_000  # about 8,000 words: a reflection or a text document, never a book
URL_MAX = 2000
FILENAME_MAX = 200
OBSERVED_WITHIN = timedelta(days=90)  # an observation is written soon after it happened, not from memory
# The text documents a portfolio takes: formats whose whole text the identifying-details check reads.
DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".csv", ".rtf")

WAITING, COMPLETED, DECLINED, WITHDRAWN, EXPIRED = "waiting", "completed", "declined", "withdrawn", "expired"
REQUEST_STATUS_LABELS = {WAITING: "Waiting", COMPLETED: "Observed", DECLINED: "Declined",
                         WITHDRAWN: "Withdrawn by you", EXPIRED: "Expired"}


class ObservationError(FieldError):
    """A refused observation, request, portfolio item or sign-off; the message is safe to show."""


@dataclass(frozen=True)
class Assessor:
    id: int
    name: str
    practice_id: int
    shown_as: str  # "Practice lead", "Family faculty", "Nurse" ...


@dataclass(frozen=True)
class Observation:
    id: int
    person_id: int
    person_name: str
    assessor_id: int | None
    assessor_name: str
    assessor_as: str
    observed_on: date
    setting: str
    what_seen: str
    next_step: str
    levels: dict[str, int]
    recorded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @property
    def by_family_faculty(self) -> bool:
        return self.assessor_as == ROLE_LABELS[FAMILY_FACULTY]


@dataclass(frozen=True)
class Request:
    id: int
    person_id: int
    person_name: str
    assessor_id: int
    assessor_name: str
    practice_id: int
    codes: tuple[str, ...]
    context: str
    portfolio_item_id: int | None
    status: str  # as stored; see `state`
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    reason: str

    def state(self, now: datetime) -> str:
        """A waiting request past its time is expired, whether or not `expire_requests` has recorded it."""
        return EXPIRED if self.status == WAITING and now >= self.expires_at else self.status


@dataclass(frozen=True)
class RequestEvent:
    at: datetime
    actor_name: str
    status: str
    comment: str


@dataclass(frozen=True)
class PortfolioItem:
    id: int
    person_id: int
    code: str
    kind: str
    title: str
    body: str
    url: str | None
    filename: str | None
    created_at: datetime


@dataclass(frozen=True)
class SignOffRecord:
    id: int
    person_id: int
    code: str
    level: int
    signed_by_name: str
    rationale: str
    evidence: tuple[int, ...]  # observation ids
    signed_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str


# ---------------------------------------------------------------- who observes whom


def _shown_as(role: str, assessor: bool, discipline: str) -> str:
    if role == LEAD:
        return ROLE_LABELS[LEAD]
    if role == FAMILY_FACULTY:
        return ROLE_LABELS[FAMILY_FACULTY]
    if role == TRAINEE:
        return "Senior coordinator"
    return discipline.capitalize() if discipline else "Assessor"


_ASSESSOR_ROWS = """
SELECT person.id, person.display_name, membership.practice_id, membership.role, membership.assessor,
       membership.discipline
FROM membership JOIN person ON person.id = membership.person_id
WHERE membership.practice_id IN ({practices}) AND membership.active <> 0 AND person.disabled = 0
  AND (membership.role = 'lead' OR membership.assessor <> 0)
ORDER BY person.display_name, membership.practice_id, membership.role = 'lead' DESC
"""


def assessors_for(db: Database, actor: Person) -> list[Assessor]:
    """The assessors a trainee may ask: the leads and named assessors of the practices they train in."""
    require(permissions.may_ask_for_observation(actor), "Only trainees ask for observations.")
    practice_ids = sorted(actor.practice_ids(TRAINEE))
    found: dict[tuple[int, int], Assessor] = {}
    for row in db.query(_ASSESSOR_ROWS.format(practices=placeholders(practice_ids)), practice_ids):
        if row["id"] != actor.id and (row["id"], row["practice_id"]) not in found:
            found[(row["id"], row["practice_id"])] = Assessor(
                row["id"], row["display_name"], row["practice_id"],
                _shown_as(row["role"], bool(row["assessor"]), row["discipline"]))
    return list(found.values())


def practice_assessors(db: Database, actor: Person, practice_id: int) -> list[Assessor]:
    """The practice's assessors, for its leads (People page) and administrators."""
    require(permissions.may_name_assessors(actor, practice_id), "Only the practice's leads see its assessors.")
    return [Assessor(r["id"], r["display_name"], r["practice_id"], _shown_as(r["role"], bool(r["assessor"]),
                                                                                r["discipline"]))
            for r in db.query(_ASSESSOR_ROWS.format(practices="?"), [practice_id])]


def trainees_to_observe(db: Database, actor: Person) -> list[Person]:
    """The trainees of the practices the actor observes for (as a lead or a named assessor)."""
    return [p for p in trainees_of(db, actor.assessor_practice_ids(), actor)
            if permissions.may_record_observation(actor, p)]


def _assessor_label(actor: Person, subject: Person) -> tuple[int, str]:
    """The practice the observation belongs to and how the assessor is shown: as a lead where they lead."""
    shared = actor.assessor_practice_ids() & subject.practice_ids(TRAINEE)
    practice_id = min(shared)
    for membership in sorted(actor.memberships, key=lambda m: m.role != LEAD):
        if membership.active and membership.practice_id == practice_id and (membership.role == LEAD
                                                                            or membership.assessor):
            return practice_id, _shown_as(membership.role, membership.assessor, membership.discipline)
    return practice_id, "Assessor"


# ---------------------------------------------------------------- checking what people type


def _text(value: str, field: str, max_chars: int, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ObservationError(f"Write {what}.", field)
    return bounded(value, field, max_chars, what=what, error=ObservationError)


def _levels(levels: dict[str, int], framework: Framework) -> dict[str, int]:
    if not levels:
        raise ObservationError("Choose at least one competency you saw.", "competencies")
    if len(levels) > MAX_COMPETENCIES:
        raise ObservationError(f"Choose at most {MAX_COMPETENCIES} competencies: what one occasion shows well.",
                               "competencies")
    for code, level in levels.items():
        if framework.competency(code) is None:
            raise ObservationError(f"{code} is not a competency of the framework.", "competencies")
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
            raise ObservationError("Choose a level from 1 to 5 for each competency.", f"level-{code}")
    return dict(sorted(levels.items()))


def _codes(codes, framework: Framework) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(codes))
    if not codes:
        raise ObservationError("Choose at least one competency.", "competencies")
    if len(codes) > MAX_COMPETENCIES:
        raise ObservationError(f"Choose at most {MAX_COMPETENCIES} competencies.", "competencies")
    for code in codes:
        if framework.competency(code) is None:
            raise ObservationError(f"{code} is not a competency of the framework.", "competencies")
    return codes


# ---------------------------------------------------------------- observations


def record_observation(db: Database, actor: Person, subject: Person, framework: Framework, now: datetime, *,
                       observed_on: date, setting: str, what_seen: str, levels: dict[str, int], next_step: str,
                       request_id: int | None = None, timezone: str = "UTC") -> int:
    """Record what the assessor saw; answering a request completes it in the same transaction."""
    require(permissions.may_record_observation(actor, subject),
            "You can only observe trainees of a practice you are an assessor for.")
    today = local_date(now, timezone)
    if not isinstance(observed_on, date) or observed_on > today:
        raise ObservationError("The day you saw it cannot be in the future.", "observed_on")
    if today - observed_on > OBSERVED_WITHIN:
        raise ObservationError(f"Record an observation within {OBSERVED_WITHIN.days} days of seeing it.",
                               "observed_on")
    setting = _text(setting, "setting", SETTING_MAX, "where you saw it")
    what_seen = _text(what_seen, "what_seen", WHAT_SEEN_MAX, "what you saw")
    next_step = _text(next_step, "next_step", NEXT_STEP_MAX, "one thing to do next")
    levels = _levels(levels, framework)
    practice_id, shown_as = _assessor_label(actor, subject)
    with write(db):
        if request_id is not None:
            request = _request(db, request_id)
            if request is None or request.assessor_id != actor.id or request.person_id != subject.id:
                raise PermissionDenied("That request was not sent to you about this person.")
            if request.state(now) != WAITING:
                raise ObservationError(f"That request is {REQUEST_STATUS_LABELS[request.state(now)].lower()}: "
                                       "record the observation on its own.", "request")
        observation_id = db.execute(
            """INSERT INTO observation (person_id, assessor_id, assessor_as, practice_id, observed_on, setting,
                   what_seen, next_step, request_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [subject.id, actor.id, shown_as, practice_id, observed_on.isoformat(), setting, what_seen, next_step,
             request_id, iso(now)]).fetchone()[0]
        db.executemany("INSERT INTO observation_rating (observation_id, competency_code, level) VALUES (?, ?, ?)",
                       [(observation_id, code, level) for code, level in levels.items()])
        records.record(db, subject.id, "observation_received", now, observation_id=observation_id, levels=levels)
        if request_id is not None:
            _close_request(db, actor, request_id, COMPLETED, now, "")
    return observation_id


def withdraw_observation(db: Database, actor: Person, observation_id: int, reason: str, now: datetime) -> None:
    """Take back an observation (the wrong trainee, a mistaken level): it stays on record, marked withdrawn,
    and no longer counts. Its assessor or a lead of the trainee's practice may."""
    row = next(db.query("SELECT person_id, assessor_id, withdrawn_at FROM observation WHERE id = ?",
                        [observation_id]), None)
    subject = load_person(db, row["person_id"]) if row else None
    if row is None or subject is None or not (row["assessor_id"] == actor.id and not actor.disabled
                                              or permissions.may_sign_off(actor, subject)):
        raise PermissionDenied("Only the assessor who wrote it or the trainee's lead can withdraw an observation.")
    if row["withdrawn_at"]:
        raise ObservationError("That observation was already withdrawn.")
    reason = _text(reason, "reason", REASON_MAX, "why it is withdrawn")
    with write(db):
        db.execute("UPDATE observation SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?",
                   [iso(now), reason, observation_id])
        record(db, actor, "observation.withdraw", f"person:{row['person_id']}", now, reason=reason)


_OBSERVATIONS = """
SELECT observation.*, subject.display_name AS person_name,
       coalesce(assessor.display_name, 'a former colleague') AS assessor_name,
       (SELECT group_concat(competency_code || ':' || level) FROM observation_rating
        WHERE observation_rating.observation_id = observation.id) AS ratings
FROM observation JOIN person AS subject ON subject.id = observation.person_id
LEFT JOIN person AS assessor ON assessor.id = observation.assessor_id
WHERE {where}
ORDER BY observation.observed_on DESC, observation.id DESC
"""


def _observation(row: dict) -> Observation:
    parts = iter((row["ratings"] or "").replace(":", ",").split(",")) if row["ratings"] else iter(())
    return Observation(
        id=row["id"], person_id=row["person_id"], person_name=row["person_name"], assessor_id=row["assessor_id"],
        assessor_name=row["assessor_name"], assessor_as=row["assessor_as"],
        observed_on=date.fromisoformat(row["observed_on"]), setting=row["setting"], what_seen=row["what_seen"],
        next_step=row["next_step"], levels=dict(sorted((code, int(level)) for code, level in zip(parts, parts))),
        recorded_at=parse(row["recorded_at"]), withdrawn_at=parse(row["withdrawn_at"]),
        withdrawn_reason=row["withdrawn_reason"])


def observations_of(db: Database, actor: Person, subject: Person) -> list[Observation]:
    """Observations of a person, newest first: all of them for the person, their leads and administrators;
    for another assessor, only those they wrote."""
    if permissions.may_view_person(actor, subject):
        return [_observation(r) for r in db.query(_OBSERVATIONS.format(where="observation.person_id = ?"),
                                                  [subject.id])]
    require(not actor.disabled and permissions.may_record_observation(actor, subject),
            "You may not see that person's observations.")
    return [_observation(r) for r in db.query(
        _OBSERVATIONS.format(where="observation.person_id = ? AND observation.assessor_id = ?"),
        [subject.id, actor.id])]


def observations_by(db: Database, actor: Person, limit: int = 50) -> list[Observation]:
    """What the actor has written, newest first."""
    require(not actor.disabled, "Your account is disabled.")
    return [_observation(r) for r in db.query(
        _OBSERVATIONS.format(where="observation.assessor_id = ?") + " LIMIT ?", [actor.id, limit])]


def observed(db: Database, actor: Person, subject: Person, now: datetime,
             window_days: int = 365) -> list[competency.Observed]:
    """Each competency rated in the person's live observations of the window: the candidates of the rule."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's competencies.")
    since = (now - timedelta(days=window_days)).date().isoformat()
    return [competency.Observed(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4]) for r in db.execute(
        """SELECT observation_rating.competency_code, observation_rating.level, observation.assessor_id,
                  observation.observed_on, observation.id
           FROM observation JOIN observation_rating ON observation_rating.observation_id = observation.id
           WHERE observation.person_id = ? AND observation.withdrawn_at IS NULL
             AND observation.observed_on >= ? AND observation.observed_on <= ?""",
        [subject.id, since, now.date().isoformat()])]


def as_observer_ratings(observations: list[competency.Observed]) -> list[competency.Rating]:
    """Observations as observer ratings for the provisional rule: the latest observation per competency
    stands for what an observer saw, as a lead's full rating does (ids negated to keep them apart)."""
    return [competency.Rating(o.code, o.level, competency.OBSERVER, _day_start(o.observed_on), -o.observation_id)
            for o in observations]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


class Standing(NamedTuple):
    """A person's levels with the evidence the rule read for them, for pages that also show why."""

    levels: dict[str, competency.Effective]
    observed: list[competency.Observed]  # the live observation ratings of the rule's window
    sign_offs: dict[str, competency.SignOff]  # live, by competency


def standing(db: Database, actor: Person, subject: Person, framework: Framework, now: datetime) -> Standing:
    """Where the person stands on each competency: sign-off, else observations under the rule, else the
    provisional level from ratings and observations (competency.standings; docs/effective-level.md)."""
    rule = framework.achievement
    seen = observed(db, actor, subject, now, rule.window_days)
    signed = live_sign_offs(db, actor, subject)
    provisional = competency.effective_levels(candidate_ratings(db, actor, subject, now) + as_observer_ratings(seen),
                                              now)
    return Standing(competency.standings(provisional, seen, signed, rule, now.date()), seen,
                    {s.code: s for s in signed})


def levels(db: Database, actor: Person, subject: Person, framework: Framework, now: datetime
           ) -> dict[str, competency.Effective]:
    """`standing`'s levels alone."""
    return standing(db, actor, subject, framework, now).levels


# ---------------------------------------------------------------- requests


_REQUESTS = """
SELECT observation_request.*, subject.display_name AS person_name, assessor.display_name AS assessor_name
FROM observation_request JOIN person AS subject ON subject.id = observation_request.person_id
JOIN person AS assessor ON assessor.id = observation_request.assessor_id
WHERE {where}
ORDER BY observation_request.created_at DESC, observation_request.id DESC
"""


def _as_request(row: dict) -> Request:
    return Request(
        id=row["id"], person_id=row["person_id"], person_name=row["person_name"], assessor_id=row["assessor_id"],
        assessor_name=row["assessor_name"], practice_id=row["practice_id"],
        codes=tuple(row["competency_codes"].split(",")), context=row["context"],
        portfolio_item_id=row["portfolio_item_id"], status=row["status"], created_at=parse(row["created_at"]),
        expires_at=parse(row["expires_at"]), closed_at=parse(row["closed_at"]), reason=row["reason"])


def _request(db: Database, request_id: int) -> Request | None:
    row = next(db.query(_REQUESTS.format(where="observation_request.id = ?"), [request_id]), None)
    return _as_request(row) if row else None


def _event(db: Database, actor: Person | None, request_id: int, status: str, now: datetime, comment: str) -> None:
    db.execute("INSERT INTO observation_request_event (request_id, at, actor_id, status, comment) VALUES (?, ?, ?, ?, ?)",
               [request_id, iso(now), actor.id if actor else None, status, comment])


def ask_for_observation(db: Database, actor: Person, assessor_id: int, codes, framework: Framework, now: datetime,
                        *, context: str = "", portfolio_item_id: int | None = None) -> int:
    """A trainee asks a named assessor of their practice to observe them on one to three competencies
    (or to review a portfolio item); the request waits for the assessor until it expires."""
    require(permissions.may_ask_for_observation(actor), "Only trainees ask for observations.")
    codes = _codes(codes, framework)
    context = _text(context, "context", CONTEXT_MAX, "what to observe", required=False)
    assessor = next((a for a in assessors_for(db, actor) if a.id == assessor_id), None)
    if assessor is None:
        raise ObservationError("Choose one of your practice's assessors.", "assessor")
    if portfolio_item_id is not None:
        item = next((i for i in portfolio(db, actor, actor) if i.id == portfolio_item_id), None)
        if item is None:
            raise PermissionDenied("That evidence is not in your portfolio.")
        codes = (item.code,)
    with write(db):
        if db.execute("""SELECT 1 FROM observation_request WHERE person_id = ? AND assessor_id = ? AND status = 'waiting'
                         AND expires_at > ? AND competency_codes = ? AND coalesce(portfolio_item_id, 0) = ?""",
                      [actor.id, assessor_id, iso(now), ",".join(codes), portfolio_item_id or 0]).fetchone():
            raise ObservationError(f"You have already asked {assessor.name} for that; the request is waiting.",
                                   "assessor")
        request_id = db.execute(
            """INSERT INTO observation_request (person_id, assessor_id, practice_id, competency_codes, context,
                   portfolio_item_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [actor.id, assessor_id, assessor.practice_id, ",".join(codes), context, portfolio_item_id, iso(now),
             iso(now + timedelta(days=framework.achievement.request_expires_days))]).fetchone()[0]
        _event(db, actor, request_id, WAITING, now, context)
    return request_id


def requests_waiting_for(db: Database, actor: Person, now: datetime) -> list[Request]:
    """The requests sent to the actor that still wait (not expired), oldest first."""
    require(not actor.disabled, "Your account is disabled.")
    rows = db.query(_REQUESTS.format(where="observation_request.assessor_id = ? AND observation_request.status = "
                                           "'waiting' AND observation_request.expires_at > ?"), [actor.id, iso(now)])
    return sorted((_as_request(r) for r in rows), key=lambda r: (r.created_at, r.id))


def my_requests(db: Database, actor: Person) -> list[Request]:
    """The requests the actor has sent, newest first."""
    require(not actor.disabled, "Your account is disabled.")
    return [_as_request(r) for r in db.query(_REQUESTS.format(where="observation_request.person_id = ?"), [actor.id])]


def request_for(db: Database, actor: Person, request_id: int) -> Request:
    """One request, for the trainee who sent it or the assessor it was sent to."""
    request = _request(db, request_id)
    if request is None or actor.disabled or actor.id not in (request.person_id, request.assessor_id):
        raise PermissionDenied("That request was not sent by or to you.")
    return request


def request_events(db: Database, actor: Person, request_id: int) -> list[RequestEvent]:
    """Every state change of a request, oldest first."""
    request_for(db, actor, request_id)
    return [RequestEvent(parse(r["at"]), r["actor_name"], r["status"], r["comment"]) for r in db.query(
        """SELECT e.at, coalesce(p.display_name, 'the system') AS actor_name, e.status, e.comment
           FROM observation_request_event e LEFT JOIN person p ON p.id = e.actor_id
           WHERE e.request_id = ? ORDER BY e.at, e.id""", [request_id])]


def _close_request(db: Database, actor: Person | None, request_id: int, status: str, now: datetime,
                   reason: str) -> None:
    changed = db.execute("""UPDATE observation_request SET status = ?, closed_at = ?, reason = ?
                            WHERE id = ? AND status = 'waiting'""", [status, iso(now), reason, request_id]).rowcount
    if not changed:
        raise ObservationError("That request has already been answered.", "request")
    _event(db, actor, request_id, status, now, reason)


def decline_request(db: Database, actor: Person, request_id: int, reason: str, now: datetime) -> None:
    """The assessor says no, with a reason the trainee reads."""
    request = request_for(db, actor, request_id)
    if request.assessor_id != actor.id:
        raise PermissionDenied("Only the assessor it was sent to can decline a request.")
    reason = _text(reason, "reason", REASON_MAX, "why you decline")
    if request.state(now) != WAITING:
        raise ObservationError("That request no longer waits for you.", "request")
    with write(db):
        _close_request(db, actor, request_id, DECLINED, now, reason)


def withdraw_request(db: Database, actor: Person, request_id: int, now: datetime) -> None:
    """The trainee takes back a request that still waits."""
    request = request_for(db, actor, request_id)
    if request.person_id != actor.id:
        raise PermissionDenied("Only the person who asked can withdraw a request.")
    if request.state(now) != WAITING:
        raise ObservationError("That request no longer waits.", "request")
    with write(db):
        _close_request(db, actor, request_id, WITHDRAWN, now, "")


def expire_requests(db: Database, now: datetime) -> int:
    """Record the expiry of every waiting request past its time (run by `carecoord remind`); how many."""
    with write(db):
        ids = [r[0] for r in db.execute("SELECT id FROM observation_request WHERE status = 'waiting' AND expires_at <= ?",
                                        [iso(now)])]
        for request_id in ids:
            _close_request(db, None, request_id, EXPIRED, now, "")
    return len(ids)


# ---------------------------------------------------------------- portfolio


def document_text(filename: str, raw: bytes) -> str:
    """The whole text of an uploaded document, or a refusal: too long, or not text (an image, a PDF, a
    spreadsheet saved in its own format, text in another encoding)."""
    if not filename.lower().endswith(DOCUMENT_SUFFIXES):
        raise ObservationError("Attach a text document (.txt, .md, .csv or .rtf); images and PDFs cannot be "
                               "checked for identifying details.", "filename")
    if len(raw) > 4 * BODY_MAX:  # the most bytes BODY_MAX characters of UTF-8 can take
        raise ObservationError(f"That document is too long: attach at most {BODY_MAX:,} characters of text.", "body")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ObservationError("That file is not readable text: save it as plain text (UTF-8) or Markdown and "
                               "attach it again.", "filename") from None


def add_portfolio_item(db: Database, actor: Person, framework: Framework, now: datetime, *, code: str, kind: str,
                       title: str, body: str = "", url: str | None = None, filename: str | None = None) -> int:
    """Evidence for one competency: a reflection (text), a link, or a text document (its whole text).

    Everything written goes through the identifying-details check used for stories; a flagged detail is
    refused with what to change, since a portfolio is read by assessors outside the family's care.
    """
    require(permissions.may_ask_for_observation(actor), "Only trainees keep a portfolio.")
    if framework.competency(code) is None:
        raise ObservationError("Choose a competency.", "competency")
    if kind not in ("reflection", "link", "document"):
        raise ObservationError("Choose a reflection, a link or a text document.", "kind")
    title = _text(title, "title", TITLE_MAX, "a title")
    body = bounded(body or "", "body", BODY_MAX, what="the text", error=ObservationError)
    if "\x00" in body:
        raise ObservationError("That file is not text: attach a plain text or Markdown document.", "body")
    if kind == "link":
        url = bounded((url or "").strip(), "url", URL_MAX, what="the link", error=ObservationError)
        if not url.lower().startswith(("https://", "http://")) or any(c.isspace() for c in url):
            raise ObservationError("Give a web address starting with https://.", "url")
    else:
        url = None
    if kind == "document":
        filename = bounded((filename or "").strip(), "filename", FILENAME_MAX, what="the file name",
                           error=ObservationError)
        if not filename.lower().endswith(DOCUMENT_SUFFIXES):
            raise ObservationError("Attach a text document (.txt, .md, .csv or .rtf); images and PDFs cannot be "
                                   "checked for identifying details.", "filename")
    else:
        filename = None
    if kind != "link" and not body.strip():
        raise ObservationError("Write the reflection or attach a document with text in it.", "body")
    flags = deidentify.check(f"{title}\n\n{body}")
    if flags:
        shown = "; ".join(f"{f.label.lower()}: “{f.text}”" for f in flags[:5])
        raise ObservationError(f"Remove details that could identify a family before saving ({shown}).", "body")
    with write(db):
        return db.execute(
            """INSERT INTO portfolio_item (person_id, competency_code, kind, title, body, url, filename, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [actor.id, code, kind, title, body, url, filename, iso(now)]).fetchone()[0]


def portfolio(db: Database, actor: Person, subject: Person) -> list[PortfolioItem]:
    """A person's portfolio: the person, their leads, administrators, and an assessor asked to review an item
    (that item only)."""
    where, params = "person_id = ? AND removed_at IS NULL", [subject.id]
    if not permissions.may_view_person(actor, subject):
        require(not actor.disabled and permissions.may_record_observation(actor, subject),
                "You may not see that person's portfolio.")
        where += " AND id IN (SELECT portfolio_item_id FROM observation_request WHERE assessor_id = ?)"
        params.append(actor.id)
    return [PortfolioItem(r["id"], r["person_id"], r["competency_code"], r["kind"], r["title"], r["body"], r["url"],
                          r["filename"], parse(r["created_at"]))
            for r in db.query(f"SELECT * FROM portfolio_item WHERE {where} ORDER BY created_at DESC, id DESC",
                              params)]


def remove_portfolio_item(db: Database, actor: Person, item_id: int, now: datetime) -> None:
    with write(db):
        changed = db.execute("UPDATE portfolio_item SET removed_at = ? WHERE id = ? AND person_id = ? "
                             "AND removed_at IS NULL", [iso(now), item_id, actor.id]).rowcount
    if not changed:
        raise PermissionDenied("That evidence is not in your portfolio.")


# ---------------------------------------------------------------- sign-off


def sign_off(db: Database, actor: Person, subject: Person, framework: Framework, now: datetime, *, code: str,
             level: int, rationale: str, evidence: list[int]) -> int:
    """Mark a competency achieved at a level for a person, with the observations it rests on and why."""
    require(permissions.may_sign_off(actor, subject), "Only a lead of the trainee's practice signs off.")
    if framework.competency(code) is None:
        raise ObservationError("Choose a competency.", "competency")
    if not isinstance(level, int) or not 1 <= level <= 5:
        raise ObservationError("Choose a level from 1 to 5.", "level")
    rationale = _text(rationale, "rationale", RATIONALE_MAX, "why you sign it off")
    live = {o.id for o in observations_of(db, actor, subject) if o.withdrawn_at is None and code in o.levels}
    evidence = sorted(set(evidence))
    if not evidence:
        raise ObservationError("Choose the observations the sign-off rests on.", "evidence")
    if not set(evidence) <= live:
        raise ObservationError("A sign-off rests on live observations of this person and competency.", "evidence")
    practice_id = min(actor.practice_ids(LEAD) & subject.practice_ids(TRAINEE))
    with write(db):
        try:
            sign_off_id = db.execute(
                """INSERT INTO sign_off (person_id, practice_id, competency_code, level, signed_by, signed_by_name,
                       rationale, evidence, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [subject.id, practice_id, code, level, actor.id, actor.display_name, rationale, json.dumps(evidence),
                 iso(now)]).fetchone()[0]
        except IntegrityError:
            raise ObservationError(f"{code} is already signed off for this person: withdraw that sign-off first.",
                                   "competency") from None
        record(db, actor, "signoff.create", f"person:{subject.id}", now, competency=code, level=level)
        credentials.award_level(db, subject.id, code, level, sign_off_id, framework, now)
    return sign_off_id


def withdraw_sign_off(db: Database, actor: Person, sign_off_id: int, reason: str, now: datetime) -> None:
    row = next(db.query("SELECT person_id, competency_code, withdrawn_at FROM sign_off WHERE id = ?", [sign_off_id]),
               None)
    subject = load_person(db, row["person_id"]) if row else None
    require(subject is not None and permissions.may_sign_off(actor, subject),
            "Only a lead of the trainee's practice withdraws a sign-off.")
    if row["withdrawn_at"]:
        raise ObservationError("That sign-off was already withdrawn.")
    reason = _text(reason, "reason", RATIONALE_MAX, "why it is withdrawn")
    with write(db):
        db.execute("UPDATE sign_off SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_reason = ? WHERE id = ?",
                   [iso(now), actor.id, reason, sign_off_id])
        record(db, actor, "signoff.withdraw", f"person:{row['person_id']}", now, competency=row["competency_code"],
               reason=reason)
        credentials.revoke_for_sign_off(db, sign_off_id, reason, now)


def sign_offs_of(db: Database, actor: Person, subject: Person) -> list[SignOffRecord]:
    """Every sign-off of the person, withdrawn ones too, newest first."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's sign-offs.")
    return [SignOffRecord(r["id"], r["person_id"], r["competency_code"], r["level"], r["signed_by_name"],
                          r["rationale"], tuple(json.loads(r["evidence"])), parse(r["signed_at"]),
                          parse(r["withdrawn_at"]), r["withdrawn_reason"])
            for r in db.query("SELECT * FROM sign_off WHERE person_id = ? ORDER BY signed_at DESC, id DESC",
                              [subject.id])]


def live_sign_offs(db: Database, actor: Person, subject: Person) -> list[competency.SignOff]:
    return [competency.SignOff(s.code, s.level, s.signed_at, s.signed_by_name, s.id)
            for s in sign_offs_of(db, actor, subject) if s.withdrawn_at is None]


# ---------------------------------------------------------------- a practice at once


def team_observed(db: Database, actor: Person, practice_id: int, now: datetime, window_days: int
                  ) -> dict[int, list[competency.Observed]]:
    """Every live observation rating of the window for the practice's team, per person, in one query."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    since = (now - timedelta(days=window_days)).date().isoformat()
    found: dict[int, list[competency.Observed]] = {}
    days: dict[str, date] = {}
    observed = competency.Observed
    for person_id, code, level, assessor_id, observed_on, observation_id in db.execute(
            """SELECT observation.person_id, observation_rating.competency_code, observation_rating.level,
                      observation.assessor_id, observation.observed_on, observation.id
               FROM membership JOIN observation ON observation.person_id = membership.person_id
               JOIN observation_rating ON observation_rating.observation_id = observation.id
               WHERE membership.practice_id = ? AND membership.role = 'trainee' AND membership.active <> 0
                 AND observation.withdrawn_at IS NULL AND observation.observed_on >= ? AND observation.observed_on <= ?
               ORDER BY observation.person_id, observation.observed_on DESC, observation.id DESC""",
            [practice_id, since, now.date().isoformat()]):
        day = days.get(observed_on)
        if day is None:
            day = days[observed_on] = date.fromisoformat(observed_on)
        found.setdefault(person_id, []).append(observed(code, level, assessor_id, day, observation_id))
    return found


def team_sign_offs(db: Database, actor: Person, practice_id: int) -> dict[int, list[competency.SignOff]]:
    """The live sign-offs of the practice's team, per person."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    found: dict[int, list[competency.SignOff]] = {}
    for row in db.query(
            """SELECT DISTINCT sign_off.* FROM membership JOIN sign_off ON sign_off.person_id = membership.person_id
               WHERE membership.practice_id = ? AND membership.active <> 0 AND sign_off.withdrawn_at IS NULL""",
            [practice_id]):
        found.setdefault(row["person_id"], []).append(competency.SignOff(
            row["competency_code"], row["level"], parse(row["signed_at"]), row["signed_by_name"], row["id"]))
    return found
