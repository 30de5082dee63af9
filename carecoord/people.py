"""People, practices and roles as plain immutable models."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict

TRAINEE = "trainee"
LEAD = "lead"
FAMILY_FACULTY = "family_faculty"
TEAM_MEMBER = "team_member"  # answers practice surveys only
ADMIN = "admin"  # global, not a membership role
# Not a membership role either: a lead, or anyone whose membership is marked as an assessor's, observes
# trainees of that practice (carecoord.permissions.may_record_observation).
ASSESSOR = "assessor"

ROLES = (TRAINEE, LEAD, FAMILY_FACULTY, TEAM_MEMBER)
ROLE_LABELS = {
    TRAINEE: "Care coordinator (trainee)",
    LEAD: "Practice lead",
    FAMILY_FACULTY: "Family faculty",
    TEAM_MEMBER: "Team member (surveys only)",
    ADMIN: "Administrator",
    ASSESSOR: "Assessor",
}
# Who a lead may add to their own practice; only an administrator makes leads.
ROLES_A_LEAD_MAY_ADD = (TRAINEE, FAMILY_FACULTY, TEAM_MEMBER)

DISCIPLINES = (
    "care coordinator",
    "nurse",
    "primary care clinician",
    "specialist",
    "social worker",
    "therapist",
    "school or early-intervention liaison",
    "family partner",
    "administrator",
    "other",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Practice(_Frozen):
    id: int
    name: str
    setting: str = ""
    timezone: str = "UTC"
    is_demo: bool = False


class Membership(_Frozen):
    practice_id: int
    practice_name: str
    role: str
    discipline: str = ""
    active: bool = True
    assessor: bool = False  # named an assessor of the practice's trainees (leads are without it)
    practice_timezone: str = "UTC"  # for showing dates and counting days in that practice


class Person(_Frozen):
    id: int
    username: str
    display_name: str
    email: str | None = None
    is_admin: bool = False
    disabled: bool = False
    must_change_password: bool = False
    is_demo: bool = False
    started_on: date | None = None
    memberships: tuple[Membership, ...] = ()

    @property
    def roles(self) -> frozenset[str]:
        """Every role this person holds anywhere (active memberships), plus admin."""
        held = {m.role for m in self.memberships if m.active}
        if self.is_admin:
            held.add(ADMIN)
        if self.assessor_practice_ids():
            held.add(ASSESSOR)
        return frozenset(held)

    def assessor_practice_ids(self) -> frozenset[int]:
        """Practices whose trainees this person observes: those they lead or are named an assessor of."""
        return frozenset(m.practice_id for m in self.memberships
                         if m.active and (m.role == LEAD or m.assessor))

    def has_role(self, role: str, practice_id: int | None = None) -> bool:
        if role == ADMIN:
            return self.is_admin
        if role == ASSESSOR:
            return bool(self.assessor_practice_ids()) if practice_id is None \
                else practice_id in self.assessor_practice_ids()
        return any(
            m.active and m.role == role and (practice_id is None or m.practice_id == practice_id)
            for m in self.memberships
        )

    def practice_ids(self, role: str | None = None) -> frozenset[int]:
        return frozenset(
            m.practice_id for m in self.memberships if m.active and (role is None or m.role == role)
        )


def role_labels(text: str) -> str:
    """A stored list "Elm Street (trainee), Oak (lead)" with each role as its label:
    "Elm Street – Care coordinator (trainee), Oak – Practice lead"."""
    codes = "|".join(map(re.escape, ROLE_LABELS))
    return re.sub(rf" \(({codes})\)(?=, |$)", lambda m: f" – {ROLE_LABELS[m.group(1)]}", text)
