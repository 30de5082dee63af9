"""The xAPI statements: each kind validates as ralph's BaseXapiStatement, carries no personal data beyond
the pseudonymous actor, names a chosen option by its id, and is documented in docs/xapi.md as built."""

import copy
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from carecoord import ordering, xapi
from carecoord.content.models import Check

BASE = "https://carecoord.example.org"
PSEUDONYM = "3f9c2a7e5b1d4c8a9e6f0b2d7c4a1e85"
ACTOR = xapi.Actor(BASE, PSEUDONYM)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "xapi.md"
SOURCE = Path(xapi.__file__).read_text(encoding="utf-8")


def at(day: int, hour: int, minute: int) -> datetime:
    return datetime(2027, 3, day, hour, minute, 5, 250_000, tzinfo=UTC)


# The worked examples in docs/xapi.md, in the order the document shows them: (kind, statement id, fields).
EXAMPLES = [
    ("lesson_completed", "6f1c8f0e-2b1a-4c39-9a57-0d4f2b8e7a11", at(4, 14, 2),
     dict(lesson_id="care-coordination-defined", lesson_title="Defining care coordination",
          module_id="what-care-coordination-is")),
    ("check_answered", "0b7d2c4e-5f60-4e1b-8c2d-3a9e7f1b6c22", at(4, 13, 51),
     dict(lesson_id="care-coordination-defined", check_id="care-coordination-defined-q1", choice_id="b",
          correct=True, on_review=False)),
    ("case_decision_made", "9a3e5d7b-1c2f-4a8e-b6d4-5e7f9a1c3b33", at(8, 10, 17),
     dict(case_id="epilepsy-infant-to-adult", phase_id="epilepsy-1-infancy", decision_id="epilepsy-1-first-map",
          option_id="epilepsy-1-first-map-c", alignment="strong", competencies=("FP1", "FP2", "AS2"))),
    ("plan_drafted", "c2d4e6f8-0a1b-4c3d-8e5f-7a9b1c3d5e44", at(8, 10, 40),
     dict(case_id="epilepsy-infant-to-adult", phase_id="epilepsy-1-infancy")),
    ("case_completed", "4e6a8c0e-2f4b-4d6f-9a1c-3e5a7c9e1b55", at(19, 16, 3),
     dict(case_id="epilepsy-infant-to-adult", case_title="Ayla, from infancy to adult care")),
    ("self_assessment_submitted", "7b9d1f3a-5c7e-4a9b-8d1f-3a5c7e9b1d66", at(1, 9, 30),
     dict(assessment_id=412, levels={"FP1": 2, "CM1": 3, "AS2": 2})),
    ("observation_received", "1d3f5a7c-9e1b-4d3f-a5c7-9e1b3d5f7a77", at(22, 15, 45),
     dict(observation_id=431, levels={"FP1": 3, "FP2": 3})),
    ("module_completed", "8c0e2a4c-6e8a-4c0e-b2a4-6c8e0a2c4e88", at(4, 14, 2),
     dict(module_id="what-care-coordination-is", module_title="What care coordination is (and is not)")),
    ("credential_earned", "5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e99", at(4, 14, 3),
     dict(credential_id="urn:uuid:2f4e6a8c-0b1d-4e3f-9a5b-7c9d1e3f5a0b",
          achievement_id=f"{BASE}/public/achievements/module/what-care-coordination-is",
          achievement_name="What care coordination is (and is not)")),
]


def build(kind: str, statement_id: str, moment: datetime, fields: dict, actor: xapi.Actor = ACTOR) -> dict:
    return xapi.KINDS[kind](statement_id, BASE, actor, moment, **fields)


def all_statements(actor: xapi.Actor = ACTOR) -> list[dict]:
    return [build(kind, sid, moment, fields, actor) for kind, sid, moment, fields in EXAMPLES]


def walk(value, path=()):
    """Every (path, value) in a JSON value."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, path + (index,))


def terms(statement: dict) -> set[str]:
    """The profile's terms a statement uses: its verb, every activity type, every extension key."""
    found = {statement["verb"]["id"]}
    for path, value in walk(statement):
        if path[-2:] == ("definition", "type"):
            found.add(value)
        if path and path[-1] == "extensions":
            found |= set(value)
    return found


