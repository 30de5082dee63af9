"""My credentials (a learner downloads their signed badge), the public verification page (anyone, signed in
or not, checks one), and the administrator's Home saying what is not set up."""

import pytest

from carecoord import badges, db as database
from carecoord.content import load_library
from carecoord.store import accounts as A, credentials as held, learning as L
from tests.app.conftest import new_app, page_text, titles

CREDENTIALS = "carecoord/ui/app_pages/my_credentials.py"
VERIFY = "carecoord/ui/app_pages/verify.py"
HOME = "carecoord/ui/app_pages/home.py"
LIBRARY = load_library()
MODULE = LIBRARY.modules[0]


@pytest.fixture
def issuing(monkeypatch, tmp_path):
    key = tmp_path / "signing.pem"
    key.write_bytes(badges.new_signing_key())
    monkeypatch.setenv("CARECOORD_SIGNING_KEY", str(key))
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://carecoord.example.org")


def earn_module(path, username, now):
    connection = database.connect(path)
    person = A.load_person(connection, connection.execute("SELECT id FROM person WHERE username = ?",
                                                          [username]).fetchone()[0])
    connection.execute("DELETE FROM check_answer WHERE person_id = ?", [person.id])  # a clean first try
    for lesson in MODULE.lessons:
        for check in lesson.checks:
            L.answer_check(connection, person, lesson, check, frozenset(c.id for c in check.choices if c.correct),
                           now, library=LIBRARY)
        L.mark_complete(connection, person, lesson, now, library=LIBRARY)
    [credential] = [c for c in held.credentials_of(connection, person, person) if c.achievement_key == MODULE.id]
    connection.close()
    return credential


def test_a_learner_sees_their_signed_credential_with_its_downloads(app_as, app_env, now, issuing):
    earned = earn_module(app_env, "demo-trainee", now)
    at = app_as("trainee").switch_page(CREDENTIALS).run()
    assert titles(at) == ["My credentials"]
    assert "Module: What care coordination is" in page_text(at)  # the title, shown as plain text
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels[:3] == ["Badge image", "Credential file", "What it says (JSON)"]
    assert "carecoord.example.org/verify" in page_text(at)  # the last thing the page draws
    assert earned.issued


def test_without_a_key_what_was_earned_waits_to_be_signed(app_as, app_env, now, monkeypatch):
    monkeypatch.delenv("CARECOORD_SIGNING_KEY", raising=False)
    monkeypatch.setenv("CARECOORD_PUBLIC_URL", "https://carecoord.example.org")
    earn_module(app_env, "demo-trainee", now)
    at = app_as("trainee").switch_page(CREDENTIALS).run()
    assert "waiting to be signed" in page_text(at) and "cannot sign credentials yet" in page_text(at)
    assert not at.get("download_button")


def verify(at, text):
    at.text_area[0].input(text)
    next(b for b in at.button if b.label == "Verify").click()
    return at.run()


def test_anyone_verifies_a_credential_without_signing_in_and_a_changed_one_fails(app_env, now, issuing):
    earned = earn_module(app_env, "demo-trainee", now)
    at = new_app()
    at.switch_page(VERIFY)
    at.run()
    assert titles(at) == ["Verify a credential"]  # no sign-in asked for
    verify(at, earned.token)
    assert any(s.value.startswith("Valid: ") and "awarded to Sam Whitfield" in s.value for s in at.success) and not at.error
    assert "Signature" in page_text(at) or "signature" in page_text(at).lower()
    header, body, signature = earned.token.split(".")
    claims = badges.unverified_claims(earned.token) | {"name": "**Expert** in [everything](https://evil.example)"}
    forged = ".".join([header, badges._b64url(__import__("json").dumps(claims).encode()), signature])
    verify(at, forged)
    assert any(e.value.startswith("Not valid") for e in at.error) and not at.success
    assert "evil.example" not in "".join(m.value for m in at.markdown if "](" in m.value)


def test_the_verification_page_refuses_text_that_is_not_a_credential(app_env, issuing):
    at = new_app()
    at.switch_page(VERIFY)
    verify(at.run(), "hello <script>alert(1)</script>")
    assert any(e.value.startswith("Not valid") for e in at.error)


def test_home_tells_the_administrator_what_is_not_set_up(app_as, monkeypatch):
    for name in ("CARECOORD_PUBLIC_URL", "CARECOORD_SIGNING_KEY", "CARECOORD_XAPI_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    at = app_as("admin").switch_page(HOME).run()
    text = page_text(at)
    assert "No public address is set" in text and "carecoord keys init" in text and "learning record store" in text


def test_a_deeply_nested_paste_is_not_valid_and_breaks_nothing(app_env, issuing):
    import base64

    nested = base64.urlsafe_b64encode(b"[" * 1500 + b"]" * 1500).decode().rstrip("=")  # deeper than json allows
    at = new_app()
    at.switch_page(VERIFY)
    verify(at.run(), f"{nested}.{nested}.{nested}")
    assert any(e.value.startswith("Not valid") for e in at.error) and not at.exception


def test_the_demo_shows_what_its_learners_have_earned(app_as, monkeypatch):
    monkeypatch.delenv("CARECOORD_SIGNING_KEY", raising=False)
    at = app_as("demo-amara").switch_page(CREDENTIALS).run()
    assert "Module: " in page_text(at) and "waiting to be signed" in page_text(at)
