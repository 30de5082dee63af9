"""Every "may this person see or change that" question, answered in one place.

Store functions that return or change personal data call `require` with the acting person
before they touch the database, so a hidden page is never the only guard.
"""

from __future__ import annotations

from carecoord.people import LEAD, ROLES, ROLES_A_LEAD_MAY_ADD, TRAINEE, Person
from carecoord.people import FAMILY_FACULTY
from carecoord.stories import DRAFT, REVIEWERS_READ


class PermissionDenied(Exception):
    """The acting person may not do this; the message is safe to show them."""


def may_manage_practices(actor: Person) -> bool:
    return actor.is_admin and not actor.disabled


def may_view_practice_people(actor: Person, practice_id: int) -> bool:
    return not actor.disabled and (actor.is_admin or actor.has_role(LEAD, practice_id))


def may_add_member(actor: Person, practice_id: int, role: str) -> bool:
    """Administrators give any role; a lead adds trainees and family faculty to their own practice."""
    if actor.disabled or role not in ROLES:
        return False
    if actor.is_admin:
        return True
    return actor.has_role(LEAD, practice_id) and role in ROLES_A_LEAD_MAY_ADD


def may_change_membership(actor: Person, subject: Person, practice_id: int, role: str) -> bool:
    """Deactivate or reactivate someone's role in a practice (never one's own)."""
    return actor.id != subject.id and may_add_member(actor, practice_id, role)


def may_view_person(actor: Person, subject: Person) -> bool:
    """Oneself, an administrator, or a lead of a practice the subject belongs to."""
    if actor.disabled:
        return False
    if actor.id == subject.id or actor.is_admin:
        return True
    return bool(actor.practice_ids(LEAD) & subject.practice_ids())


def may_self_assess(actor: Person) -> bool:
    """Trainees and leads rate themselves against the framework."""
    return not actor.disabled and bool({TRAINEE, LEAD} & actor.roles)


def may_observe(actor: Person, subject: Person) -> bool:
    """A lead rates trainees of a practice they lead; nobody rates themselves as an observer."""
    if actor.disabled or actor.id == subject.id:
        return False
    return bool(actor.practice_ids(LEAD) & subject.practice_ids(TRAINEE))


def may_read_assessment(actor: Person, subject: Person, rater_id: int, submitted: bool) -> bool:
    """A submitted assessment: whoever may see the person rated. A draft, with its notes, is its rater's
    alone: a lead's unfinished observation is neither the trainee's to read nor another lead's."""
    if not submitted:
        return not actor.disabled and actor.id == rater_id
    return may_view_person(actor, subject)


# ---------------------------------------------------------------- observations, portfolio, sign-off


def may_name_assessors(actor: Person, practice_id: int) -> bool:
    """The practice's leads and administrators name who else observes its trainees."""
    return not actor.disabled and (actor.is_admin or actor.has_role(LEAD, practice_id))


def may_record_observation(actor: Person, subject: Person) -> bool:
    """An assessor (a lead, or anyone named one) of a practice where the subject is a trainee; never oneself."""
    if actor.disabled or actor.id == subject.id:
        return False
    return bool(actor.assessor_practice_ids() & subject.practice_ids(TRAINEE))


def may_ask_for_observation(actor: Person) -> bool:
    """Trainees ask named assessors to observe them and keep a portfolio of evidence."""
    return not actor.disabled and actor.has_role(TRAINEE)


def may_read_observation(actor: Person, subject: Person, assessor_id: int | None) -> bool:
    """The trainee observed, the assessor who wrote it, the trainee's leads and administrators (may_view_person).
    Another assessor does not read it: an assessor sees only what they wrote."""
    if actor.disabled:
        return False
    return (assessor_id is not None and actor.id == assessor_id) or may_view_person(actor, subject)


