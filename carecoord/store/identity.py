"""Roles from the organisation's identity provider: the mappings administrators keep, and what a
sign-in with the provider changes.

A role a mapping granted is marked `membership.from_idp`; when the provider stops sending the claim
that granted it, the next sign-in takes it away. Roles an administrator or lead set by hand are never
touched, even when a mapping would grant the same. Every change is audited as the system's.
"""

from __future__ import annotations

import re
from datetime import datetime

from carecoord import identity, limits, permissions
from carecoord.clock import iso
from carecoord.db import Database, IntegrityError, write
from carecoord.identity import RoleMapping
from carecoord.people import ROLE_LABELS, ROLES, Person
from carecoord.permissions import require
from carecoord.store.accounts import SYSTEM, AccountError, _insert_person, record

NOT_A_PASSWORD = "!idp"  # no password can match it: the account signs in through the provider only
CLAIM_NAME = re.compile(r"^[A-Za-z0-9_.:/-]{1,100}$")


def mappings(db: Database, actor: Person) -> list[RoleMapping]:
    require(permissions.may_administer_accounts(actor), "Only an administrator sees identity-provider mappings.")
    return _mappings(db)


def _mappings(db: Database) -> list[RoleMapping]:
    return [RoleMapping(r["id"], r["claim"], r["value"], r["practice_id"], r["role"], bool(r["creates_people"]))
            for r in db.query("SELECT * FROM idp_mapping ORDER BY claim, value, practice_id, role")]


def add_mapping(db: Database, actor: Person, *, claim: str, value: str, practice_id: int, role: str,
                creates_people: bool, now: datetime) -> int:
    require(permissions.may_administer_accounts(actor), "Only an administrator maps identity-provider groups.")
    claim = claim.strip()
    if claim not in identity.claim_names():
        raise AccountError(f"Use one of the claims this installation reads: {', '.join(identity.claim_names())} "
                           f"(set {identity.CLAIMS} to read others).", "claim")
    if not CLAIM_NAME.match(claim):
        raise AccountError("A claim name is letters, digits and . _ : / - only.", "claim")
    value = limits.bounded(value.strip(), "value", 200, what="the value", error=AccountError)
    if not value:
        raise AccountError("Give the group or value exactly as the provider sends it.", "value")
    if role not in ROLES:
        raise AccountError("Choose a role from the list.", "role")
    with write(db):
        if db.execute("SELECT 1 FROM practice WHERE id = ?", [practice_id]).fetchone() is None:
            raise AccountError("Choose a practice from the list.", "practice")
        try:
            mapping_id = db.execute(
                """INSERT INTO idp_mapping (claim, value, practice_id, role, creates_people, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [claim, value, practice_id, role, int(creates_people), actor.id or None, iso(now)]).fetchone()[0]
        except IntegrityError:
            raise AccountError("That mapping exists already.", "value") from None
        record(db, actor, "idp_mapping.add", f"practice:{practice_id}", now, claim=claim, value=value, role=role,
               creates_people=creates_people)
    return mapping_id


def remove_mapping(db: Database, actor: Person, mapping_id: int, now: datetime) -> None:
    """Remove a mapping; the roles it granted go at each person's next sign-in with the provider."""
    require(permissions.may_administer_accounts(actor), "Only an administrator maps identity-provider groups.")
    with write(db):
        row = db.execute("SELECT claim, value, practice_id, role FROM idp_mapping WHERE id = ?",
                         [mapping_id]).fetchone()
        if row is None:
            raise AccountError("That mapping was already removed.")
        db.execute("DELETE FROM idp_mapping WHERE id = ?", [mapping_id])
        record(db, actor, "idp_mapping.remove", f"practice:{row[2]}", now, claim=row[0], value=row[1], role=row[3])


def apply_sign_in(db: Database, email: str, display_name: str, claims: dict[str, object], now: datetime) -> int | None:
    """Bring the account of a verified organisation sign-in in line with the provider's claims.

    Creates the account when none has this e-mail and a matching mapping allows it; grants the mapped
    roles; takes away roles a mapping granted that the claims no longer carry. Returns the person's id,
    or None when there is no account and none may be made. The caller still decides whether the account
    may sign in (disabled, signed out everywhere).
    """
    values = identity.claim_values(claims, identity.claim_names())
    with write(db):
        all_mappings = _mappings(db)
        row = db.execute("SELECT id FROM person WHERE email = ?", [email.strip()]).fetchone()
        if row is None:
            if not identity.may_create(all_mappings, values):
                return None
            person_id = _insert_person(db, SYSTEM, username=_free_username(db, email), password="",
                                       password_hash=NOT_A_PASSWORD, email=email.strip(),
                                       display_name=_name(display_name, email), now=now)
            record(db, SYSTEM, "person.create_from_idp", f"person:{person_id}", now)
        else:
            person_id = row[0]
        _align_roles(db, person_id, identity.granted(all_mappings, values), now)
    return person_id


def _align_roles(db: Database, person_id: int, wanted: set[tuple[int, str]], now: datetime) -> None:
    held = {(r["practice_id"], r["role"]): r for r in db.query(
        "SELECT id, practice_id, role, active, from_idp FROM membership WHERE person_id = ?", [person_id])}
    for practice_id, role in sorted(wanted):
        current = held.get((practice_id, role))
        if current is None:
            db.execute("""INSERT INTO membership (person_id, practice_id, role, created_at, from_idp)
                          VALUES (?, ?, ?, ?, 1)""", [person_id, practice_id, role, iso(now)])
        elif current["from_idp"] and not current["active"]:
            db.execute("UPDATE membership SET active = 1 WHERE id = ?", [current["id"]])
        else:
            continue  # held already, or set by hand: never touched
        record(db, SYSTEM, "membership.grant_from_idp", f"person:{person_id}", now, practice_id=practice_id,
               role=role)
    for (practice_id, role), current in sorted(held.items()):
        if current["from_idp"] and current["active"] and (practice_id, role) not in wanted:
            db.execute("UPDATE membership SET active = 0 WHERE id = ?", [current["id"]])
            record(db, SYSTEM, "membership.remove_from_idp", f"person:{person_id}", now, practice_id=practice_id,
                   role=role)


def _name(display_name: str, email: str) -> str:
    name = " ".join("".join(c if c.isprintable() else " " for c in display_name).split())[:limits.DISPLAY_NAME_MAX]
    return name or email.split("@", 1)[0][:limits.DISPLAY_NAME_MAX] or "New colleague"


def _free_username(db: Database, email: str) -> str:
    stem = "".join(c for c in email.split("@", 1)[0].lower() if c.isalnum() or c in "._-")[:40] or "person"
    stem = stem if len(stem) >= 3 else f"{stem}-idp"
    candidate, n = stem, 1
    while db.execute("SELECT 1 FROM person WHERE username = ?", [candidate]).fetchone() is not None:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


ROLE_CHOICES = {role: ROLE_LABELS[role] for role in ROLES}
