"""Credentials: what a person has earned (a completed module, a signed-off competency level) and the
Open Badges 3.0 credential signed for it.

An achievement is recorded when it is earned, whether or not the installation can sign yet; it is
signed at once when there is a public address and a signing key (`carecoord keys init`), or later by
`issue_waiting` (run by `carecoord credentials issue` and on My credentials). Withdrawing a sign-off
revokes its credential; the public revocation list says so to anyone who verifies it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from carecoord import badges, credentials, permissions, public
from carecoord.clock import iso, parse
from carecoord.content.models import Framework, Library
from carecoord.credentials import LEVEL, MODULE
from carecoord.db import Database, write
from carecoord.people import Person
from carecoord.permissions import require
from carecoord.store import records
from carecoord.store.accounts import SYSTEM, record

log = logging.getLogger(__name__)
WITHDRAWN = "The sign-off this credential recorded was withdrawn."


@dataclass(frozen=True)
class Held:
    id: str
    kind: str
    achievement_key: str
    earned_at: datetime
    issued_at: datetime | None
    revoked_at: datetime | None
    revoked_reason: str
    token: str | None

    @property
    def issued(self) -> bool:
        return self.issued_at is not None


def _held(row: dict, with_token: bool) -> Held:
    return Held(id=row["id"], kind=row["kind"], achievement_key=row["achievement_key"],
                earned_at=parse(row["earned_at"]), issued_at=parse(row["issued_at"]) if row["issued_at"] else None,
                revoked_at=parse(row["revoked_at"]) if row["revoked_at"] else None,
                revoked_reason=row["revoked_reason"], token=row["token"] if with_token else None)


def credentials_of(db: Database, actor: Person, subject: Person) -> list[Held]:
    """Everything the person has earned, newest first (the person themself, their leads, administrators);
    the signed text only for its holder, who alone downloads it."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's credentials.")
    return [_held(r, with_token=actor.id == subject.id)
            for r in db.query("SELECT * FROM credential WHERE person_id = ? ORDER BY earned_at DESC, id", [subject.id])]


def own_token(db: Database, actor: Person, credential_id: str) -> str:
    """The signed credential, for its holder to download."""
    row = db.execute("SELECT person_id, token FROM credential WHERE id = ?", [credential_id]).fetchone()
    if row is None or row[0] != actor.id or row[1] is None:
        raise permissions.PermissionDenied("That credential is not yours, or it has not been issued yet.")
    return row[1]


def revoked(db: Database) -> list[tuple[str, str]]:
    """(credential id, reason) of every revoked credential: the public revocation list (no personal data)."""
    return [(r[0], r[1] or None) for r in db.execute(
        "SELECT id, revoked_reason FROM credential WHERE revoked_at IS NOT NULL AND issued_at IS NOT NULL ORDER BY id")]


# ---------------------------------------------------------------- earning


def _right_checks(db: Database, person_id: int) -> set[str]:
    return {r[0] for r in db.execute(
        """SELECT DISTINCT check_id FROM check_answer WHERE person_id = ? AND correct = 1
           AND (attempt = 1 OR source = 'review')""", [person_id])}


def _completed_lessons(db: Database, person_id: int) -> set[str]:
    return {r[0] for r in db.execute("SELECT lesson_id FROM lesson_progress WHERE person_id = ?", [person_id])}


def award_modules(db: Database, person: Person, library: Library, now: datetime) -> list[str]:
    """Record every module the person has newly earned (and sign it when the installation can); returns
    their ids. Safe to call after any lesson or check: a module is recorded once."""
    earned = credentials.earned_modules(library, _completed_lessons(db, person.id), _right_checks(db, person.id))
    if not earned or not _new(db, person.id, earned):  # most calls: nothing new, and no write lock taken
        return []
    awarded = []
    with write(db):
        for module in _new(db, person.id, earned):  # again under the lock: another process may have just awarded
            records.record(db, person.id, "module_completed", now, module_id=module.id, module_title=module.title)
            _award(db, person.id, MODULE, module.id, None, now, library.framework, library)
            awarded.append(module.id)
    return awarded


def _new(db: Database, person_id: int, earned: list) -> list:
    held = {r[0] for r in db.execute("""SELECT achievement_key FROM credential WHERE person_id = ? AND kind = ?
                                        AND revoked_at IS NULL""", [person_id, MODULE])}
    return [module for module in earned if module.id not in held]


