"""Observations, requests, portfolio and sign-off in the store, on both backends: what each role may do
and see, what is refused at the field, and that a refused write leaves nothing behind."""

from datetime import timedelta

import pytest

from carecoord import auth
from carecoord.content import load_library
from carecoord.people import FAMILY_FACULTY, LEAD, TEAM_MEMBER, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, observations as O, readiness

FRAMEWORK = load_library().framework
HASH = auth.hash_password("long enough pw")  # one hash for everyone: hashing is slow on purpose


@pytest.fixture
def people(db, now):
    maple = A.create_practice(db, A.SYSTEM, "Maple", now)
    oak = A.create_practice(db, A.SYSTEM, "Oak", now)
    made = {"maple": maple, "oak": oak}
    for name, roles in (("lee", [(maple, LEAD)]), ("tia", [(maple, TRAINEE)]), ("tom", [(maple, TRAINEE)]),
                        ("nan", [(maple, TEAM_MEMBER)]), ("fay", [(maple, FAMILY_FACULTY)]),
                        ("sal", [(maple, TEAM_MEMBER)]), ("oli", [(oak, LEAD)]), ("ola", [(oak, TRAINEE)]),
                        ("ada", [])):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=f"{name.title()} Example",
                              password="", password_hash=HASH, now=now, is_admin=name == "ada")
        for practice_id, role in roles:
            A.add_membership(db, A.SYSTEM, pid, practice_id, role, now, discipline="nurse" if name == "nan" else "")
        made[name] = A.load_person(db, pid)
    lee = made["lee"]
    A.set_assessor(db, lee, made["nan"].id, maple, TEAM_MEMBER, True, now)
    A.set_assessor(db, lee, made["fay"].id, maple, FAMILY_FACULTY, True, now)
    for name in ("nan", "fay"):
        made[name] = A.load_person(db, made[name].id)
    return made


def observe(db, who, subject, now, days=1, levels=None, **extra):
    return O.record_observation(db, who, subject, FRAMEWORK, now, observed_on=(now - timedelta(days=days)).date(),
                                setting="Family meeting", what_seen="Prepared the parents",
                                levels=levels or {"FP1": 3}, next_step="Summarise in writing", **extra)


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_who_is_an_assessor(people):
    assert people["nan"].has_role("assessor", people["maple"]) and people["lee"].has_role("assessor")
    assert not people["sal"].has_role("assessor") and not people["tia"].has_role("assessor")


def test_naming_assessors_is_for_the_practice_lead_only(db, people, now):
    for actor in (people["tia"], people["nan"], people["oli"]):
        with pytest.raises(PermissionDenied):
            A.set_assessor(db, actor, people["sal"].id, people["maple"], TEAM_MEMBER, True, now)
    with pytest.raises(A.AccountError):
        A.set_assessor(db, people["lee"], people["sal"].id, people["maple"], TRAINEE, True, now)  # no such role


def test_each_role_observes_only_trainees_of_its_practice(db, people, now):
    tia, ola = people["tia"], people["ola"]
    for assessor in ("lee", "nan", "fay"):
        observe(db, people[assessor], tia, now)
    for actor, subject in (("sal", tia), ("tom", tia), ("nan", ola), ("oli", tia), ("tia", tia)):
        with pytest.raises(PermissionDenied):
            observe(db, people[actor], subject, now)
    assert count(db, "observation") == 3
    shown_as = {o.assessor_as for o in O.observations_of(db, tia, tia)}
    assert shown_as == {"Practice lead", "Nurse", "Family faculty"}
    assert any(o.by_family_faculty for o in O.observations_of(db, tia, tia))


