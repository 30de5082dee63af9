"""Reminders by e-mail: the queue `carecoord remind` fills and empties, and each person's opt-out.

A reminder is one thing that waits for one person (`carecoord.waiting` keys), queued once: the
pair (person, key) is unique and a second queueing does nothing, so nothing is mailed twice. It is
marked sent when the mail server has taken it; until then each failed attempt is counted with its
error, and the next run tries again. The queue and the sending are the system's (the command line,
as `accounts.SYSTEM`); the opt-out is the person's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from carecoord import permissions
from carecoord.clock import iso, parse
from carecoord.db import Database, placeholders, write
from carecoord.people import Person
from carecoord.permissions import require

ERROR_MAX = 500  # the last error kept per reminder

# Who is mailed: an address, an enabled account, reminders on.
_ELIGIBLE = ("person.email IS NOT NULL AND person.email <> '' AND person.disabled = 0 "
             "AND person.email_reminders <> 0")


@dataclass(frozen=True)
class Recipient:
    id: int
    display_name: str
    email: str


@dataclass(frozen=True)
class Reminder:
    id: int
    person_id: int
    key: str
    subject: str
    body: str
    created_at: datetime
    attempts: int
    last_error: str

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


@dataclass(frozen=True)
class Status:
    sent: int
    waiting: int  # unsent, for people who are still mailed
    failing: int  # of those, tried at least once


def _require_system(actor: Person) -> None:
    require(permissions.may_administer_accounts(actor), "Only the system sends reminders.")


def recipients(db: Database, actor: Person) -> list[Recipient]:
    """Everyone who is mailed reminders now, by id."""
    _require_system(actor)
    return [Recipient(r["id"], r["display_name"], r["email"]) for r in db.query(
        f"SELECT id, display_name, email FROM person WHERE {_ELIGIBLE} ORDER BY id")]


def queued_keys(db: Database, actor: Person, person_id: int) -> set[str]:
    """The keys already queued for a person (sent or not)."""
    _require_system(actor)
    return {row[0] for row in db.execute("SELECT key FROM reminder WHERE person_id = ?", [person_id])}


def queue(db: Database, actor: Person, person_id: int, key: str, subject: str, body: str, now: datetime) -> bool:
    """Queue a reminder unless that key was queued for that person before; whether it was new."""
    _require_system(actor)
    with write(db):
        row = db.execute(
            """INSERT INTO reminder (person_id, key, subject, body, created_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (person_id, key) DO NOTHING RETURNING id""",
            [person_id, key, subject, body, iso(now)]).fetchone()
    return row is not None


def _reminder(row: dict) -> Reminder:
    return Reminder(id=row["id"], person_id=row["person_id"], key=row["key"], subject=row["subject"],
                    body=row["body"], created_at=parse(row["created_at"]), attempts=row["attempts"],
                    last_error=row["last_error"])


def unsent(db: Database, actor: Person) -> dict[Recipient, list[Reminder]]:
    """Every reminder not yet sent to someone who is still mailed, per person, oldest first.

    A disabled account's, or one whose address was removed, stay queued and go if that changes;
    turning reminders off drops the person's unsent ones (`set_email_reminders`).
    """
    _require_system(actor)
    found: dict[Recipient, list[Reminder]] = {}
    for row in db.query(
            f"""SELECT reminder.*, person.display_name, person.email FROM reminder
                JOIN person ON person.id = reminder.person_id
                WHERE reminder.sent_at IS NULL AND {_ELIGIBLE}
                ORDER BY reminder.person_id, reminder.created_at, reminder.id"""):
        found.setdefault(Recipient(row["person_id"], row["display_name"], row["email"]), []).append(_reminder(row))
    return found


def mark_sent(db: Database, actor: Person, reminder_ids: list[int], now: datetime) -> None:
    _require_system(actor)
    if reminder_ids:
        with write(db):
            db.execute(f"UPDATE reminder SET sent_at = ?, last_error = '' WHERE id IN ({placeholders(reminder_ids)}) "
                       "AND sent_at IS NULL", [iso(now), *reminder_ids])


def record_failure(db: Database, actor: Person, reminder_ids: list[int], error: str) -> None:
    """One more failed attempt for each, with the error; they stay unsent for the next run."""
    _require_system(actor)
    if reminder_ids:
        with write(db):
            db.execute(f"""UPDATE reminder SET attempts = attempts + 1, last_error = ?
                           WHERE id IN ({placeholders(reminder_ids)}) AND sent_at IS NULL""",
                       [error[:ERROR_MAX], *reminder_ids])


def status(db: Database, actor: Person) -> Status:
    """How many reminders were sent, and how many wait (and of those, have failed before)."""
    _require_system(actor)
    row = db.execute(
        f"""SELECT sum(CASE WHEN reminder.sent_at IS NOT NULL THEN 1 ELSE 0 END),
                   sum(CASE WHEN reminder.sent_at IS NULL AND {_ELIGIBLE} THEN 1 ELSE 0 END),
                   sum(CASE WHEN reminder.sent_at IS NULL AND reminder.attempts > 0 AND {_ELIGIBLE} THEN 1 ELSE 0 END)
            FROM reminder JOIN person ON person.id = reminder.person_id""").fetchone()
    return Status(*(int(value or 0) for value in row))


# ---------------------------------------------------------------- the person's own choice


def _require_self(actor: Person, person: Person) -> None:
    require(not actor.disabled and actor.id == person.id, "Only the person themself chooses their reminders.")


def email_reminders_on(db: Database, actor: Person, person: Person) -> bool:
    """Whether the person is mailed reminders (when they have an address and mail is configured)."""
    _require_self(actor, person)
    row = db.execute("SELECT email_reminders FROM person WHERE id = ?", [person.id]).fetchone()
    return bool(row and row[0])


def set_email_reminders(db: Database, actor: Person, person: Person, on: bool) -> None:
    """Turn the person's reminders on or off; off also drops what was queued and not yet sent."""
    _require_self(actor, person)
    with write(db):
        db.execute("UPDATE person SET email_reminders = ? WHERE id = ?", [int(on), person.id])
        if not on:
            db.execute("DELETE FROM reminder WHERE person_id = ? AND sent_at IS NULL", [person.id])
