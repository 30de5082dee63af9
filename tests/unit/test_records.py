"""xAPI learning records, end to end against a real learning record store (ralph, tests/lrs.py): what a
learner does is queued in the same transaction, sent, read back equal, survives the LRS going down, and
an erased person's pseudonym and waiting statements are gone."""

from datetime import timedelta

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement

from carecoord import lrs as lrs_client, outbox
from carecoord.content import load_library
from carecoord.people import TRAINEE
from carecoord.store import accounts as A, cases as C, learning as L, personal_data, records

LIBRARY = load_library()
BASE = "https://carecoord.example.org"


@pytest.fixture
def xapi_on(monkeypatch, lrs):
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", BASE)
    monkeypatch.setenv("CARECOORD_XAPI_ENDPOINT", lrs.endpoint)
    monkeypatch.setenv("CARECOORD_XAPI_USERNAME", lrs.username)
    monkeypatch.setenv("CARECOORD_XAPI_PASSWORD", lrs.password)
    return lrs_client.settings()


def trainee(db, now):
    practice = A.create_practice(db, A.SYSTEM, "North", now)
    person_id = A.add_person_to_practice(db, A.SYSTEM, practice, TRAINEE, now, username="tia", display_name="Tia Reyes",
                                         password="correct horse battery", email="tia@example.org")
    return A.load_person(db, person_id)


def learn(db, person, now, lessons=1):
    """Complete lessons and answer each of their checks, the first choice first (right or wrong)."""
    for lesson in LIBRARY.modules[0].lessons[:lessons]:
        for check in lesson.checks:
            L.answer_check(db, person, lesson, check, frozenset({check.choices[0].id}), now, library=LIBRARY)
        L.mark_complete(db, person, lesson, now, library=LIBRARY)


def outbox_rows(db, person_id):
    return list(db.query("SELECT statement_id, kind, statement, sent_at, attempts FROM xapi_outbox "
                         "WHERE person_id = ? ORDER BY id", [person_id]))


def test_nothing_is_queued_without_a_public_address_and_an_lrs(db, now, monkeypatch):
    monkeypatch.delenv("CARECOORD_PUBLIC_URL", raising=False)
    monkeypatch.delenv("CARECOORD_XAPI_ENDPOINT", raising=False)
    person = trainee(db, now)
    learn(db, person, now)
    assert outbox_rows(db, person.id) == [] and records.status(db).waiting == 0


def test_what_a_learner_does_reaches_the_lrs_once_and_reads_back_the_same(db, now, xapi_on, lrs):
    import json

    person = trainee(db, now)
    learn(db, person, now)
    case = LIBRARY.cases[0]
    attempt = C.start_attempt(db, person, case, now)
    phase, decision = case.phases[0], case.phases[0].decisions[0]
    C.choose(db, person, attempt.id, phase, decision, decision.options[0].id, now, case)
    rows = outbox_rows(db, person.id)
    kinds = [r["kind"] for r in rows]
    lesson = LIBRARY.modules[0].lessons[0]
    assert kinds == ["check_answered"] * len(lesson.checks) + ["lesson_completed", "case_decision_made"]
    statements = [json.loads(r["statement"]) for r in rows]
    for statement in statements:
        BaseXapiStatement(**statement)  # the shape ralph's own model requires
        assert "Tia" not in json.dumps(statement) and "tia@" not in json.dumps(statement)  # pseudonymous
    first_check = statements[0]
    assert first_check["result"]["response"] == lesson.checks[0].choices[0].id  # the choice's id, not a position

    result = outbox.send_due(db, xapi_on, lambda: now)
    assert (result.sent, result.refused, result.unavailable) == (len(rows), 0, "")
    assert records.status(db).waiting == 0
    held = lrs_client.get_statements(xapi_on, agent=statements[0]["actor"])
    assert sorted(s["id"] for s in held) == sorted(s["id"] for s in statements)
    by_id = {s["id"]: s for s in held}
    for statement in statements:
        back = by_id[statement["id"]]
        for field in ("actor", "verb", "object", "result", "timestamp"):
            if field in statement:
                assert _same(back[field], statement[field]), field


def _same(back, sent):
    """ralph may add fields and normalise the timestamp; every sent field comes back with its value."""
    if isinstance(sent, dict):
        return all(_same(back.get(k), v) for k, v in sent.items())
    if isinstance(sent, str) and isinstance(back, str) and sent[:4].isdigit() and "T" in sent:
        return back[:19] == sent[:19]
    return back == sent