def test_who_reads_observations(db, people, now):
    tia = people["tia"]
    observe(db, people["lee"], tia, now)
    observe(db, people["nan"], tia, now)
    assert len(O.observations_of(db, tia, tia)) == 2  # the trainee: all, with who made them
    assert len(O.observations_of(db, people["lee"], tia)) == 2  # their lead
    assert len(O.observations_of(db, people["ada"], tia)) == 2  # an administrator
    assert [o.assessor_name for o in O.observations_of(db, people["nan"], tia)] == ["Nan Example"]  # own only
    for actor in ("tom", "sal", "oli", "ola"):
        with pytest.raises(PermissionDenied):
            O.observations_of(db, people[actor], tia)
    with pytest.raises(PermissionDenied):
        O.levels(db, people["nan"], tia, FRAMEWORK, now)  # an assessor does not see a trainee's levels


@pytest.mark.parametrize("change, field", [
    ({"levels": {}}, "competencies"),
    ({"levels": {"FP1": 3, "FP2": 3, "FP3": 3, "CM1": 3}}, "competencies"),
    ({"levels": {"ZZ9": 3}}, "competencies"),
    ({"levels": {"FP1": 6}}, "level-FP1"),
    ({"levels": {"FP1": None}}, "level-FP1"),
    ({"what_seen": "   "}, "what_seen"),
    ({"what_seen": "x" * (O.WHAT_SEEN_MAX + 1)}, "what_seen"),
    ({"next_step": ""}, "next_step"),
    ({"setting": "s" * 101}, "setting"),
    ({"days": -1}, "observed_on"),
    ({"days": 91}, "observed_on"),
])
def test_a_bad_field_is_refused_there_and_nothing_is_written(db, people, now, change, field):
    args = {"setting": "Family meeting", "what_seen": "Prepared the parents", "next_step": "Summarise",
            "levels": {"FP1": 3}, "days": 1} | change
    days = args.pop("days")
    with pytest.raises(O.ObservationError) as refused:
        O.record_observation(db, people["lee"], people["tia"], FRAMEWORK, now,
                             observed_on=(now - timedelta(days=days)).date(), **args)
    assert refused.value.field == field
    assert count(db, "observation") == count(db, "observation_rating") == 0


def test_a_request_is_answered_once_and_every_change_is_recorded(db, people, now):
    tia, nan = people["tia"], people["nan"]
    assert {a.name for a in O.assessors_for(db, tia)} == {"Lee Example", "Nan Example", "Fay Example"}
    request_id = O.ask_for_observation(db, tia, nan.id, ["FP1", "CM1"], FRAMEWORK, now, context="Tuesday")
    with pytest.raises(O.ObservationError):  # the same request twice
        O.ask_for_observation(db, tia, nan.id, ["FP1", "CM1"], FRAMEWORK, now)
    assert [r.id for r in O.requests_waiting_for(db, nan, now)] == [request_id]
    assert O.requests_waiting_for(db, people["fay"], now) == []  # sent to someone else
    with pytest.raises(PermissionDenied):  # another assessor cannot answer it
        observe(db, people["fay"], tia, now, request_id=request_id)
    with pytest.raises(PermissionDenied):
        O.request_events(db, people["tom"], request_id)
    observe(db, nan, tia, now, request_id=request_id)
    with pytest.raises(O.ObservationError):  # answered already
        observe(db, nan, tia, now, request_id=request_id)
    assert [e.status for e in O.request_events(db, tia, request_id)] == ["waiting", "completed"]
    assert O.my_requests(db, tia)[0].state(now) == O.COMPLETED


