"""xAPI statements on their way to the learning record store: each person's pseudonym, the outbox, and
what the sender (`carecoord xapi send`) reads and marks.

`record()` is called inside the `write()` of the action it records, so a statement exists if and only
if its action does. Nothing is queued unless the installation has a public address and an LRS.
The outbox and the sending are the system's (the command line); no page reads them.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from carecoord import lrs, public, xapi
from carecoord.clock import iso, parse
from carecoord.db import Database, placeholders, write

log = logging.getLogger(__name__)
ERROR_MAX = 500
# A statement a failing LRS keeps refusing is retried less and less often, never less than this often.
BACKOFF_CAP = timedelta(hours=6)

def enabled() -> bool:
    """Statements are queued only with a public address (to name things by) and an LRS (to send them to).
    A setting with a wrong value counts as off (the admin Home page says what is wrong): a person's action
    must never fail over it."""
    try:
        return public.base_url() is not None and lrs.settings() is not None
    except (public.ConfigurationError, lrs.ConfigurationError):
        return False


def _pseudonym(db: Database, person_id: int, now: datetime) -> str:
    row = db.execute("SELECT pseudonym FROM xapi_actor WHERE person_id = ?", [person_id]).fetchone()
    if row is not None:
        return row[0]
    pseudonym = secrets.token_hex(16)
    db.execute("INSERT INTO xapi_actor (person_id, pseudonym, created_at) VALUES (?, ?, ?)",
               [person_id, pseudonym, iso(now)])
    return pseudonym


def _actor(db: Database, person_id: int, base: str, now: datetime) -> xapi.Actor:
    pseudonym = _pseudonym(db, person_id, now)
    try:
        identify = public.identify_in_xapi()
    except public.ConfigurationError:  # a wrong value counts as off; the admin Home says so
        identify = False
    if identify:
        row = db.execute("SELECT display_name, email FROM person WHERE id = ?", [person_id]).fetchone()
        try:
            return xapi.Actor(home_page=base, name=pseudonym, display_name=row[0], email=row[1] or None)
        except ValueError:  # an address the statement cannot carry: the pseudonym still identifies them here
            log.warning("xAPI: person %s is sent by pseudonym only: their stored details cannot be used", person_id)
    return xapi.Actor(home_page=base, name=pseudonym)


def record(db: Database, person_id: int, kind: str, now: datetime, **fields) -> None:
    """Queue one statement of `kind` (a `carecoord.xapi` builder's name) about the person, with that builder's
    fields; call inside the action's `write()`. Nothing happens when xAPI is off, and a statement that cannot
    be built is logged, never allowed to undo the person's action."""
    if not enabled():
        return
    base = public.base_url()
    with write(db):  # a savepoint inside the action's transaction
        actor = _actor(db, person_id, base, now)
        statement_id = str(uuid.uuid4())
        try:
            statement = xapi.KINDS[kind](statement_id, base, actor, now, **fields)
        except ValueError as error:
            log.error("xAPI: a %s statement for person %s could not be built: %s", kind, person_id, error)
            return
        db.execute(
            """INSERT INTO xapi_outbox (statement_id, person_id, kind, statement, created_at, next_attempt_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [statement_id, person_id, kind, json.dumps(statement, sort_keys=True), iso(now), iso(now)])


def pseudonym(db: Database, person_id: int, now: datetime) -> str:
    """The person's opaque id outside the app (xAPI actor, credential subject); made on first use."""
    with write(db):
        return _pseudonym(db, person_id, now)


@dataclass(frozen=True)
class Waiting:
    id: int
    statement_id: str
    statement: dict
    attempts: int


def due(db: Database, now: datetime, limit: int = 50) -> list[Waiting]:
    """The oldest unsent statements whose next attempt is due."""
    rows = db.query(
        """SELECT id, statement_id, statement, attempts FROM xapi_outbox
           WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?""", [iso(now), int(limit)])
    return [Waiting(r["id"], r["statement_id"], json.loads(r["statement"]), r["attempts"]) for r in rows]


def mark_sent(db: Database, ids: list[int], now: datetime) -> None:
    if not ids:
        return
    with write(db, scope="xapi"):
        db.execute(f"UPDATE xapi_outbox SET sent_at = ?, last_error = '' WHERE id IN ({placeholders(ids)})",
                   [iso(now), *ids])


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most BACKOFF_CAP."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 20)), BACKOFF_CAP)


def mark_failed(db: Database, ids: list[int], error: str, now: datetime) -> None:
    if not ids:
        return
    with write(db, scope="xapi"):
        for row in list(db.query(f"SELECT id, attempts FROM xapi_outbox WHERE id IN ({placeholders(ids)})", ids)):
            attempts = row["attempts"] + 1
            db.execute("UPDATE xapi_outbox SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                       [attempts, error[:ERROR_MAX], iso(now + backoff(attempts)), row["id"]])


@dataclass(frozen=True)
class Status:
    waiting: int
    failing: int  # waiting and tried at least once
    sent: int
    oldest_waiting: datetime | None
    next_attempt: datetime | None
    last_error: str


def status(db: Database) -> Status:
    row = next(db.query(
        """SELECT sum(CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END) AS waiting,
                  sum(CASE WHEN sent_at IS NULL AND attempts > 0 THEN 1 ELSE 0 END) AS failing,
                  sum(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent,
                  min(CASE WHEN sent_at IS NULL THEN created_at END) AS oldest,
                  min(CASE WHEN sent_at IS NULL THEN next_attempt_at END) AS next_attempt
           FROM xapi_outbox"""))
    last = db.execute("""SELECT last_error FROM xapi_outbox WHERE sent_at IS NULL AND last_error <> ''
                         ORDER BY id DESC LIMIT 1""").fetchone()
    return Status(waiting=row["waiting"] or 0, failing=row["failing"] or 0, sent=row["sent"] or 0,
                  oldest_waiting=parse(row["oldest"]) if row["oldest"] else None,
                  next_attempt=parse(row["next_attempt"]) if row["next_attempt"] else None,
                  last_error=last[0] if last else "")


def forget(db: Database, person_id: int) -> None:
    """Erasure: the pseudonym mapping and every statement of the person still held here (call inside write)."""
    db.execute("DELETE FROM xapi_outbox WHERE person_id = ?", [person_id])
    db.execute("DELETE FROM xapi_actor WHERE person_id = ?", [person_id])
