"""`carecoord remind` against a real SMTP server (aiosmtpd) on loopback: what is mailed, once, to whom,
and what happens when the server is down."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from carecoord import cli, clock, db as database
from carecoord.content import load_library
from carecoord.people import LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, observations as O, reminders as R
from tests.app.conftest import app_env  # noqa: F401 - the demo database the app runs on

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework
CODES = [c.code for c in FRAMEWORK.competencies[:4]]


class Collect:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real SMTP server on 127.0.0.1 that the test stops and starts again on the same port."""

    def __init__(self) -> None:
        self.handler, self.port, self.controller = Collect(), free_port(), None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self):
        return self.handler.received


@pytest.fixture(autouse=True)
def frozen(monkeypatch, now):
    """The command reads the clock; here it is the tests' frozen time."""
    monkeypatch.setattr(clock, "utcnow", lambda: now)


def content(message) -> str:
    return message.get_content().replace("\r\n", "\n")


@pytest.fixture
def smtp(monkeypatch):
    server = Server()
    server.start()
    for name in ("CARECOORD_SMTP_USER", "CARECOORD_SMTP_PASSWORD", "CARECOORD_SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CARECOORD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CARECOORD_SMTP_PORT", str(server.port))
    monkeypatch.setenv("CARECOORD_SMTP_FROM", "carecoord@example.org")
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://carecoord.example.org/")
    monkeypatch.setattr(cli, "_library", lambda: LIBRARY)  # loaded once for the file, not once per run
    yield server
    server.stop()