def may_sign_off(actor: Person, subject: Person) -> bool:
    """A lead of a practice where the subject is a trainee signs competencies off (or withdraws a sign-off);
    never their own."""
    if actor.disabled or actor.id == subject.id:
        return False
    return bool(actor.practice_ids(LEAD) & subject.practice_ids(TRAINEE))


def may_view_team(actor: Person, practice_id: int) -> bool:
    """Team readiness (names and levels of the whole team): the practice's leads only."""
    return not actor.disabled and actor.has_role(LEAD, practice_id)


def may_view_organisation_growth(actor: Person) -> bool:
    """Organisation-wide growth (domain means by round, no names, groups of 3 or more): leads and
    administrators, who compare a team with the whole organisation."""
    return not actor.disabled and (actor.is_admin or actor.has_role(LEAD))


def may_analyse_items(actor: Person) -> bool:
    """Item analysis of the knowledge checks (counts and shares across the installation, groups under 5
    hidden, no names): leads and administrators, who choose and write content."""
    return not actor.disabled and (actor.is_admin or actor.has_role(LEAD))


def may_run_measures(actor: Person, practice_id: int) -> bool:
    """Open and close practice measures, record capability answers, see results: the practice's leads."""
    return not actor.disabled and actor.has_role(LEAD, practice_id)


def may_answer_survey(actor: Person, practice_id: int) -> bool:
    """Anyone with an active role in the practice answers its open team surveys."""
    return not actor.disabled and practice_id in actor.practice_ids()


def may_administer_accounts(actor: Person) -> bool:
    """Reset passwords, disable accounts, grant administrator: administrators only."""
    return actor.is_admin and not actor.disabled


def may_read_audit(actor: Person) -> bool:
    return actor.is_admin and not actor.disabled


# ---------------------------------------------------------------- family faculty stories


def may_write_stories(actor: Person) -> bool:
    """Family faculty write stories (each edits only their own: see may_edit_story)."""
    return not actor.disabled and actor.has_role(FAMILY_FACULTY)


def may_edit_story(actor: Person, author_id: int) -> bool:
    """Only the author edits, consents to, submits or withdraws their story."""
    return may_write_stories(actor) and actor.id == author_id


def may_review_story(actor: Person, author_id: int, practice_id: int) -> bool:
    """A lead of the story's practice or an administrator, never the author."""
    if actor.disabled or actor.id == author_id:
        return False
    return actor.is_admin or actor.has_role(LEAD, practice_id)


def may_read_story(actor: Person, author_id: int, practice_id: int, status: str) -> bool:
    """Its text: the author always; a reviewer once the author has sent it (`stories.REVIEWERS_READ`),
    never a draft that was not sent nor a withdrawn story."""
    if may_edit_story(actor, author_id):
        return True
    return may_review_story(actor, author_id, practice_id) and status in REVIEWERS_READ


def may_see_story_events(actor: Person, author_id: int, practice_id: int, status: str) -> bool:
    """Its workflow (who did what, when): the author; a reviewer once it has left the author's drafts.
    Comments go with the text: a reviewer sees them only where `may_read_story`."""
    if may_edit_story(actor, author_id):
        return True
    return may_review_story(actor, author_id, practice_id) and status != DRAFT


def may_review_stories(actor: Person) -> bool:
    """Whether the person reviews anyone's stories at all (leads and administrators)."""
    return not actor.disabled and (actor.is_admin or actor.has_role(LEAD))


def may_read_stories(actor: Person) -> bool:
    """Anyone with an active role reads the published stories their practices may see."""
    return not actor.disabled and (actor.is_admin or bool(actor.practice_ids()))


def may_reflect_on_stories(actor: Person) -> bool:
    """Coordinators (trainees and leads) keep reflections on stories."""
    return not actor.disabled and bool({TRAINEE, LEAD} & actor.roles)


def require(allowed: bool, message: str = "You do not have permission to do that.") -> None:
    if not allowed:
        raise PermissionDenied(message)