def test_statements_wait_while_the_lrs_is_down_and_all_arrive_once_when_it_is_back(db, now, xapi_on, lrs):
    person = trainee(db, now)
    learn(db, person, now)
    first = outbox.send_due(db, xapi_on, lambda: now)
    assert first.sent > 0
    lrs.stop()
    try:
        learn(db, person, now + timedelta(minutes=1), lessons=2)  # the second lesson, while the LRS is down
        down = outbox.send_due(db, xapi_on, lambda: now + timedelta(minutes=1))
        assert down.sent == 0 and down.unavailable
        waiting = records.status(db)
        assert waiting.waiting > 0 and waiting.failing == waiting.waiting and waiting.last_error
        too_soon = outbox.send_due(db, xapi_on, lambda: now + timedelta(minutes=1, seconds=30))
        assert too_soon.sent == 0 and not too_soon.unavailable  # backing off: nothing tried yet
    finally:
        lrs.start()
    back = outbox.send_due(db, xapi_on, lambda: now + timedelta(minutes=3))
    assert back.sent == waiting.waiting and records.status(db).waiting == 0
    # Send everything again, as a crash after the LRS took it would: the LRS still holds each statement once.
    db.execute("UPDATE xapi_outbox SET sent_at = NULL")
    again = outbox.send_due(db, xapi_on, lambda: now + timedelta(minutes=4))
    assert again.sent == len(outbox_rows(db, person.id))
    actor = {"objectType": "Agent", "account": {"homePage": BASE, "name": records.pseudonym(db, person.id, now)}}
    held = lrs_client.get_statements(xapi_on, agent=actor)
    assert len(held) == len({s["id"] for s in held}) == len(outbox_rows(db, person.id))


def test_a_refused_statement_does_not_hold_back_the_others(db, now, xapi_on):
    person = trainee(db, now)
    learn(db, person, now)
    bad = db.execute("SELECT id FROM xapi_outbox ORDER BY id LIMIT 1").fetchone()[0]
    db.execute("UPDATE xapi_outbox SET statement = '{\"id\": \"not a statement\"}' WHERE id = ?", [bad])
    result = outbox.send_due(db, xapi_on, lambda: now)
    assert result.refused == 1 and result.sent == len(outbox_rows(db, person.id)) - 1
    status = records.status(db)
    assert status.waiting == 1 and "refused" in status.last_error


def test_erasing_a_person_drops_their_pseudonym_and_waiting_statements(db, now, xapi_on):
    person = trainee(db, now)
    learn(db, person, now)
    admin = A.load_person(db, A.create_person(db, A.SYSTEM, username="ada", display_name="Ada",
                                              password="correct horse battery", now=now, is_admin=True))
    personal_data.erase_person(db, admin, person.id, now)
    assert outbox_rows(db, person.id) == []
    assert db.execute("SELECT count(*) FROM xapi_actor WHERE person_id = ?", [person.id]).fetchone()[0] == 0


@pytest.mark.sqlite_only("the command line's own behaviour; the store under it runs on both backends above")
def test_the_command_line_sends_and_reports_what_waits(tmp_path, now, xapi_on, lrs, capsys, monkeypatch):
    from carecoord import cli, db as database

    path = tmp_path / "cli.db"
    connection = database.open_database(path)
    person = trainee(connection, now)
    learn(connection, person, now)
    waiting = records.status(connection).waiting
    assert cli.main(["--db", str(path), "xapi", "status"]) == 0
    assert f"Waiting: {waiting} (of which 0 failed at least once); sent: 0." in capsys.readouterr().out
    assert cli.main(["xapi", "send", "--db", str(path)]) == 0
    assert f"Sent {waiting} statements" in capsys.readouterr().out
    monkeypatch.delenv("CARECOORD_XAPI_ENDPOINT")
    assert cli.main(["--db", str(path), "xapi", "send"]) == 0
    assert "xAPI is off" in capsys.readouterr().out
    monkeypatch.setenv("CARECOORD_XAPI_ENDPOINT", "ftp://lrs.example.org/")
    assert cli.main(["--db", str(path), "xapi", "send"]) == 2
    assert "http:// or https://" in capsys.readouterr().err


def test_a_wrong_identification_setting_never_fails_the_action(db, now, xapi_on, monkeypatch):
    monkeypatch.setenv("CARECOORD_XAPI_IDENTIFY", "yes please")
    person = trainee(db, now)
    learn(db, person, now)  # completes and answers: nothing raised
    assert db.execute("SELECT count(*) FROM lesson_progress WHERE person_id = ?", [person.id]).fetchone()[0] == 1
    assert all("Tia" not in r["statement"] for r in outbox_rows(db, person.id))  # sent by pseudonym
    from carecoord import public
    assert any("CARECOORD_XAPI_IDENTIFY" in p for p in public.problems())
