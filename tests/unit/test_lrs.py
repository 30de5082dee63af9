"""carecoord.lrs: the settings, and sending and reading statements against a real LRS (ralph, from
the `lrs` fixture, tests/lrs.py)."""

from __future__ import annotations

import secrets
import socket
import time
import uuid

import pytest

from carecoord import lrs as xapi

HOME = "https://carecoord.example.org"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def statement(learner: str, lesson: str, verb: str = COMPLETED, **more) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "timestamp": "2026-03-02T15:30:00.000+00:00",
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": learner}},
        "verb": {"id": verb, "display": {"en-GB": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": f"{HOME}/xapi/activities/lesson/{lesson}",
                   "definition": {"name": {"en-GB": f"Lesson {lesson}"},
                                  "type": "http://adlnet.gov/expapi/activities/lesson"}},
        **more,
    }


def agent(learner: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": learner}}


@pytest.fixture
def settings(lrs) -> xapi.LrsSettings:
    return xapi.make_settings(lrs.endpoint, lrs.username, lrs.password)


@pytest.fixture
def learner() -> str:
    """An opaque id of this test's own: the session's LRS is shared, each test reads its learner's statements."""
    return secrets.token_hex(8)


def stored_of(settings, learner: str) -> dict[str, dict]:
    found = xapi.get_statements(settings, agent=agent(learner))
    ids = [s["id"] for s in found]
    assert len(ids) == len(set(ids)), f"a statement is stored twice: {ids}"
    return {s["id"]: s for s in found}


def assert_kept(sent: list[dict], stored: dict[str, dict]) -> None:
    assert set(stored) == {s["id"] for s in sent}
    for one in sent:
        assert {key: stored[one["id"]][key] for key in one} == one
        assert stored[one["id"]]["stored"]  # the LRS's own fields come on top


# Settings: no LRS needed.

def test_settings_are_off_without_an_endpoint(monkeypatch):
    monkeypatch.delenv("CARECOORD_XAPI_ENDPOINT", raising=False)
    assert xapi.settings() is None
    monkeypatch.setenv("CARECOORD_XAPI_ENDPOINT", "  ")
    assert xapi.settings() is None


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARECOORD_XAPI_ENDPOINT", "https://lrs.example.org/xAPI")
    monkeypatch.setenv("CARECOORD_XAPI_USERNAME", "carecoord")
    monkeypatch.setenv("CARECOORD_XAPI_PASSWORD", "s3cret")
    found = xapi.settings()
    assert found == xapi.LrsSettings("https://lrs.example.org/xAPI/", "carecoord", "s3cret")
    assert "s3cret" not in repr(found) and "s3cret" not in found.describe()


@pytest.mark.parametrize("endpoint", ["ftp://lrs.example.org/xAPI/", "lrs.example.org/xAPI/", "file:///etc/passwd",
                                      "https://user:pw@lrs.example.org/xAPI/", "https://lrs.example.org:99999/",
                                      "https://lrs.example.org/xAPI/?x=1"])
def test_an_endpoint_that_is_not_plain_http_is_refused(monkeypatch, endpoint):
    monkeypatch.setenv("CARECOORD_XAPI_ENDPOINT", endpoint)
    with pytest.raises(xapi.ConfigurationError, match="CARECOORD_XAPI_ENDPOINT"):
        xapi.settings()


def test_a_statement_without_its_own_id_or_timestamp_is_not_sent():
    somewhere = xapi.make_settings("http://127.0.0.1:9/xAPI/")  # never reached
    for missing in ("id", "timestamp"):
        one = statement("x", "1")
        del one[missing]
        with pytest.raises(ValueError, match="id and timestamp"):
            xapi.post_statements(somewhere, [one])
    one = statement("x", "1")
    with pytest.raises(ValueError, match="twice"):
        xapi.post_statements(somewhere, [one, dict(one)])
    assert xapi.post_statements(somewhere, []) == []


def test_the_lrs_reason_is_cut_to_500_characters():
    reason = xapi._reason(b'{"detail": "' + b"x" * 2000 + b'"}', "")
    assert len(reason) == 500
    assert xapi._reason(b'{"detail": [{"loc": ["body", 0, "object", "id"], "msg": "Field required"}]}', "") \
        == "0.object.id: Field required"
    assert xapi._reason(b"", "Bad Request") == "Bad Request"


def test_an_lrs_that_does_not_answer_times_out():
    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        somewhere = xapi.make_settings(f"http://127.0.0.1:{silent.getsockname()[1]}/xAPI/")
        started = time.monotonic()
        with pytest.raises(xapi.LrsUnavailable, match="could not be reached"):
            xapi.post_statements(somewhere, [statement("x", "1")], timeout=0.5)
        assert time.monotonic() - started < 5


# Against ralph.

def test_statements_sent_come_back_as_sent(settings, learner):
    sent = [statement(learner, "1"), statement(learner, "2", ANSWERED, result={"success": True, "score": {"scaled": 0.8}})]
    assert xapi.post_statements(settings, sent) == [s["id"] for s in sent]
    assert_kept(sent, stored_of(settings, learner))
    assert xapi.get_statements(settings, statementId=sent[1]["id"])[0]["result"] == sent[1]["result"]


def test_every_page_is_read(settings, learner):
    sent = [statement(learner, str(n)) for n in range(3)]
    xapi.post_statements(settings, sent)
    assert {s["id"] for s in xapi.get_statements(settings, agent=agent(learner), limit=1)} == {s["id"] for s in sent}


def test_a_resend_is_a_success_and_stored_once(settings, learner):
    first = [statement(learner, "1"), statement(learner, "2")]
    xapi.post_statements(settings, first)
    # ralph answers a resend of statements it holds, all of them, 204 No Content
    body = xapi.json.dumps(first).encode()
    assert xapi._request(settings, settings.endpoint + "statements", body, 10)[0] == 204
    assert xapi.post_statements(settings, first) == [s["id"] for s in first]
    # and a batch part old, part new, 200 with the new ids only
    again = [first[1], statement(learner, "3")]
    assert xapi.post_statements(settings, again) == [s["id"] for s in again]
    assert_kept([*first, again[1]], stored_of(settings, learner))


def test_another_statement_under_a_stored_id_is_a_conflict(settings, learner):
    one = statement(learner, "1")
    xapi.post_statements(settings, [one])
    with pytest.raises(xapi.LrsConflict) as refused:
        xapi.post_statements(settings, [{**one, "verb": {"id": ANSWERED}}])
    assert refused.value.status == 409 and one["id"] in refused.value.reason
    assert_kept([one], stored_of(settings, learner))


def test_while_the_lrs_is_down_sending_fails_fast_and_works_once_it_is_back(lrs, settings, learner):
    before = [statement(learner, "1")]
    xapi.post_statements(settings, before)
    during = [statement(learner, "2"), statement(learner, "3")]
    lrs.stop()
    try:
        started = time.monotonic()
        with pytest.raises(xapi.LrsUnavailable, match="could not be reached"):
            xapi.post_statements(settings, during, timeout=2)
        with pytest.raises(xapi.LrsUnavailable):
            xapi.get_statements(settings, agent=agent(learner), timeout=2)
        assert time.monotonic() - started < 3
    finally:
        lrs.start()
    assert xapi.post_statements(settings, during) == [s["id"] for s in during]
    assert xapi.post_statements(settings, [*before, *during])  # the outbox sends everything again: harmless
    assert_kept([*before, *during], stored_of(settings, learner))  # kept across the restart, each once


def test_a_malformed_statement_is_refused_with_the_lrs_reason_and_nothing_is_kept(settings, learner):
    good, bad = statement(learner, "1"), statement(learner, "2")
    del bad["object"]["id"]
    with pytest.raises(xapi.LrsRefused) as refused:
        xapi.post_statements(settings, [good, bad])
    assert 400 <= refused.value.status < 500 and not isinstance(refused.value, xapi.LrsConflict)
    assert "object.id: Field required" in refused.value.reason
    assert len(refused.value.reason) <= 500
    assert stored_of(settings, learner) == {}


def test_bad_credentials_are_refused(lrs, settings, learner):
    for wrong in (xapi.make_settings(lrs.endpoint, lrs.username, "not-the-password"),
                  xapi.make_settings(lrs.endpoint, "nobody", lrs.password),
                  xapi.make_settings(lrs.endpoint)):
        with pytest.raises(xapi.LrsRefused) as refused:
            xapi.post_statements(wrong, [statement(learner, "1")])
        assert refused.value.status in (401, 403), refused.value
        with pytest.raises(xapi.LrsRefused):
            xapi.get_statements(wrong, agent=agent(learner))
    assert stored_of(settings, learner) == {}


def test_a_wrong_path_is_refused(lrs, learner):
    elsewhere = xapi.make_settings(lrs.endpoint.replace("/xAPI/", "/nothing/"), lrs.username, lrs.password)
    with pytest.raises(xapi.LrsRefused) as refused:
        xapi.post_statements(elsewhere, [statement(learner, "1")])
    assert refused.value.status == 404
