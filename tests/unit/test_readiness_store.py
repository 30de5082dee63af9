"""Team readiness from the store: one query for the team, the same rule as each person's own page."""


import pytest

from carecoord import competency, readiness
from carecoord.content import load_library
from carecoord.people import LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, assessments, readiness as S

FRAMEWORK = load_library().framework


def person(db, username):
    return A.load_person(db, db.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0])


@pytest.fixture
def lead(demo_db):
    return person(demo_db, "demo-lead")


@pytest.fixture
def practice_id(lead):
    return next(iter(lead.practice_ids(LEAD)))


def test_the_team_is_the_practices_coordinators_and_leads(demo_db, lead, practice_id, now):
    other = A.create_practice(demo_db, A.SYSTEM, "Elsewhere", now)
    outsider = A.create_person(demo_db, A.SYSTEM, username="outsider", display_name="Zed Outsider",
                               password="long enough pw", now=now)
    A.add_membership(demo_db, A.SYSTEM, outsider, other, TRAINEE, now)
    members = S.team_members(demo_db, lead, practice_id, FRAMEWORK)
    names = {m.name for m in members}
    assert "Amara Nwosu" in names and "Priya Raman" in names
    assert "Zed Outsider" not in names
    assert "Rosa Delgado" not in names  # a survey-only team member has no competency targets
    assert {m.target for m in members if m.name == "Priya Raman"} == {4}
    assert {m.target for m in members if m.name == "Amara Nwosu"} == {3}


def test_only_a_lead_of_the_practice_sees_its_readiness(demo_db, lead, practice_id, now):
    for username in ("demo-trainee", "demo-nurse", "demo-faculty", "demo-admin"):
        with pytest.raises(PermissionDenied):
            S.team_levels(demo_db, person(demo_db, username), practice_id, now)
    assert S.team_levels(demo_db, lead, practice_id, now)


def test_team_levels_equal_each_persons_own_levels(demo_db, lead, practice_id, now):
    team = S.team_levels(demo_db, lead, practice_id, now)
    members = S.team_members(demo_db, lead, practice_id, FRAMEWORK)
    compared = 0
    for member in members:
        subject = A.load_person(demo_db, member.id)
        own = assessments.effective_levels(demo_db, subject, subject, now)
        assert team.get(member.id, {}) == own
        compared += bool(own)
    assert compared >= 7  # most of the demo team has evidence, so the comparison means something


@pytest.mark.parametrize("days_later", [-120, 0, 1, 200])
def test_with_observations_and_sign_offs_team_levels_equal_each_persons_own(demo_db, lead, practice_id, now,
                                                                            days_later):
    from datetime import timedelta

    from carecoord.store import observations

    moment = now + timedelta(days=days_later)
    team = S.team_levels(demo_db, lead, practice_id, moment, FRAMEWORK)
    sources = []
    for member in S.team_members(demo_db, lead, practice_id, FRAMEWORK):
        subject = A.load_person(demo_db, member.id)
        own = observations.levels(demo_db, subject, subject, FRAMEWORK, moment)
        assert team.get(member.id, {}) == own, member.name
        sources += [e.source for e in own.values()]
    if days_later in (0, 1):  # the demo's year of observations and its sign-offs count now
        assert sources.count("observations") >= 10 and sources.count("signed off") >= 2


def test_round_points_use_each_persons_rounds(demo_db, lead, practice_id, now):
    members = S.team_members(demo_db, lead, practice_id, FRAMEWORK)
    points = S.round_points(demo_db, lead, practice_id, members, now)
    amara = next(m for m in members if m.name == "Amara Nwosu")
    rounds = sorted(p.round_months for p in points if p.person_id == amara.id)
    assert rounds == [0, 3, 6, 9, 12]
    shares = readiness.growth_by_round(FRAMEWORK, points)
    baseline = [s for s in shares if s.round_months == 0]
    latest = [s for s in shares if s.round_months == 12]
    assert sum(s.at_target for s in latest) > sum(s.at_target for s in baseline)  # the demo team grows


def test_a_round_is_judged_as_of_its_close(demo_db, lead, practice_id, now):
    members = S.team_members(demo_db, lead, practice_id, FRAMEWORK)
    for point in S.round_points(demo_db, lead, practice_id, members, now):
        assert point.levels  # every close is an assessment, so there is evidence then
        assert all(point.as_of - competency.STALE_AFTER < e.as_of <= point.as_of for e in point.levels.values())