@pytest.fixture
def target(backend, tmp_path, request):
    """Where the command's database is: a file, or a PostgreSQL URL."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database")("empty")
    return str(tmp_path / "remind.db")


@pytest.fixture
def team(target, now):
    """A practice whose lead has an address and whose trainee has none; the trainee asks the lead to observe."""
    db = database.open_database(target)
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    people = {"db": db, "practice": practice}
    for name, role, address in (("lee", LEAD, "lee@example.org"), ("tia", TRAINEE, None)):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name.title(), password="long enough pw",
                              now=now, email=address)
        A.add_membership(db, A.SYSTEM, pid, practice, role, now)
        people[name] = A.load_person(db, pid)
    yield people
    db.close()


def ask(team, code, now, context=""):
    return O.ask_for_observation(team["db"], team["tia"], team["lee"].id, [code], FRAMEWORK, now, context=context)


def remind(target, capsys, *extra):
    code = cli.main(["--db", target, "remind", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def reminder_rows(team):
    return [dict(r) for r in team["db"].query("SELECT key, sent_at, attempts, last_error FROM reminder ORDER BY id")]


def test_one_email_lists_what_waits_and_a_second_run_sends_nothing(smtp, target, team, now, capsys):
    ask(team, CODES[0], now - timedelta(hours=1), context="Family meeting with the Okafor family on Tuesday")
    code, out, _ = remind(target, capsys)
    assert code == 0, out
    [(recipients, message)] = smtp.received
    assert recipients == ["lee@example.org"]
    assert message["To"].addresses[0].addr_spec == "lee@example.org"
    assert message["Subject"] == "What waits for you in carecoord"
    body = content(message)
    assert "- 1 observation request waits for you\n  https://carecoord.example.org/observe" in body
    assert "- A self-assessment is due\n  https://carecoord.example.org/self_assessment" in body
    assert "Okafor" not in body and "Tia" not in body  # nothing anyone wrote, no other person's name
    assert not message.is_multipart() and message.get_content_type() == "text/plain"
    assert "queued 2, sent 2 in 1 e-mail, waiting 0" in out

    code, out, _ = remind(target, capsys)
    assert code == 0 and len(smtp.received) == 1
    assert "queued 0, sent 0 in 0 e-mails, waiting 0" in out


def test_with_the_server_down_a_reminder_waits_and_goes_once_the_server_is_back(smtp, target, team, now, capsys):
    remind(target, capsys)  # the self-assessment that is due
    assert len(smtp.received) == 1
    second = ask(team, CODES[1], now)
    smtp.stop()
    code, out, err = remind(target, capsys)
    assert code == 1
    assert "queued 1, sent 0 in 0 e-mails, waiting 1" in out and "cannot use the mail server" in err
    waiting = [r for r in reminder_rows(team) if r["key"] == f"request:{second}"]
    assert len(waiting) == 1 and waiting[0]["sent_at"] is None and waiting[0]["attempts"] == 1
    assert "127.0.0.1" in waiting[0]["last_error"]

    code, _, _ = remind(target, capsys)  # still down: one more attempt, still nothing lost
    assert code == 1
    assert [r["attempts"] for r in reminder_rows(team) if r["key"] == f"request:{second}"] == [2]

    smtp.start()
    code, out, _ = remind(target, capsys)
    assert code == 0 and "queued 0, sent 1 in 1 e-mail, waiting 0" in out
    assert len(smtp.received) == 2
    assert "1 observation request waits for you" in content(smtp.received[1][1])
    assert "self-assessment" not in content(smtp.received[1][1])  # told before
    remind(target, capsys)
    assert len(smtp.received) == 2


def test_opting_out_stops_the_mails(smtp, target, team, now, capsys):
    lee, db = team["lee"], team["db"]
    assert R.email_reminders_on(db, lee, lee)
    R.set_email_reminders(db, lee, lee, False)
    assert not R.email_reminders_on(db, lee, lee)
    ask(team, CODES[0], now)
    code, out, _ = remind(target, capsys)
    assert code == 0 and smtp.received == [] and "queued 0" in out
    assert reminder_rows(team) == []
    R.set_email_reminders(db, lee, lee, True)
    remind(target, capsys)
    assert len(smtp.received) == 1


def test_only_the_person_themself_chooses(team):
    with pytest.raises(PermissionDenied):
        R.set_email_reminders(team["db"], team["tia"], team["lee"], False)
    with pytest.raises(PermissionDenied):
        R.email_reminders_on(team["db"], team["tia"], team["lee"])
    with pytest.raises(PermissionDenied, match="Only the system"):
        R.unsent(team["db"], team["tia"])


def test_a_name_with_a_line_break_adds_no_header(smtp, target, team, now, capsys):
    team["db"].execute("UPDATE person SET display_name = ? WHERE id = ?",
                       ["Lee\r\nBcc: thief@example.net", team["lee"].id])
    code, _, _ = remind(target, capsys)
    assert code == 0
    [(recipients, message)] = smtp.received
    assert recipients == ["lee@example.org"]
    assert message["Bcc"] is None and "thief@example.net" not in [a.addr_spec for a in message["To"].addresses]
    assert len(message.get_all("To")) == 1


def test_nobody_without_an_address_or_with_a_disabled_account_gets_anything(smtp, target, team, now, capsys):
    db = team["db"]
    db.execute("UPDATE person SET email = NULL WHERE id = ?", [team["lee"].id])
    ask(team, CODES[0], now)
    code, out, _ = remind(target, capsys)
    assert code == 0 and smtp.received == [] and "queued 0" in out
    db.execute("UPDATE person SET email = 'lee@example.org', disabled = 1 WHERE id = ?", [team["lee"].id])
    remind(target, capsys)
    assert smtp.received == []


def test_without_a_server_configured_it_only_expires_requests(target, team, now, capsys, monkeypatch):
    monkeypatch.delenv("CARECOORD_SMTP_HOST", raising=False)
    request = ask(team, CODES[0], now - timedelta(days=FRAMEWORK.achievement.request_expires_days + 1))
    code, out, _ = remind(target, capsys)
    assert code == 0
    assert "Expired 1 observation request" in out and "E-mail is off" in out
    assert O.request_for(team["db"], team["tia"], request).status == O.EXPIRED
    assert reminder_rows(team) == []


def test_dry_run_prints_and_changes_nothing(smtp, target, team, now, capsys):
    ask(team, CODES[0], now)
    code, out, _ = remind(target, capsys, "--dry-run")
    assert code == 0 and "To lee@example.org" in out and "1 observation request waits for you" in out
    assert smtp.received == [] and reminder_rows(team) == []


def test_the_queue_keeps_a_key_once(team, now):
    db, lee = team["db"], team["lee"]
    assert R.queue(db, A.SYSTEM, lee.id, "request:1", "s", "b", now)
    assert not R.queue(db, A.SYSTEM, lee.id, "request:1", "s", "b", now + timedelta(days=1))
    assert R.status(db, A.SYSTEM) == R.Status(sent=0, waiting=1, failing=0)
    [(recipient, [reminder])] = R.unsent(db, A.SYSTEM).items()
    R.record_failure(db, A.SYSTEM, [reminder.id], "down")
    assert R.status(db, A.SYSTEM) == R.Status(sent=0, waiting=1, failing=1)
    R.mark_sent(db, A.SYSTEM, [reminder.id], clock.utcnow())
    assert R.status(db, A.SYSTEM) == R.Status(sent=1, waiting=0, failing=0)


def test_erasing_a_person_deletes_their_reminders_and_the_export_lists_them(team, now):
    from carecoord.store import personal_data as P

    db, lee = team["db"], team["lee"]
    admin = A.load_person(db, A.create_person(db, A.SYSTEM, username="ada", display_name="Ada", is_admin=True,
                                              password="long enough pw", now=now))
    R.queue(db, A.SYSTEM, lee.id, "request:7", "s", "1 observation request waits for you", now)
    exported = P.export_person(db, admin, lee.id, now)["email_reminders"]
    assert [(row["reminders_on"], row["key"]) for row in exported] == [(1, "request:7")]
    P.erase_person(db, admin, lee.id, now)
    assert reminder_rows(team) == []


@pytest.mark.sqlite_only("the page's toggle; the store behind it runs on both backends above")
def test_my_account_turns_reminders_off_and_on(app_env, now):
    from tests.app.conftest import new_app, sign_in_as

    at = sign_in_as(new_app(), app_env, "demo-trainee", now).switch_page("carecoord/ui/app_pages/account.py").run()
    assert not [t for t in at.toggle if t.label == "E-mail me reminders"]  # no address: nothing to turn on
    assert "you have none, so they are only in the app" in " ".join(m.value for m in at.markdown)
    db = database.connect(app_env)
    db.execute("UPDATE person SET email = 'sam@example.org' WHERE username = 'demo-trainee'")
    db.conn.commit()
    at = sign_in_as(new_app(), app_env, "demo-trainee", now).switch_page("carecoord/ui/app_pages/account.py").run()
    [toggle] = [t for t in at.toggle if t.label == "E-mail me reminders"]
    assert toggle.value is True and not toggle.disabled
    toggle.set_value(False).run()
    try:
        assert db.execute("SELECT email_reminders FROM person WHERE username = 'demo-trainee'").fetchone()[0] == 0
        [toggle] = [t for t in at.toggle if t.label == "E-mail me reminders"]
        assert toggle.value is False and not at.exception
    finally:
        db.close()


def test_an_address_that_cannot_be_used_holds_up_nobody_else(smtp, target, team, now, capsys):
    db = team["db"]
    db.execute("UPDATE person SET email = 'tia at home' WHERE id = ?", [team["tia"].id])
    db.execute("UPDATE person SET display_name = 'Zoë Brontë' WHERE id = ?", [team["lee"].id])
    code, out, err = remind(target, capsys)
    assert code == 1 and f"person {team['tia'].id}: the e-mail address cannot be used" in err
    [(recipients, message)] = smtp.received
    assert recipients == ["lee@example.org"] and message["To"].addresses[0].display_name == "Zoë Brontë"
    held = [r for r in team["db"].query("SELECT attempts, sent_at FROM reminder WHERE person_id = ?",
                                        [team["tia"].id])]
    assert held == [{"attempts": 1, "sent_at": None}]