def test_requests_decline_withdraw_and_expire(db, people, now):
    tia, nan, lee = people["tia"], people["nan"], people["lee"]
    declined = O.ask_for_observation(db, tia, nan.id, ["FP1"], FRAMEWORK, now)
    with pytest.raises(O.ObservationError):
        O.decline_request(db, nan, declined, "  ", now)  # a reason is required
    with pytest.raises(PermissionDenied):
        O.decline_request(db, lee, declined, "not mine", now)
    O.decline_request(db, nan, declined, "On leave", now)
    withdrawn = O.ask_for_observation(db, tia, lee.id, ["FP2"], FRAMEWORK, now)
    O.withdraw_request(db, tia, withdrawn, now)
    expiring = O.ask_for_observation(db, tia, lee.id, ["FP3"], FRAMEWORK, now)
    later = now + timedelta(days=FRAMEWORK.achievement.request_expires_days)
    assert O.requests_waiting_for(db, lee, later) == []
    assert O.my_requests(db, tia)[0].state(later) == O.EXPIRED  # shown expired before it is recorded
    assert O.expire_requests(db, later) == 1 and O.expire_requests(db, later) == 0
    states = {r.id: r.status for r in O.my_requests(db, tia)}
    assert states == {declined: O.DECLINED, withdrawn: O.WITHDRAWN, expiring: O.EXPIRED}
    assert [e.actor_name for e in O.request_events(db, tia, expiring)][-1] == "the system"
    with pytest.raises(O.ObservationError):
        observe(db, lee, tia, later, request_id=expiring)


def test_requests_go_only_to_assessors_of_the_trainees_practice(db, people, now):
    with pytest.raises(O.ObservationError):
        O.ask_for_observation(db, people["tia"], people["sal"].id, ["FP1"], FRAMEWORK, now)  # not an assessor
    with pytest.raises(O.ObservationError):
        O.ask_for_observation(db, people["tia"], people["oli"].id, ["FP1"], FRAMEWORK, now)  # another practice
    with pytest.raises(PermissionDenied):
        O.ask_for_observation(db, people["lee"], people["nan"].id, ["FP1"], FRAMEWORK, now)  # not a trainee


def test_portfolio_checks_identifying_details_kinds_and_sizes(db, people, now):
    tia = people["tia"]
    add = lambda **kw: O.add_portfolio_item(db, tia, FRAMEWORK, now, **({"code": "FP1", "kind": "reflection",  # noqa: E731
                                                                          "title": "After the meeting"} | kw))
    for kw, field in (({"body": "Met Jayden Smith at St Mary's Hospital."}, "body"),
                      ({"body": "x" * (O.BODY_MAX + 1)}, "body"), ({"body": ""}, "body"),
                      ({"kind": "link", "url": "javascript:alert(1)"}, "url"),
                      ({"kind": "document", "filename": "scan.pdf", "body": "text"}, "filename"),
                      ({"kind": "document", "filename": "notes.txt", "body": "a\x00b"}, "body"),
                      ({"title": "t" * 201, "body": "fine"}, "title")):
        with pytest.raises(O.ObservationError) as refused:
            add(**kw)
        assert refused.value.field == field
    assert count(db, "portfolio_item") == 0
    item = add(body="I asked what mattered most first.")
    add(kind="link", url="https://www.example.org/guide", title="A guide")
    assert [i.title for i in O.portfolio(db, tia, tia)] == ["A guide", "After the meeting"]
    with pytest.raises(PermissionDenied):
        O.portfolio(db, people["tom"], tia)
    assert O.portfolio(db, people["nan"], tia) == []  # an assessor sees only what they are asked to review
    O.ask_for_observation(db, tia, people["nan"].id, ["CM1"], FRAMEWORK, now, portfolio_item_id=item)
    assert [i.id for i in O.portfolio(db, people["nan"], tia)] == [item]