def award_level(db: Database, person_id: int, code: str, level: int, sign_off_id: int, framework: Framework,
                now: datetime) -> None:
    """A sign-off's credential (call inside the sign-off's `write()`); a live one for a lower level stays."""
    with write(db):
        db.execute("""UPDATE credential SET revoked_at = ?, revoked_reason = 'replaced by a later sign-off'
                      WHERE person_id = ? AND kind = ? AND achievement_key = ? AND revoked_at IS NULL""",
                   [iso(now), person_id, LEVEL, credentials.level_key(code, level)])
        _award(db, person_id, LEVEL, credentials.level_key(code, level), sign_off_id, now, framework)


def revoke_for_sign_off(db: Database, sign_off_id: int, reason: str, now: datetime) -> None:
    """Withdrawing a sign-off revokes its credential (call inside the withdrawal's `write()`)."""
    with write(db):
        for row in list(db.query("SELECT id, person_id FROM credential WHERE sign_off_id = ? AND revoked_at IS NULL",
                                 [sign_off_id])):
            # The lead's words stay with the sign-off (and go with erasure); the public list says only this.
            db.execute("UPDATE credential SET revoked_at = ?, revoked_reason = ? WHERE id = ?",
                       [iso(now), WITHDRAWN, row["id"]])
            record(db, SYSTEM, "credential.revoke", f"person:{row['person_id']}", now, reason=reason[:200])


def _award(db: Database, person_id: int, kind: str, key: str, sign_off_id: int | None, now: datetime,
           framework: Framework, library: Library | None = None) -> None:
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    db.execute("""INSERT INTO credential (id, person_id, kind, achievement_key, sign_off_id, earned_at)
                  VALUES (?, ?, ?, ?, ?, ?)""", [credential_id, person_id, kind, key, sign_off_id, iso(now)])
    _sign(db, credential_id, person_id, kind, key, now, framework, library)


# ---------------------------------------------------------------- signing


def can_issue() -> bool:
    """A public address to name things by and a signing key that really is one."""
    try:
        return public.base_url() is not None and public.usable_signing_key() is not None
    except public.ConfigurationError:
        return False


def _sign(db: Database, credential_id: str, person_id: int, kind: str, key: str, now: datetime,
          framework: Framework, library: Library | None = None) -> bool:
    if not can_issue():
        return False
    addresses = public.addresses()
    achievement = credentials.achievement_for(kind, key, addresses, framework, library)
    if achievement is None:
        return False
    name = db.execute("SELECT display_name FROM person WHERE id = ?", [person_id]).fetchone()[0]
    # Each credential its own subject id: nobody can join two credentials, or a credential and the
    # person's xAPI pseudonym, except through the name the holder shows.
    subject = f"urn:uuid:{uuid.uuid4()}"
    try:
        document = badges.build_credential(
            credential_id=credential_id, issuer=credentials.issuer(addresses, public.issuer_name()),
            achievement=achievement, recipient_id=subject, recipient_name=name, valid_from=now, valid_until=None,
            revocation_list_url=addresses.revocations)
        token = badges.sign(document, public.load_signing_key(), addresses.key_id)
    except (ValueError, public.ConfigurationError):  # never undo the person's action over signing: it waits
        log.exception("credential %s could not be signed; it stays earned, waiting", credential_id)
        return False
    db.execute("UPDATE credential SET token = ?, issued_at = ? WHERE id = ?", [token, iso(now), credential_id])
    records.record(db, person_id, "credential_earned", now, credential_id=credential_id, achievement_id=achievement.id,
                   achievement_name=achievement.name)
    record(db, SYSTEM, "credential.issue", f"person:{person_id}", now, achievement=key)
    return True


def issue_waiting(db: Database, library: Library, now: datetime, person_id: int | None = None) -> int:
    """Sign every earned, unrevoked achievement that was never signed (of one person, when given); returns how
    many were signed. (Erasure deletes what was never signed, so no erased person's is among them.)"""
    if not can_issue():
        return 0
    signed = 0
    one = "AND person_id = ?" if person_id is not None else ""
    for row in list(db.query(f"""SELECT id, person_id, kind, achievement_key FROM credential
                                  WHERE token IS NULL AND revoked_at IS NULL AND issued_at IS NULL {one}
                                  ORDER BY earned_at""", [person_id] if person_id is not None else [])):
        with write(db):
            signed += _sign(db, row["id"], row["person_id"], row["kind"], row["achievement_key"], now,
                            library.framework, library)
    return signed
