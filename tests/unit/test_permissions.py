from carecoord import permissions as p
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE, Membership, Person
from tests.people_fixtures import person


ADMIN = person(1, admin=True)
LEAD_1 = person(2, LEAD, practice=1)
TRAINEE_1 = person(3, TRAINEE, practice=1)
TRAINEE_2 = person(4, TRAINEE, practice=2)
FACULTY_1 = person(5, FAMILY_FACULTY, practice=1)


def test_only_admins_manage_practices():
    assert p.may_manage_practices(ADMIN)
    assert not p.may_manage_practices(LEAD_1)
    assert not p.may_manage_practices(person(9, admin=True, disabled=True))


def test_lead_sees_own_practice_people_only():
    assert p.may_view_practice_people(LEAD_1, 1)
    assert not p.may_view_practice_people(LEAD_1, 2)
    assert not p.may_view_practice_people(TRAINEE_1, 1)
    assert p.may_view_practice_people(ADMIN, 2)


def test_lead_adds_trainees_and_faculty_to_own_practice_but_not_leads():
    assert p.may_add_member(LEAD_1, 1, TRAINEE)
    assert p.may_add_member(LEAD_1, 1, FAMILY_FACULTY)
    assert not p.may_add_member(LEAD_1, 1, LEAD)
    assert not p.may_add_member(LEAD_1, 2, TRAINEE)
    assert not p.may_add_member(TRAINEE_1, 1, TRAINEE)
    assert p.may_add_member(ADMIN, 2, LEAD)
    assert not p.may_add_member(ADMIN, 2, "superuser")


def test_lead_changes_memberships_of_others_in_own_practice():
    assert p.may_change_membership(LEAD_1, TRAINEE_1, 1, TRAINEE)
    assert not p.may_change_membership(LEAD_1, LEAD_1, 1, LEAD)
    assert not p.may_change_membership(LEAD_1, TRAINEE_2, 2, TRAINEE)


def test_who_may_view_a_person():
    assert p.may_view_person(TRAINEE_1, TRAINEE_1)
    assert not p.may_view_person(TRAINEE_1, FACULTY_1)
    assert p.may_view_person(LEAD_1, TRAINEE_1)
    assert not p.may_view_person(LEAD_1, TRAINEE_2)
    assert p.may_view_person(ADMIN, TRAINEE_2)
    assert not p.may_view_person(person(3, TRAINEE, disabled=True), TRAINEE_1)


def test_a_draft_assessment_is_its_raters_alone_a_submitted_one_is_for_who_may_see_the_person():
    # LEAD_1 rating TRAINEE_1: the draft is the lead's; the trainee and an administrator do not read it.
    assert p.may_read_assessment(LEAD_1, TRAINEE_1, rater_id=LEAD_1.id, submitted=False)
    assert not p.may_read_assessment(TRAINEE_1, TRAINEE_1, rater_id=LEAD_1.id, submitted=False)
    assert not p.may_read_assessment(ADMIN, TRAINEE_1, rater_id=LEAD_1.id, submitted=False)
    assert not p.may_read_assessment(person(8, LEAD, practice=1), TRAINEE_1, rater_id=LEAD_1.id, submitted=False)
    assert not p.may_read_assessment(person(2, LEAD, disabled=True), TRAINEE_1, rater_id=LEAD_1.id, submitted=False)
    assert p.may_read_assessment(TRAINEE_1, TRAINEE_1, rater_id=LEAD_1.id, submitted=True)
    assert p.may_read_assessment(ADMIN, TRAINEE_1, rater_id=LEAD_1.id, submitted=True)
    assert not p.may_read_assessment(TRAINEE_2, TRAINEE_1, rater_id=LEAD_1.id, submitted=True)


def test_account_administration_and_audit_are_admin_only():
    assert p.may_administer_accounts(ADMIN) and p.may_read_audit(ADMIN)
    assert not p.may_administer_accounts(LEAD_1)
    assert not p.may_read_audit(LEAD_1)


def test_inactive_membership_grants_nothing():
    lapsed = Person(id=7, username="x", display_name="X",
                    memberships=(Membership(practice_id=1, practice_name="X", role=LEAD, active=False),))
    assert not p.may_view_practice_people(lapsed, 1)
    assert LEAD not in lapsed.roles
