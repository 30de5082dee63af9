"""Who may see team readiness, run practice measures and answer surveys (each with its positive twin)."""

from carecoord import permissions as p
from carecoord.people import FAMILY_FACULTY, LEAD, TEAM_MEMBER, TRAINEE, Membership, Person
from tests.people_fixtures import person


LEAD_1 = person(1, LEAD)
TRAINEE_1 = person(2, TRAINEE)
MEMBER_1 = person(3, TEAM_MEMBER)
FACULTY_1 = person(4, FAMILY_FACULTY)
ADMIN = person(5, admin=True)
LAPSED_MEMBER = Person(id=6, username="u6", display_name="P6", memberships=(
    Membership(practice_id=1, practice_name="X", role=TEAM_MEMBER, active=False),))


def test_only_the_practices_leads_see_team_readiness():
    assert p.may_view_team(LEAD_1, 1)
    assert not p.may_view_team(LEAD_1, 2)
    assert not p.may_view_team(TRAINEE_1, 1)
    assert not p.may_view_team(MEMBER_1, 1)
    assert not p.may_view_team(ADMIN, 1)  # administrators run the system, not the team
    assert not p.may_view_team(person(7, LEAD, disabled=True), 1)


def test_only_the_practices_leads_run_its_measures():
    assert p.may_run_measures(LEAD_1, 1)
    assert not p.may_run_measures(LEAD_1, 2)
    assert not p.may_run_measures(TRAINEE_1, 1)
    assert not p.may_run_measures(MEMBER_1, 1)


def test_every_active_member_of_the_practice_answers_its_surveys():
    for who in (LEAD_1, TRAINEE_1, MEMBER_1, FACULTY_1):
        assert p.may_answer_survey(who, 1)
        assert not p.may_answer_survey(who, 2)
    assert not p.may_answer_survey(LAPSED_MEMBER, 1)
    assert not p.may_answer_survey(ADMIN, 1)
    assert not p.may_answer_survey(person(8, TEAM_MEMBER, disabled=True), 1)


def test_a_lead_may_add_team_members_to_their_own_practice_only():
    assert p.may_add_member(LEAD_1, 1, TEAM_MEMBER)
    assert not p.may_add_member(LEAD_1, 2, TEAM_MEMBER)
    assert not p.may_add_member(MEMBER_1, 1, TEAM_MEMBER)
