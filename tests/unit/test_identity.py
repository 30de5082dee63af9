"""Roles from the identity provider: mappings, first sign-in, roles granted and taken away, hand-set roles kept."""

from datetime import timedelta

import pytest

from carecoord import identity
from carecoord.identity import RoleMapping
from carecoord.people import LEAD, TEAM_MEMBER, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A
from carecoord.store import identity as I


def test_claims_read_as_sets_of_strings_and_only_the_named_ones():
    claims = {"groups": ["cc-leads-north", 7, "staff"], "roles": "nurse", "email": "x@example.org"}
    assert identity.claim_values(claims, ("groups", "roles", "missing")) == {
        "groups": frozenset({"cc-leads-north", "staff"}), "roles": frozenset({"nurse"})}


def test_worked_example_of_matching():
    north_leads = RoleMapping(1, "groups", "cc-leads-north", 10, LEAD, creates_people=False)
    north_staff = RoleMapping(2, "groups", "cc-staff-north", 10, TRAINEE, creates_people=True)
    values = {"groups": frozenset({"cc-leads-north"})}
    assert identity.granted([north_leads, north_staff], values) == {(10, LEAD)}
    assert not identity.may_create([north_leads, north_staff], values)  # only a matching mapping may create
    assert identity.may_create([north_leads, north_staff], {"groups": frozenset({"cc-staff-north"})})


@pytest.fixture
def org(db, now):
    north = A.create_practice(db, A.SYSTEM, "North", now)
    south = A.create_practice(db, A.SYSTEM, "South", now)
    admin = A.load_person(db, A.create_person(db, A.SYSTEM, username="admin", display_name="Ada Admin",
                                              password="correct horse battery", now=now, is_admin=True))
    return db, north, south, admin


def roles(db, person_id):
    return {(r["practice_id"], r["role"]) for r in db.query(
        "SELECT practice_id, role FROM membership WHERE person_id = ? AND active = 1", [person_id])}


def test_only_administrators_keep_mappings_and_a_bad_value_is_refused_at_its_field(org, now):
    db, north, _, admin = org
    trainee_id = A.create_person(db, A.SYSTEM, username="tia", display_name="Tia", password="correct horse battery",
                                 now=now)
    with pytest.raises(PermissionDenied):
        I.add_mapping(db, A.load_person(db, trainee_id), claim="groups", value="x", practice_id=north,
                      role=LEAD, creates_people=False, now=now)
    for kwargs, field in (({"claim": "favourite_colour"}, "claim"), ({"value": "  "}, "value"),
                          ({"role": "king"}, "role"), ({"practice_id": 999}, "practice")):
        args = {"claim": "groups", "value": "cc-leads-north", "practice_id": north, "role": LEAD,
                "creates_people": False} | kwargs
        with pytest.raises(A.AccountError) as refused:
            I.add_mapping(db, admin, now=now, **args)
        assert refused.value.field == field
    assert I.mappings(db, admin) == []


def test_first_sign_in_creates_an_account_only_when_a_mapping_allows_it(org, now):
    db, north, south, admin = org
    I.add_mapping(db, admin, claim="groups", value="cc-leads-north", practice_id=north, role=LEAD,
                  creates_people=False, now=now)
    assert I.apply_sign_in(db, "lee@example.org", "Lee Lead", {"groups": ["cc-leads-north"]}, now) is None
    I.add_mapping(db, admin, claim="groups", value="cc-staff-south", practice_id=south, role=TRAINEE,
                  creates_people=True, now=now)
    person_id = I.apply_sign_in(db, "sam@example.org", "Sam **Bold**", {"groups": ["cc-staff-south"]}, now)
    person = A.load_person(db, person_id)
    assert person.display_name == "Sam **Bold**" and person.username == "sam"
    assert roles(db, person_id) == {(south, TRAINEE)}
    assert not A.sign_in_with_password(db, "sam", "", now).outcome == "ok"  # no password signs in
    actions = [entry.action for entry in A.audit_log(db, admin)]
    assert "person.create_from_idp" in actions and "membership.grant_from_idp" in actions


def test_a_granted_role_goes_when_the_claim_goes_and_a_hand_set_role_stays(org, now):
    db, north, south, admin = org
    person_id = A.create_person(db, A.SYSTEM, username="lee", display_name="Lee", password="correct horse battery",
                                now=now, email="lee@example.org")
    A.add_membership(db, admin, person_id, south, TEAM_MEMBER, now)  # by hand
    I.add_mapping(db, admin, claim="groups", value="cc-leads-north", practice_id=north, role=LEAD,
                  creates_people=False, now=now)
    I.add_mapping(db, admin, claim="groups", value="cc-south", practice_id=south, role=TEAM_MEMBER,
                  creates_people=False, now=now)
    assert I.apply_sign_in(db, "lee@example.org", "Lee", {"groups": ["cc-leads-north", "cc-south"]}, now) == person_id
    assert roles(db, person_id) == {(north, LEAD), (south, TEAM_MEMBER)}
    later = now + timedelta(days=1)
    I.apply_sign_in(db, "lee@example.org", "Lee", {"groups": []}, later)
    assert roles(db, person_id) == {(south, TEAM_MEMBER)}  # the hand-set role is never touched
    I.apply_sign_in(db, "lee@example.org", "Lee", {"groups": ["cc-leads-north"]}, later)
    assert roles(db, person_id) == {(north, LEAD), (south, TEAM_MEMBER)}
    actions = [entry.action for entry in A.audit_log(db, admin)]
    assert actions.count("membership.grant_from_idp") == 2 and actions.count("membership.remove_from_idp") == 1


def test_removing_a_mapping_takes_its_roles_at_the_next_sign_in(org, now):
    db, north, _, admin = org
    mapping_id = I.add_mapping(db, admin, claim="groups", value="cc-north", practice_id=north, role=TRAINEE,
                               creates_people=True, now=now)
    person_id = I.apply_sign_in(db, "kim@example.org", "Kim", {"groups": "cc-north"}, now)
    I.remove_mapping(db, admin, mapping_id, now)
    with pytest.raises(A.AccountError):
        I.remove_mapping(db, admin, mapping_id, now)
    I.apply_sign_in(db, "kim@example.org", "Kim", {"groups": "cc-north"}, now)
    assert roles(db, person_id) == set()