# ---------------------------------------------------------------- validity


def test_every_kind_of_statement_is_covered_by_an_example():
    assert [kind for kind, *_ in EXAMPLES] == list(xapi.KINDS)


@pytest.mark.parametrize("kind, statement_id, moment, fields", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_kind_validates_as_a_ralph_base_statement(kind, statement_id, moment, fields):
    statement = build(kind, statement_id, moment, fields)
    parsed = BaseXapiStatement(**statement)
    assert str(parsed.id) == statement_id
    assert BaseXapiStatement.model_validate(json.loads(json.dumps(statement))) == parsed
    assert statement["version"] == "1.0.0"
    assert statement["timestamp"] == moment.isoformat(timespec="milliseconds")  # ...+00:00, to the millisecond
    assert statement["object"]["objectType"] == "Activity"
    # Every statement names the profile it follows.
    assert statement["context"]["contextActivities"]["category"] == [
        {"objectType": "Activity", "id": f"{BASE}/xapi/profile/v1",
         "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]


def test_statements_with_identification_turned_on_validate_too():
    for actor in (xapi.Actor(BASE, PSEUDONYM, display_name="Dana Reyes"),
                  xapi.Actor(BASE, PSEUDONYM, email="dana.reyes@Clinic.Example.org"),
                  xapi.Actor(BASE, PSEUDONYM, display_name="Dana Reyes", email="dana.reyes@clinic.example.org")):
        for statement in all_statements(actor):
            BaseXapiStatement(**statement)


def test_a_timestamp_in_another_zone_is_sent_as_the_same_moment_in_utc():
    chicago = timezone(timedelta(hours=-6))
    statement = xapi.case_completed("4e6a8c0e-2f4b-4d6f-9a1c-3e5a7c9e1b55", BASE, ACTOR,
                                    datetime(2027, 3, 19, 10, 3, 5, 250_000, tzinfo=chicago),
                                    "epilepsy-infant-to-adult", "Ayla, from infancy to adult care")
    assert statement["timestamp"] == "2027-03-19T16:03:05.250+00:00"


@pytest.mark.parametrize("bad, message", [
    (dict(timestamp=datetime(2027, 3, 4, 14, 2)), "aware datetime"),
    (dict(statement_id="not-a-uuid"), "UUID"),
    (dict(base_url="carecoord.example.org"), "base URL"),
    (dict(correct=1), "correct must be True or False"),
    (dict(on_review="no"), "on_review must be True or False"),
    (dict(choice_id=""), "not a choice id"),
    (dict(choice_id="a b"), "not a choice id"),
    (dict(choice_id=[]), "at least one"),
    (dict(check_id=".."), "not a usable id"),
    (dict(lesson_id=""), "not a usable id"),
])
def test_a_check_statement_refuses_what_it_cannot_send(bad, message):
    fields = dict(statement_id="0b7d2c4e-5f60-4e1b-8c2d-3a9e7f1b6c22", base_url=BASE, actor=ACTOR,
                  timestamp=at(4, 13, 51), lesson_id="care-coordination-defined",
                  check_id="care-coordination-defined-q1", choice_id="b", correct=True, on_review=False)
    with pytest.raises(ValueError, match=message):
        xapi.check_answered(**{**fields, **bad})


@pytest.mark.parametrize("levels", [{}, {"FP1": 0}, {"FP1": 6}, {"FP1": True}, {"FP1": 2.5}, {"F P1": 2}])
def test_levels_must_be_whole_numbers_from_one_to_five_for_codes(levels):
    with pytest.raises(ValueError):
        xapi.self_assessment_submitted("7b9d1f3a-5c7e-4a9b-8d1f-3a5c7e9b1d66", BASE, ACTOR, at(1, 9, 30), 412, levels)


def test_an_id_cannot_step_out_of_its_place_in_an_activity_id():
    assert xapi.activity_id(BASE, "check", "../q1") == f"{BASE}/xapi/activities/check/..%2Fq1"
    assert xapi.activity_id(BASE + "/", "competency", "FP1") == f"{BASE}/xapi/activities/competency/FP1"


def test_alignment_and_credential_ids_are_checked():
    with pytest.raises(ValueError, match="alignment"):
        xapi.case_decision_made("9a3e5d7b-1c2f-4a8e-b6d4-5e7f9a1c3b33", BASE, ACTOR, at(8, 10, 17), "c", "p", "d", "o",
                                "excellent")
    with pytest.raises(ValueError, match="urn:uuid"):
        xapi.credential_earned("5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e99", BASE, ACTOR, at(4, 14, 3), "urn:uuid:nope",
                               f"{BASE}/public/achievements/module/m", "M")
    bare = xapi.credential_earned("5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e99", BASE, ACTOR, at(4, 14, 3),
                                  "2F4E6A8C-0B1D-4E3F-9A5B-7C9D1E3F5A0B", f"{BASE}/public/achievements/module/m", "M")
    assert bare["object"]["id"] == f"{BASE}/xapi/activities/credential/2f4e6a8c-0b1d-4e3f-9a5b-7c9d1e3f5a0b"


# ---------------------------------------------------------------- choices by id, never by position


def test_a_check_answer_is_the_choice_id_whatever_position_it_was_shown_at():
    check = Check(id="care-coordination-defined-q1", prompt="Which of these is care coordination?", choices=[
        {"text": "Booking the child's appointments", "feedback": "Part of it, not all."},
        {"text": "Organising care across services, with the family", "correct": True, "feedback": "Yes."},
        {"text": "Seeing the child in clinic", "feedback": "That is care, not its coordination."},
        {"text": "None of the above", "feedback": "One of them is.", "fixed_order": True},
    ])
    right = check.choices[1]
    assert right.id == "b"  # the letter in file order: its stable id
    positions = set()
    for person_id in range(1, 40):
        shown = ordering.shown_order(person_id, check.id, check.choices)
        position = shown.index(right)
        positions.add(position)
        statement = xapi.check_answered("0b7d2c4e-5f60-4e1b-8c2d-3a9e7f1b6c22", BASE, ACTOR, at(4, 13, 51),
                                        "care-coordination-defined", check.id, shown[position].id, True, False)
        assert statement["result"]["response"] == "b"
    assert len(positions) >= 3  # it really was shown at different places


def test_a_several_answer_check_sends_the_ids_sorted_and_joined_as_xapi_says():
    answers = [xapi.check_answered("0b7d2c4e-5f60-4e1b-8c2d-3a9e7f1b6c22", BASE, ACTOR, at(4, 13, 51),
                                   "care-coordination-defined", "care-coordination-defined-q2", chosen, False, True)
               for chosen in (frozenset({"d", "a"}), ["a", "d"], ("d", "a", "d"))]
    assert {a["result"]["response"] for a in answers} == {"a[,]d"}
    assert all(a["object"]["definition"] == {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                             "interactionType": "choice"} for a in answers)
    assert answers[0]["context"]["extensions"] == {f"{BASE}/xapi/extensions/on-review": True}
    assert answers[0]["result"]["success"] is False


# ---------------------------------------------------------------- personal data


def test_the_actor_is_only_a_pseudonymous_account_unless_more_is_given():
    for statement in all_statements():
        assert statement["actor"] == {"objectType": "Agent", "account": {"homePage": BASE, "name": PSEUDONYM}}
        text = json.dumps(statement)
        assert "mbox" not in text and "openid" not in text
        # No other person anywhere: no instructor, team or authority, no second Agent or Group.
        assert not {"instructor", "team", "authority"} & (set(statement["context"]) | set(statement))
        agents = [path for path, value in walk(statement) if isinstance(value, dict)
                  and value.get("objectType") in ("Agent", "Group")]
        assert agents == [("actor",)]


def test_a_name_and_an_e_mail_appear_only_when_given_and_only_in_the_actor():
    named = xapi.Actor(BASE, PSEUDONYM, display_name="Dana  Reyes ")
    for statement in all_statements(named):
        assert statement["actor"] == {"objectType": "Agent", "name": "Dana Reyes",
                                      "account": {"homePage": BASE, "name": PSEUDONYM}}
        assert json.dumps(statement).count("Dana Reyes") == 1
    mailed = xapi.Actor(BASE, PSEUDONYM, display_name="Dana Reyes", email="Dana.Reyes@Clinic.Example.org")
    for statement in all_statements(mailed):
        # One identifier per Agent (xAPI 2.4.2.1): with an e-mail, mbox identifies the person instead.
        assert statement["actor"] == {"objectType": "Agent", "name": "Dana Reyes",
                                      "mbox": "mailto:Dana.Reyes@clinic.example.org"}
        assert json.dumps(statement).lower().count("dana.reyes@") == 1


def test_ralph_refuses_an_agent_with_both_an_account_and_an_e_mail():
    """Why an e-mail replaces the account rather than joining it."""
    statement = all_statements()[0]
    statement["actor"] = {"objectType": "Agent", "account": {"homePage": BASE, "name": PSEUDONYM},
                          "mbox": "mailto:dana.reyes@clinic.example.org"}
    with pytest.raises(ValueError):
        BaseXapiStatement(**statement)


def test_the_observation_says_an_assessor_and_never_who():
    statement = all_statements()[6]
    assert statement["verb"]["id"] == f"{BASE}/xapi/verbs/received"
    assert statement["object"]["definition"]["name"] == {"en-US": "Observation by an assessor"}
    assert statement["result"] == {"extensions": {f"{BASE}/xapi/extensions/levels": {"FP1": 3, "FP2": 3}}}


# ---------------------------------------------------------------- the profile and its document


def own_and_adl_iris_in_the_source() -> set[str]:
    return set(re.findall(r'"((?:http://adlnet\.gov/expapi|\{base\}/xapi)/[^"{}]+)"', SOURCE))


def test_every_iri_in_the_code_and_in_the_statements_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    in_source = own_and_adl_iris_in_the_source()
    assert {"http://adlnet.gov/expapi/verbs/completed", "{base}/xapi/verbs/earned",
            "{base}/xapi/extensions/levels", "{base}/xapi/profile/v1"} <= in_source
    in_statements = {iri.replace(BASE, "{base}") for statement in all_statements() for iri in terms(statement)}
    assert in_statements <= in_source
    for iri in in_source | {c.iri for c in xapi.PROFILE}:
        assert f"`{iri}`" in docs, f"{iri} is not in docs/xapi.md"


def test_the_profile_lists_exactly_the_terms_the_statements_use():
    used = set().union(*(terms(statement) for statement in all_statements()))
    assert {c.at(BASE) for c in xapi.PROFILE} == used
    kinds = {c.iri: c.kind for c in xapi.PROFILE}
    assert kinds[xapi.EXT_ON_REVIEW] == kinds[xapi.EXT_ASSESSMENT_ID] == "ContextExtension"
    assert kinds[xapi.EXT_LEVELS] == kinds[xapi.EXT_ALIGNMENT] == "ResultExtension"
    # ADL's terms are ADL's (and xAPI's cmi.interaction); this installation's own live under its base URL.
    assert all(c.own != c.iri.startswith("http://adlnet.gov/expapi/") for c in xapi.PROFILE)
    assert [c.iri for c in xapi.PROFILE if c.own] == [
        "{base}/xapi/verbs/drafted", "{base}/xapi/verbs/received", "{base}/xapi/verbs/earned",
        "{base}/xapi/activity-types/case-phase", "{base}/xapi/activity-types/credential",
        "{base}/xapi/activity-types/achievement", "{base}/xapi/extensions/on-review",
        "{base}/xapi/extensions/alignment", "{base}/xapi/extensions/levels", "{base}/xapi/extensions/assessment-id"]


def documented_examples() -> list[tuple[str, dict]]:
    """(kind, statement) for each ```json block under a heading that names a kind in backticks."""
    found, kind = [], None
    text = DOCS.read_text(encoding="utf-8")
    for block in re.finditer(r"^### [^\n`]*`(\w+)`[^\n]*$|^```json\n(.*?)^```", text, re.M | re.S):
        if block.group(1):
            kind = block.group(1)
        elif kind in xapi.KINDS:
            found.append((kind, json.loads(block.group(2))))
            kind = None
    return found


def test_the_documented_examples_are_what_the_code_builds():
    documented = documented_examples()
    assert [kind for kind, _ in documented] == [kind for kind, *_ in EXAMPLES]
    for (kind, shown), (_, sid, moment, fields) in zip(documented, EXAMPLES):
        assert shown == build(kind, sid, moment, fields), f"the {kind} example in docs/xapi.md is out of date"


# ---------------------------------------------------------------- two worked examples, in full


def test_worked_example_a_check_answered_on_review():
    statement = xapi.check_answered(
        "0b7d2c4e-5f60-4e1b-8c2d-3a9e7f1b6c22", BASE, ACTOR, datetime(2027, 3, 11, 8, 15, tzinfo=UTC),
        lesson_id="care-coordination-defined", check_id="care-coordination-defined-q1", choice_id="c",
        correct=False, on_review=True)
    assert statement == {
        "id": "0b7d2c4e-5f60-4e1b-8c2d-3a9e7f1b6c22",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://carecoord.example.org",
                                                     "name": "3f9c2a7e5b1d4c8a9e6f0b2d7c4a1e85"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "https://carecoord.example.org/xapi/activities/check/care-coordination-defined-q1",
            "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "choice"},
        },
        "result": {"success": False, "response": "c"},
        "context": {
            "platform": "carecoord",
            "language": "en-US",
            "contextActivities": {
                "parent": [{"objectType": "Activity",
                            "id": "https://carecoord.example.org/xapi/activities/lesson/care-coordination-defined"}],
                "category": [{"objectType": "Activity", "id": "https://carecoord.example.org/xapi/profile/v1",
                              "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
            },
            "extensions": {"https://carecoord.example.org/xapi/extensions/on-review": True},
        },
        "timestamp": "2027-03-11T08:15:00.000+00:00",
        "version": "1.0.0",
    }


def test_worked_example_a_self_assessment():
    statement = xapi.self_assessment_submitted(
        "7b9d1f3a-5c7e-4a9b-8d1f-3a5c7e9b1d66", BASE + "/", ACTOR,
        datetime(2027, 3, 1, 9, 30, 5, 250_000, tzinfo=UTC), assessment_id=412, levels={"FP1": 2, "CM1": 3})
    competency = "https://carecoord.example.org/xapi/activities/competency/"
    assert statement == {
        "id": "7b9d1f3a-5c7e-4a9b-8d1f-3a5c7e9b1d66",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://carecoord.example.org",
                                                     "name": "3f9c2a7e5b1d4c8a9e6f0b2d7c4a1e85"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": "https://carecoord.example.org/xapi/activities/self-assessment",
            "definition": {"name": {"en-US": "Self-assessment against the competency framework"},
                           "type": "http://adlnet.gov/expapi/activities/assessment"},
        },
        "result": {"completion": True,
                   "extensions": {"https://carecoord.example.org/xapi/extensions/levels": {"CM1": 3, "FP1": 2}}},
        "context": {
            "platform": "carecoord",
            "language": "en-US",
            "contextActivities": {
                "category": [{"objectType": "Activity", "id": "https://carecoord.example.org/xapi/profile/v1",
                              "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
                "other": [{"objectType": "Activity", "id": competency + "CM1",
                           "definition": {"type": "http://adlnet.gov/expapi/activities/objective"}},
                          {"objectType": "Activity", "id": competency + "FP1",
                           "definition": {"type": "http://adlnet.gov/expapi/activities/objective"}}],
            },
            "extensions": {"https://carecoord.example.org/xapi/extensions/assessment-id": "412"},
        },
        "timestamp": "2027-03-01T09:30:05.250+00:00",
        "version": "1.0.0",
    }
    assert list(statement) == ["id", "actor", "verb", "object", "result", "context", "timestamp", "version"]


def test_a_statement_is_a_fresh_value_each_time():
    kind, sid, moment, fields = EXAMPLES[5]
    first = build(kind, sid, moment, fields)
    kept = copy.deepcopy(first)
    first["result"]["extensions"].clear()
    assert build(kind, sid, moment, fields) == kept