def test_sign_off_rests_on_live_observations_and_is_audited_and_withdrawn(db, people, now):
    tia, lee = people["tia"], people["lee"]
    ids = [observe(db, people[who], tia, now, days=d) for who, d in (("lee", 30), ("nan", 20), ("fay", 10))]
    assert O.levels(db, tia, tia, FRAMEWORK, now)["FP1"].source == "observations"
    for actor in ("nan", "tia", "oli"):
        with pytest.raises(PermissionDenied):
            O.sign_off(db, people[actor], tia, FRAMEWORK, now, code="FP1", level=3, rationale="x", evidence=ids)
    with pytest.raises(O.ObservationError):
        O.sign_off(db, lee, tia, FRAMEWORK, now, code="FP1", level=3, rationale="x", evidence=[])
    with pytest.raises(O.ObservationError):
        O.sign_off(db, lee, tia, FRAMEWORK, now, code="FP2", level=3, rationale="x", evidence=ids)  # not about FP2
    sign_off_id = O.sign_off(db, lee, tia, FRAMEWORK, now, code="FP1", level=3, rationale="Three agree", evidence=ids)
    with pytest.raises(O.ObservationError):  # one live sign-off per competency
        O.sign_off(db, lee, tia, FRAMEWORK, now, code="FP1", level=4, rationale="x", evidence=ids)
    mine = O.levels(db, tia, tia, FRAMEWORK, now)["FP1"]
    assert (mine.level, mine.signed_off) == (3, True)
    team = readiness.team_levels(db, lee, people["maple"], now, FRAMEWORK)
    assert team[tia.id]["FP1"] == mine  # the team view and the trainee's own page agree
    O.withdraw_sign_off(db, lee, sign_off_id, "Signed too early", now)
    assert O.levels(db, tia, tia, FRAMEWORK, now)["FP1"].signed_off is False
    assert [s.withdrawn_reason for s in O.sign_offs_of(db, tia, tia)] == ["Signed too early"]
    actions = [r[0] for r in db.execute("SELECT action FROM audit WHERE action LIKE 'signoff.%' ORDER BY id")]
    assert actions == ["signoff.create", "signoff.withdraw"]


def test_withdrawn_observations_stop_counting(db, people, now):
    tia = people["tia"]
    ids = [observe(db, people[who], tia, now, days=d) for who, d in (("lee", 30), ("nan", 20), ("fay", 10))]
    with pytest.raises(PermissionDenied):
        O.withdraw_observation(db, people["fay"], ids[1], "not mine", now)  # another assessor's
    O.withdraw_observation(db, people["nan"], ids[1], "Wrong trainee", now)
    assert O.levels(db, tia, tia, FRAMEWORK, now)["FP1"].source != "observations"
    with pytest.raises(O.ObservationError):
        O.sign_off(db, people["lee"], tia, FRAMEWORK, now, code="FP1", level=3, rationale="x", evidence=ids)


def test_an_observation_outranks_an_old_self_rating_and_one_assessor_cannot_make_a_level(db, people, now):
    tia = people["tia"]
    for days in (30, 20, 10):
        observe(db, people["nan"], tia, now, days=days, levels={"FP1": 5})
    level = O.levels(db, tia, tia, FRAMEWORK, now)["FP1"]
    assert (level.level, level.source, level.signed_off) == (5, "observer", False)  # provisional only


def test_an_uploaded_document_must_be_text():
    assert O.document_text("notes.md", "# Après la réunion".encode()) == "# Après la réunion"
    assert O.document_text("notes.txt", b"\xef\xbb\xbfplain") == "plain"  # a byte-order mark is dropped
    for name, raw, field in (("scan.pdf", b"%PDF-1.7", "filename"), ("photo.txt", b"\xff\xd8\xff\xe0", "filename"),
                             ("long.txt", b"x" * (4 * O.BODY_MAX + 1), "body")):
        with pytest.raises(O.ObservationError) as refused:
            O.document_text(name, raw)
        assert refused.value.field == field


def test_the_trainees_to_choose_from_are_only_those_of_practices_one_observes_for(db, people):
    assert {p.username for p in O.trainees_to_observe(db, people["nan"])} == {"tia", "tom"}
    assert O.trainees_to_observe(db, people["sal"]) == []  # a team member who is not an assessor
    with pytest.raises(PermissionDenied):
        A.trainees_of(db, {people["oak"]}, people["nan"])  # another practice's trainees
