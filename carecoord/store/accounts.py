"""Accounts: practices, people, memberships, sign-in tokens and the audit trail.

Functions that read or change personal data take the acting person and check permissions first.
`SYSTEM` acts for the command line and first-run set-up, where the operator already holds the
database file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal


from carecoord import auth, limits, permissions
from carecoord.clock import is_zone, iso, parse
from carecoord.db import Database, IntegrityError, placeholders, write
from carecoord.errors import FieldError
from carecoord.people import LEAD, ROLES, Membership, Person, Practice
from carecoord.permissions import PermissionDenied, require

SYSTEM = Person(id=0, username="system", display_name="System", is_admin=True)


class AccountError(FieldError):
    """Refused account requests; see `carecoord.errors.FieldError`."""


# ---------------------------------------------------------------- audit


def record(db: Database, actor: Person, action: str, subject: str, now: datetime, **detail) -> None:
    db.execute(
        "INSERT INTO audit (at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        [iso(now), actor.id or None, action, subject, json.dumps(detail, sort_keys=True) if detail else ""],
    )


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    subject: str
    detail: str
    subject_name: str | None = None  # the person or practice the subject names, while it exists


def audit_log(db: Database, actor: Person, limit: int = 200) -> list[AuditEntry]:
    require(permissions.may_read_audit(actor))
    # The subject ("person:12", "practice:3") is joined to its name through the id after the colon.
    rows = db.query(
        """SELECT latest.at, coalesce(who.display_name, 'System') AS actor, latest.action, latest.subject,
                  latest.detail, coalesce(about.display_name, place.name) AS subject_name
           FROM (SELECT * FROM audit ORDER BY id DESC LIMIT :limit) AS latest
           LEFT JOIN person AS who ON who.id = latest.actor_id
           LEFT JOIN person AS about ON about.id = CASE WHEN latest.subject LIKE 'person:%'
                                                        THEN CAST(substr(latest.subject, 8) AS BIGINT) END
           LEFT JOIN practice AS place ON place.id = CASE WHEN latest.subject LIKE 'practice:%'
                                                          THEN CAST(substr(latest.subject, 10) AS BIGINT) END
           ORDER BY latest.at DESC, latest.id DESC""",
        {"limit": limit},
    )
    return [AuditEntry(**{**row, "at": parse(row["at"])}) for row in rows]


# ---------------------------------------------------------------- reading people


def _person(db: Database, row: dict) -> Person:
    memberships = tuple(
        Membership(**{**m, "active": bool(m["active"]), "assessor": bool(m["assessor"])})
        for m in db.query(
            """SELECT membership.practice_id, practice.name AS practice_name, role, discipline, active,
                      membership.assessor, practice.timezone AS practice_timezone
               FROM membership JOIN practice ON practice.id = membership.practice_id
               WHERE person_id = ? ORDER BY practice.name, role""",
            [row["id"]],
        )
    )
    return Person(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        email=row["email"],
        is_admin=bool(row["is_admin"]),
        disabled=bool(row["disabled"]),
        must_change_password=bool(row["must_change_password"]),
        is_demo=bool(row["is_demo"]),
        started_on=date.fromisoformat(row["started_on"]) if row["started_on"] else None,
        memberships=memberships,
    )


def load_person(db: Database, person_id: int) -> Person | None:
    """The person as the database has them now (roles and disabled state are never cached)."""
    if not 0 < person_id <= limits.ID_MAX:  # SQLite raises OverflowError on a larger integer
        return None
    row = next(db.query("SELECT * FROM person WHERE id = ?", [person_id]), None)
    return _person(db, row) if row else None


def view_person(db: Database, actor: Person, person_id: int) -> Person:
    subject = load_person(db, person_id)
    if subject is None or not permissions.may_view_person(actor, subject):
        raise PermissionDenied("You do not have permission to see that person.")
    return subject


def person_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM person").fetchone()[0]


def only_demo_accounts(db: Database) -> bool:
    """True while every account is a demo account: the sign-in page may then list them."""
    counts = db.execute("SELECT count(*), coalesce(sum(is_demo), 0) FROM person").fetchone()
    return counts[0] > 0 and counts[0] == counts[1]


def demo_accounts(db: Database) -> list[dict]:
    """Demo usernames and roles for the sign-in page; empty once any real account exists."""
    if not only_demo_accounts(db):
        return []
    return list(
        db.query(
            """SELECT person.username, person.display_name,
                      CASE WHEN person.is_admin <> 0 THEN 'admin'
                           ELSE coalesce(group_concat(DISTINCT membership.role), '') END AS roles
               FROM person LEFT JOIN membership ON membership.person_id = person.id
               WHERE person.is_demo <> 0 AND person.disabled = 0
               GROUP BY person.id ORDER BY person.is_admin DESC, roles, person.display_name"""
        )
    )


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    username: str
    display_name: str
    email: str | None
    role: str
    discipline: str
    active: bool
    account_disabled: bool
    assessor: bool = False  # named an assessor through this membership (leads are without it)


def trainees_of(db: Database, practice_ids, actor: Person) -> list[Person]:
    """The active trainees of these practices other than the actor, by name: the people an observer may
    choose from. Only practices the actor observes for (leads, named assessors); callers narrow further."""
    practice_ids = sorted(practice_ids)
    require(set(practice_ids) <= actor.assessor_practice_ids(),
            "You can only see the trainees of a practice you lead or observe for.")
    if not practice_ids or actor.disabled:
        return []
    rows = db.execute(
        f"""SELECT DISTINCT person.id, person.display_name FROM membership
            JOIN person ON person.id = membership.person_id
            WHERE membership.practice_id IN ({placeholders(practice_ids)}) AND membership.role = 'trainee'
              AND membership.active <> 0 AND person.disabled = 0 AND person.id <> ?
            ORDER BY person.display_name""", [*practice_ids, actor.id]).fetchall()
    return [p for p in (load_person(db, r[0]) for r in rows) if p is not None]


def practice_members(db: Database, actor: Person, practice_id: int) -> list[MemberRow]:
    require(permissions.may_view_practice_people(actor, practice_id),
            "You can only see the people of a practice you lead.")
    rows = db.query(
        """SELECT person.id AS person_id, username, display_name, email, role, discipline,
                  active, disabled AS account_disabled, membership.assessor
           FROM membership JOIN person ON person.id = membership.person_id
           WHERE practice_id = :practice_id ORDER BY display_name, role""",
        {"practice_id": practice_id},
    )
    return [MemberRow(**{**r, "active": bool(r["active"]), "account_disabled": bool(r["account_disabled"]),
                         "assessor": bool(r["assessor"])})
            for r in rows]


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    display_name: str
    email: str | None
    is_admin: bool
    disabled: bool
    sign_in_delayed_until: datetime | None  # after wrong passwords (see auth.throttle_delay)
    practices: str


def all_accounts(db: Database, actor: Person) -> list[AccountRow]:
    require(permissions.may_administer_accounts(actor))
    rows = db.query(
        """SELECT person.id, username, display_name, email, is_admin, disabled,
                  (SELECT max(next_try_at) FROM sign_in_throttle WHERE person_id = person.id) AS sign_in_delayed_until,
                  coalesce(group_concat(practice.name || ' (' || membership.role || ')', ', '), '') AS practices
           FROM person
           LEFT JOIN membership ON membership.person_id = person.id
           LEFT JOIN practice ON practice.id = membership.practice_id
           GROUP BY person.id ORDER BY display_name"""
    )
    return [
        AccountRow(**{**r, "is_admin": bool(r["is_admin"]), "disabled": bool(r["disabled"]),
                      "sign_in_delayed_until": parse(r["sign_in_delayed_until"])})
        for r in rows
    ]


# ---------------------------------------------------------------- practices


def _practice(row: dict) -> Practice:
    return Practice(**{**row, "is_demo": bool(row["is_demo"])})


def practices_for(db: Database, actor: Person) -> list[Practice]:
    """Practices the actor may manage people in: all for an administrator, led ones for a lead."""
    rows = db.query("SELECT id, name, setting, timezone, is_demo FROM practice ORDER BY name")
    return [p for p in map(_practice, rows) if permissions.may_view_practice_people(actor, p.id)]


def get_practice(db: Database, practice_id: int) -> Practice | None:
    row = next(db.query("SELECT id, name, setting, timezone, is_demo FROM practice WHERE id = ?",
                        [practice_id]), None)
    return _practice(row) if row else None


def create_practice(db: Database, actor: Person, name: str, now: datetime, *, setting: str = "",
                    timezone: str = "UTC", is_demo: bool = False) -> int:
    require(permissions.may_manage_practices(actor))
    name = limits.bounded(name.strip(), "name", limits.PRACTICE_NAME_MAX, what="the practice's name",
                          error=AccountError)
    if not name:
        raise AccountError("Give the practice a name.", "name")
    setting = limits.bounded(setting.strip(), "setting", limits.PRACTICE_SETTING_MAX, what="the setting",
                             error=AccountError)
    _check_timezone(timezone)
    if not is_zone(timezone):
        raise AccountError(f"{timezone!r} is not a time zone name; use one like Europe/London or America/Chicago.",
                           "timezone")
    with write(db):
        try:
            cursor = db.execute(
                "INSERT INTO practice (name, setting, timezone, is_demo, created_at) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id",
                [name, setting, timezone, int(is_demo), iso(now)],
            )
        except IntegrityError:
            raise AccountError(f"A practice called {name!r} already exists.", "name") from None
        practice_id = cursor.fetchone()[0]
        record(db, actor, "practice.create", f"practice:{practice_id}", now, name=name)
        return practice_id


def _check_timezone(timezone: str) -> None:
    """A zone name no longer than any real one (the refusal below would repeat what was typed)."""
    limits.bounded(timezone, "timezone", limits.TIMEZONE_MAX, what="the time zone name", error=AccountError)


def set_practice_timezone(db: Database, actor: Person, practice_id: int, timezone: str, now: datetime) -> None:
    require(permissions.may_manage_practices(actor), "Only an administrator changes practice settings.")
    _check_timezone(timezone)
    if not is_zone(timezone):
        raise AccountError(f"{timezone!r} is not a time zone name; use one like Europe/London or America/Chicago.",
                           "timezone")
    with write(db):
        db.execute("UPDATE practice SET timezone = ? WHERE id = ?", [timezone, practice_id])
        record(db, actor, "practice.timezone", f"practice:{practice_id}", now, timezone=timezone)


# ---------------------------------------------------------------- the demo after go-live

# Demo accounts sign in only while no real administrator exists, or while a real administrator
# keeps the demo on; a demo administrator never does once a real one exists.
# Flags are 0/1 integers on both backends, compared explicitly (PostgreSQL takes no integer as a condition).
_REAL_ADMIN_EXISTS = ("EXISTS (SELECT 1 FROM person AS real "
                      "WHERE real.is_admin <> 0 AND real.is_demo = 0 AND real.disabled = 0)")
_MAY_SIGN_IN = f"""person.disabled = 0 AND (person.is_demo = 0 OR NOT {_REAL_ADMIN_EXISTS}
    OR (person.is_admin = 0 AND EXISTS (SELECT 1 FROM setting WHERE key = 'demo_kept_on' AND value = '1')))"""


def demo_loaded(db: Database) -> bool:
    """Whether the demo practice is there (loaded and not yet removed)."""
    return bool(db.execute("SELECT EXISTS (SELECT 1 FROM practice WHERE is_demo <> 0)").fetchone()[0])


DemoState = Literal["none", "only_demo", "kept_on", "off"]


def demo_state(db: Database) -> DemoState:
    """Where the demo stands: absent; the only accounts there are; kept on by a real administrator
    (demo people can still sign in, so every page says so); or off (demo accounts cannot sign in)."""
    row = db.execute(
        f"""SELECT coalesce(sum(is_demo), 0), count(*), {_REAL_ADMIN_EXISTS},
                   EXISTS (SELECT 1 FROM setting WHERE key = 'demo_kept_on' AND value = '1')
            FROM person"""
    ).fetchone()
    demo_people, everyone, real_admin, kept_on = row
    if not demo_people:
        return "none"
    if demo_people == everyone or not real_admin:
        return "only_demo"
    return "kept_on" if kept_on else "off"


def keep_demo_on(db: Database, actor: Person, on: bool, now: datetime) -> None:
    """A real administrator lets demo trainees, leads and faculty go on signing in (or stops them)."""
    require(permissions.may_manage_practices(actor) and not actor.is_demo,
            "Only a real administrator can keep the demo accounts on.")
    with write(db):
        db.execute(
            """INSERT INTO setting (key, value, changed_at, changed_by) VALUES ('demo_kept_on', ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET value = excluded.value, changed_at = excluded.changed_at,
                   changed_by = excluded.changed_by""",
            ["1" if on else "0", iso(now), actor.id or None],
        )
        if not on:
            _revoke_demo_sign_ins(db, now, administrators_only=False)
        record(db, actor, "demo.keep_on" if on else "demo.switch_off", "demo", now)


def _retire_demo_administrators(db: Database, actor: Person, now: datetime) -> None:
    """Once a real administrator exists, the demo administrator (published password) is disabled."""
    retired = [row[0] for row in db.execute("SELECT id FROM person WHERE is_demo <> 0 AND is_admin <> 0 AND disabled = 0")]
    if not retired:
        return
    db.execute("UPDATE person SET disabled = 1 WHERE is_demo <> 0 AND is_admin <> 0")
    _revoke_demo_sign_ins(db, now, administrators_only=True)
    for person_id in retired:
        record(db, actor, "person.disable", f"person:{person_id}", now, reason="a real administrator exists")


def _revoke_demo_sign_ins(db: Database, now: datetime, *, administrators_only: bool) -> None:
    db.execute(
        f"""UPDATE sign_in SET revoked_at = ? WHERE revoked_at IS NULL AND person_id IN
                (SELECT id FROM person WHERE is_demo <> 0 {'AND is_admin <> 0' if administrators_only else ''})""",
        [iso(now)],
    )


def remove_demo(db: Database, actor: Person, now: datetime) -> int:
    """Delete the demo practices and every demo account; returns how many accounts went."""
    require(permissions.may_manage_practices(actor) and not actor.is_demo,
            "Only a real administrator can remove the demo.")
    with write(db):
        removed = db.execute("DELETE FROM person WHERE is_demo <> 0").rowcount
        db.execute("DELETE FROM practice WHERE is_demo <> 0")
        record(db, actor, "demo.remove", "demo", now, accounts=removed)
    return removed


# ---------------------------------------------------------------- people


def _check_username(username: str) -> str:
    username = username.strip()
    if not (3 <= len(username) <= limits.USERNAME_MAX) or not all(c.isalnum() or c in "._-@" for c in username):
        raise AccountError(f"Use 3 to {limits.USERNAME_MAX} letters, digits, dots, dashes or underscores.",
                           "username")
    return username


def _check_display_name(display_name: str) -> str:
    display_name = limits.bounded(display_name.strip(), "display_name", limits.DISPLAY_NAME_MAX, what="the name",
                                  error=AccountError)
    if not display_name:
        raise AccountError("Give the person's name as colleagues know it.", "display_name")
    return display_name


def _check_email(email: str | None) -> str | None:
    email = limits.bounded((email or "").strip(), "email", limits.EMAIL_MAX, what="the e-mail address",
                           error=AccountError) or None
    if email is not None and "@" not in email:
        raise AccountError("That does not look like an e-mail address.", "email")
    return email


def _check_discipline(discipline: str) -> str:
    return limits.bounded(discipline, "discipline", limits.DISCIPLINE_MAX, what="the discipline", error=AccountError)


def _check_password(password: str) -> None:
    if (problem := auth.password_problem(password)) is not None:
        raise AccountError(problem, "password")


def create_person(db: Database, actor: Person, *, username: str, display_name: str, password: str,
                  now: datetime, email: str | None = None, is_admin: bool = False,
                  must_change_password: bool = False, is_demo: bool = False,
                  started_on: date | None = None, password_hash: str | None = None) -> int:
    """Create an account without a practice role: administrators only (and SYSTEM, for the command
    line and first-run set-up). A lead adds people with `add_person_to_practice`, which gives the new
    account its role in the lead's practice in the same transaction."""
    require(permissions.may_administer_accounts(actor), "Only an administrator creates accounts outside a practice.")
    return _insert_person(db, actor, username=username, display_name=display_name, password=password, now=now,
                          email=email, is_admin=is_admin, must_change_password=must_change_password,
                          is_demo=is_demo, started_on=started_on, password_hash=password_hash)


def _insert_person(db: Database, actor: Person, *, username: str, display_name: str, password: str,
                   now: datetime, email: str | None = None, is_admin: bool = False,
                   must_change_password: bool = False, is_demo: bool = False,
                   started_on: date | None = None, password_hash: str | None = None) -> int:
    """The account itself, every field checked before anything is written; the caller has checked who may."""
    username = _check_username(username)
    display_name = _check_display_name(display_name)
    email = _check_email(email)
    if password_hash is None:
        _check_password(password)
        password_hash = auth.hash_password(password)
    with write(db):
        try:
            cursor = db.execute(
                """INSERT INTO person (username, display_name, email, password_hash, is_admin,
                       must_change_password, is_demo, started_on, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [username, display_name, email, password_hash, int(is_admin), int(must_change_password),
                 int(is_demo), started_on.isoformat() if started_on else None, iso(now)],
            )
        except IntegrityError as error:
            field = "email" if "email" in str(error) else "username"
            raise AccountError(f"That {field.replace('_', ' ')} is already in use.", field) from None
        person_id = cursor.fetchone()[0]
        record(db, actor, "person.create", f"person:{person_id}", now,
               username=username, is_admin=is_admin)
        if is_admin and not is_demo:
            _retire_demo_administrators(db, actor, now)
        return person_id


def add_membership(db: Database, actor: Person, person_id: int, practice_id: int, role: str,
                   now: datetime, *, discipline: str = "") -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.", "role")
    require(permissions.may_add_member(actor, practice_id, role),
            "You may not give that role in that practice.")
    discipline = _check_discipline(discipline)
    with write(db):
        try:
            db.execute(
                """INSERT INTO membership (person_id, practice_id, role, discipline, created_at)
                   VALUES (?, ?, ?, ?, ?)""",
                [person_id, practice_id, role, discipline, iso(now)],
            )
        except IntegrityError:
            raise AccountError("That person already has that role in that practice.", "role") from None
        record(db, actor, "membership.add", f"person:{person_id}", now,
               practice_id=practice_id, role=role, discipline=discipline)


def add_person_to_practice(db: Database, actor: Person, practice_id: int, role: str, now: datetime, *,
                           username: str, display_name: str, password: str, email: str | None = None,
                           discipline: str = "", started_on: date | None = None) -> int:
    """A new account with a role in one practice, in one transaction; must change password first.

    The only way a lead creates an account: it cannot exist without its role in the lead's practice.
    """
    require(permissions.may_add_member(actor, practice_id, role),
            "You may not give that role in that practice.")
    _check_discipline(discipline)
    with write(db):
        person_id = _insert_person(db, actor, username=username, display_name=display_name,
                                   password=password, email=email, now=now,
                                   must_change_password=True, started_on=started_on)
        add_membership(db, actor, person_id, practice_id, role, now, discipline=discipline)
    return person_id


def set_membership_active(db: Database, actor: Person, person_id: int, practice_id: int, role: str,
                          active: bool, now: datetime) -> None:
    subject = load_person(db, person_id)
    if subject is None:
        raise AccountError("No such person.")
    require(permissions.may_change_membership(actor, subject, practice_id, role),
            "You may not change that person's role in that practice.")
    with write(db):
        db.execute(
            # Set by hand now, so a later organisation sign-in never changes it (carecoord.store.identity).
            "UPDATE membership SET active = ?, from_idp = 0 WHERE person_id = ? AND practice_id = ? AND role = ?",
            [int(active), person_id, practice_id, role],
        )
        record(db, actor, "membership.activate" if active else "membership.deactivate",
               f"person:{person_id}", now, practice_id=practice_id, role=role)


def set_assessor(db: Database, actor: Person, person_id: int, practice_id: int, role: str, assessor: bool,
                 now: datetime) -> None:
    """Name (or stop naming) someone an assessor through one of their memberships of the practice.

    Leads are assessors already; a trainee (a senior coordinator), a family faculty member or a team
    member (a nurse, social worker, physician) can be made one by the practice's lead or an administrator.
    """
    subject = load_person(db, person_id)
    if subject is None:
        raise AccountError("No such person.")
    require(permissions.may_name_assessors(actor, practice_id) and actor.id != person_id,
            "Only the practice's leads and administrators name assessors, and not themselves.")
    if role == LEAD:
        raise AccountError("Leads are assessors already.", "role")
    with write(db):
        changed = db.execute(
            "UPDATE membership SET assessor = ? WHERE person_id = ? AND practice_id = ? AND role = ? AND active <> 0",
            [int(assessor), person_id, practice_id, role]).rowcount
        if not changed:
            raise AccountError("That person has no active role of that kind in that practice.", "role")
        record(db, actor, "assessor.name" if assessor else "assessor.unname", f"person:{person_id}", now,
               practice_id=practice_id, role=role)


def set_disabled(db: Database, actor: Person, person_id: int, disabled: bool, now: datetime) -> None:
    """Disable (or re-enable) an account everywhere; disabling signs it out of every browser."""
    require(permissions.may_administer_accounts(actor) and actor.id != person_id,
            "Only an administrator can disable accounts, and not their own.")
    with write(db):
        db.execute("UPDATE person SET disabled = ? WHERE id = ?", [int(disabled), person_id])
        if disabled:
            _revoke_all(db, person_id, now)
        record(db, actor, "person.disable" if disabled else "person.enable", f"person:{person_id}", now)


def set_admin(db: Database, actor: Person, person_id: int, is_admin: bool, now: datetime) -> None:
    require(permissions.may_administer_accounts(actor) and actor.id != person_id,
            "Only another administrator can change someone's administrator rights.")
    with write(db):
        db.execute("UPDATE person SET is_admin = ? WHERE id = ?", [int(is_admin), person_id])
        if is_admin and not db.execute("SELECT is_demo FROM person WHERE id = ?", [person_id]).fetchone()[0]:
            _retire_demo_administrators(db, actor, now)
        record(db, actor, "person.admin_grant" if is_admin else "person.admin_revoke",
               f"person:{person_id}", now)


def reset_password(db: Database, actor: Person, person_id: int, new_password: str, now: datetime) -> None:
    """An administrator sets a temporary password; the person must change it at next sign-in."""
    require(permissions.may_administer_accounts(actor), "Only an administrator can reset passwords.")
    _check_password(new_password)
    with write(db):
        db.execute(
            "UPDATE person SET password_hash = ?, must_change_password = 1 WHERE id = ?",
            [auth.hash_password(new_password), person_id],
        )
        db.execute("DELETE FROM sign_in_throttle WHERE person_id = ?", [person_id])
        _revoke_all(db, person_id, now)
        record(db, actor, "person.password_reset", f"person:{person_id}", now)


def change_password(db: Database, person: Person, current: str, new: str, now: datetime, *,
                    keep_token: str | None = None) -> None:
    """A person changes their own password; every other browser is signed out."""
    row = next(db.query("SELECT password_hash FROM person WHERE id = ?", [person.id]))
    if not auth.verify_password(row["password_hash"], current):
        raise AccountError("Your current password is not right.", "current")
    if new == current:
        raise AccountError("Choose a password different from the current one.", "new")
    _check_password(new)
    with write(db):
        db.execute("UPDATE person SET password_hash = ?, must_change_password = 0 WHERE id = ?",
                   [auth.hash_password(new), person.id])
        _revoke_all(db, person.id, now, except_token=keep_token)
        record(db, person, "person.password_change", f"person:{person.id}", now)


# ---------------------------------------------------------------- signing in


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt tells the person. Unknown usernames, wrong passwords, disabled and
    switched-off demo accounts all answer "wrong", after the same work, so none can be told apart."""

    outcome: Literal["ok", "wrong", "wait"]
    person: Person | None = None
    token: str | None = None
    retry_at: datetime | None = None  # with "wait": when the next try will be looked at


def _throttle_keys(username: str, client: str | None) -> list[str]:
    # The typed name is hashed: an attacker's megabyte or made-up names are stored at a fixed size.
    keys = ["user:" + hashlib.sha256(username.strip().casefold().encode()).hexdigest()]
    if client:
        keys.append("client:" + client)
    return keys


def _retry_at(db: Database, keys: list[str], now: datetime) -> datetime | None:
    rows = db.execute(f"SELECT next_try_at FROM sign_in_throttle WHERE key IN ({placeholders(keys)})",
                      keys).fetchall()
    waits = [moment for (value,) in rows if (moment := parse(value)) is not None and moment > now]
    return max(waits, default=None)


THROTTLE_SCOPE = "sign-in throttle"


def _count_failure(db: Database, keys: list[str], person_id: int | None, now: datetime) -> None:
    for key in keys:
        row = db.execute("SELECT failures, last_failure_at FROM sign_in_throttle WHERE key = ?", [key]).fetchone()
        failures = auth.failures_so_far(row[0], parse(row[1]), now) + 1 if row else 1
        if key.startswith("client:"):
            delay = auth.throttle_delay(failures, free=auth.CLIENT_FREE_FAILURES, cap=auth.CLIENT_MAX_DELAY)
        else:
            delay = auth.throttle_delay(failures)
        db.execute(
            """INSERT INTO sign_in_throttle (key, person_id, failures, last_failure_at, next_try_at)
               VALUES (:key, :person_id, :failures, :now, :next)
               ON CONFLICT (key) DO UPDATE SET person_id = excluded.person_id, failures = excluded.failures,
                   last_failure_at = excluded.last_failure_at, next_try_at = excluded.next_try_at""",
            {"key": key, "person_id": person_id if key.startswith("user:") else None, "failures": failures,
             "now": iso(now), "next": iso(now + delay) if delay else None},
        )
        if failures == auth.FREE_FAILURES and key.startswith("user:") and person_id:
            record(db, SYSTEM, "person.sign_in_throttled", f"person:{person_id}", now)


def sign_in_with_password(db: Database, username: str, password: str, now: datetime, *,
                          client: str | None = None) -> SignIn:
    """Check a password and, when right, issue a browser token.

    The password is verified outside any transaction (argon2 takes tens of milliseconds, and a
    flood of wrong passwords must not hold the write lock); only the counters and the token are
    written. Every path verifies exactly one hash, so answers take the same time. `client` is the
    browser's address, given only when a trusted proxy vouches for it.
    """
    keys = _throttle_keys(username, client)
    if (retry_at := _retry_at(db, keys, now)) is not None:
        auth.verify_password(None, password)  # the same work as any other answer
        return SignIn("wait", retry_at=retry_at)
    row = None
    if len(username) <= 254:
        row = db.execute(f"SELECT person.id, person.password_hash, {_MAY_SIGN_IN} AS may_sign_in"
                         " FROM person WHERE username = ?", [username.strip()]).fetchone()
    right = auth.verify_password(row[1] if row else None, password)
    if not (right and row[2]):
        # Counting a failure touches only the throttle's rows: on PostgreSQL it waits for other
        # failures, never for everyone's saves.
        with write(db, scope=THROTTLE_SCOPE):
            _count_failure(db, keys, row[0] if row else None, now)
        return SignIn("wrong")
    with write(db):
        # The hash is read again under the lock: a reset between the check and now wins.
        current = db.execute(f"SELECT password_hash, {_MAY_SIGN_IN} FROM person WHERE id = ?",
                             [row[0]]).fetchone()
        if not (current and current[0] == row[1] and current[1]):
            _count_failure(db, keys, row[0] if row else None, now)
            return SignIn("wrong")
        db.execute("DELETE FROM sign_in_throttle WHERE key = ?", [keys[0]])
        token = issue_token(db, row[0], now)
        return SignIn("ok", person=load_person(db, row[0]), token=token)


def sign_in_delayed_until(db: Database, actor: Person, person_id: int, now: datetime) -> datetime | None:
    """When this person's sign-in throttle lets the next try through (None: no wait)."""
    require(permissions.may_administer_accounts(actor))
    row = db.execute("SELECT max(next_try_at) FROM sign_in_throttle WHERE person_id = ?", [person_id]).fetchone()
    moment = parse(row[0]) if row and row[0] else None
    return moment if moment and moment > now else None


def clear_sign_in_delay(db: Database, actor: Person, person_id: int, now: datetime) -> None:
    """An administrator lets a person try again at once (after wrong passwords, theirs or an attacker's)."""
    require(permissions.may_administer_accounts(actor), "Only an administrator can clear a sign-in delay.")
    with write(db):
        db.execute("DELETE FROM sign_in_throttle WHERE person_id = ?", [person_id])
        record(db, actor, "person.sign_in_delay_cleared", f"person:{person_id}", now)


def issue_token(db: Database, person_id: int, now: datetime, method: str = "password") -> str:
    token = auth.new_token()
    with write(db):
        db.execute(
            "INSERT INTO sign_in (person_id, token_hash, method, created_at, expires_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [person_id, auth.token_hash(token), method, iso(now), iso(auth.token_expiry(now)), iso(now)],
        )
    return token


def person_for_token(db: Database, token: str | None, now: datetime) -> Person | None:
    """Who this browser token signs in, read fresh: None when expired, revoked or disabled."""
    if not token:
        return None
    row = next(
        db.query(
            """SELECT person.* FROM sign_in JOIN person ON person.id = sign_in.person_id
               WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ? AND """ + _MAY_SIGN_IN,
            [auth.token_hash(token), iso(now)],
        ),
        None,
    )
    return _person(db, row) if row else None


def idle_for(db: Database, token: str, now: datetime) -> float:
    """Seconds since this browser sign-in was last used (0 when unknown)."""
    row = db.execute("SELECT last_seen_at FROM sign_in WHERE token_hash = ?", [auth.token_hash(token)]).fetchone()
    last = parse(row[0]) if row and row[0] else None
    return (now - last).total_seconds() if last else 0.0


def touch(db: Database, token: str, now: datetime) -> None:
    """Note that the browser was used now (written at most once a minute, to spare the database)."""
    with write(db):
        db.execute("UPDATE sign_in SET last_seen_at = ? WHERE token_hash = ? "
                   "AND (last_seen_at IS NULL OR last_seen_at < ?)",
                   [iso(now), auth.token_hash(token), iso(now - timedelta(seconds=60))])


SIGN_IN_RECORDS_KEPT = timedelta(days=90)


def purge_old_sign_ins(db: Database, now: datetime, kept: timedelta = SIGN_IN_RECORDS_KEPT) -> int:
    """Delete records of sign-ins that expired or were revoked more than `kept` ago."""
    cutoff = iso(now - kept)
    with write(db):
        return db.execute("DELETE FROM sign_in WHERE expires_at < :cutoff OR revoked_at < :cutoff",
                          {"cutoff": cutoff}).rowcount


def sign_out(db: Database, token: str, now: datetime) -> None:
    with write(db):
        db.execute("UPDATE sign_in SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                   [iso(now), auth.token_hash(token)])


def sign_out_everywhere(db: Database, person: Person, now: datetime) -> int:
    with write(db):
        count = _revoke_all(db, person.id, now)
        record(db, person, "person.sign_out_everywhere", f"person:{person.id}", now, sessions=count)
    return count


def _revoke_all(db: Database, person_id: int, now: datetime, except_token: str | None = None) -> int:
    keep = auth.token_hash(except_token) if except_token else ""
    # Also ends organisation sign-ins: the identity provider's session outlives our tokens.
    db.execute("UPDATE person SET signed_out_at = ? WHERE id = ?", [iso(now), person_id])
    return db.execute(
        "UPDATE sign_in SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL AND token_hash != ?",
        [iso(now), person_id, keep],
    ).rowcount


def person_for_organisation_sign_in(db: Database, email: str, signed_in_at: datetime | None) -> Person | None:
    """The account an identity provider's verified e-mail belongs to (case-insensitive), when it may
    sign in: not disabled, not a switched-off demo account, and not signed out everywhere (or reset,
    or disabled) since the provider signed the person in at `signed_in_at`."""
    row = next(db.query(f"SELECT person.* FROM person WHERE email = ? AND {_MAY_SIGN_IN}",
                        [email.strip()]), None)
    if row is None:
        return None
    signed_out_at = parse(row["signed_out_at"])
    if signed_out_at is not None and (signed_in_at is None or signed_in_at <= signed_out_at):
        return None
    return _person(db, row)
