"""Going live: set-up only with the logged token, the demo switched off, writes only for a live sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
import streamlit as st

from carecoord import clock, db as database, demo
from carecoord.content import load_library
from carecoord.store import accounts
from carecoord.ui import session
from tests.app.conftest import new_app, page_text, sign_in_form, titles

PLAYER = "carecoord/ui/app_pages/case_player.py"
MY_STORIES = "carecoord/ui/app_pages/my_stories.py"
PRACTICES = "carecoord/ui/app_pages/practices.py"
PEOPLE = "carecoord/ui/app_pages/people.py"
PASSWORD = "a strong passphrase"


def looks_local(monkeypatch, headers: dict[str, str]) -> None:
    """Make every request look as it does behind a reverse proxy on the server itself."""
    context = type(st.context)
    monkeypatch.setattr(context, "ip_address", property(lambda self: None))
    monkeypatch.setattr(context, "headers", property(lambda self: headers))


def offers_set_up(at) -> bool:
    return any(b.label == "Create administrator" for b in at.button)


@pytest.mark.parametrize("headers", [{}, {"X-Real-IP": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"}])
def test_set_up_is_never_offered_for_looking_local(empty_db, monkeypatch, headers):
    looks_local(monkeypatch, headers)
    at = new_app().run()
    assert titles(at) == ["Set up carecoord"]
    assert not offers_set_up(at)
    assert "open the address printed in the server log" in page_text(at)


def test_set_up_with_the_logged_token_is_offered(empty_db):
    at = new_app()
    at.query_params["setup"] = session.setup_token()
    assert offers_set_up(at.run())  # the positive twin: the button exists when it should


@pytest.mark.parametrize("value", ["é" * 22, "\u0000", "x" * 100_000, ""])
def test_a_malformed_setup_value_is_refused_not_raised(empty_db, value):
    at = new_app()
    at.query_params["setup"] = value
    at.run()
    assert not at.exception
    assert titles(at) == ["Set up carecoord"]
    assert not offers_set_up(at)
    assert "Something went wrong" not in page_text(at)


# ---------------------------------------------------------------- the demo after go-live


def real_admin(path, now):
    db = database.connect(path)
    return accounts.load_person(db, accounts.create_person(db, accounts.SYSTEM, username="ada", display_name="Ada",
                                                            password=PASSWORD, is_admin=True, now=now))


def test_after_go_live_the_demo_cannot_sign_in_and_its_passwords_are_no_longer_shown(app_env, now):
    at = new_app().run()
    assert demo.DEMO_PASSWORD in page_text(at)
    real_admin(app_env, now)
    at = new_app().run()
    assert demo.DEMO_PASSWORD not in page_text(at)
    for username in ("demo-admin", "demo-lead", "demo-trainee"):
        at = sign_in_form(new_app().run(), username, demo.DEMO_PASSWORD)
        assert titles(at) == ["Sign in to carecoord"], username


def test_a_real_administrator_keeps_the_demo_on_and_every_page_says_so(app_env, now):
    admin = real_admin(app_env, now)
    at = sign_in_form(new_app().run(), "ada", PASSWORD)
    at.switch_page(PRACTICES).run()
    next(t for t in at.toggle if t.label.startswith("Keep the demo accounts on")).set_value(True).run()
    assert accounts.demo_state(database.connect(app_env)) == "kept_on"
    trainee = sign_in_form(new_app().run(), "demo-trainee", demo.DEMO_PASSWORD)
    assert titles(trainee) == ["My learning"]
    assert any("Demo accounts are switched on" in w.value for w in trainee.warning)
    accounts.keep_demo_on(database.connect(app_env), admin, False, now)
    trainee.run()
    assert titles(trainee) == ["Sign in to carecoord"]  # an open demo tab ends at its next action


# ---------------------------------------------------------------- writes only for a live sign-in


def reflection_texts(path) -> list[str]:
    return [row[0] for row in database.connect(path).execute("SELECT text FROM case_reflection")]


def trainee_in_a_case(app_as):
    at = app_as("trainee").switch_page(PLAYER)
    at.query_params["case"] = "epilepsy-infant-to-adult"
    at.run()
    next(b for b in at.button if b.label == "Start the case").click()
    at.run()
    first = load_library().case("epilepsy-infant-to-adult").phases[0]
    at.multiselect[0].set_value([n.label for n in first.care_map.nodes[:4]])
    next(b for b in at.button if b.label == "Check my map").click()
    at.run()
    at.text_area[0].input("First thoughts.")
    at.run()
    return at


def test_a_disabled_trainees_open_tab_saves_nothing(app_as, app_env, now):
    at = trainee_in_a_case(app_as)
    assert "First thoughts." in reflection_texts(app_env)
    db = database.connect(app_env)
    admin = accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = 'demo-admin'").fetchone()[0])
    trainee = db.execute("SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0]
    accounts.set_disabled(db, admin, trainee, True, clock.utcnow())
    at.text_area[0].input("Typed after the account was disabled.")
    at.run()
    assert "Typed after the account was disabled." not in reflection_texts(app_env)
    assert "First thoughts." in reflection_texts(app_env)
    assert titles(at) == ["Sign in to carecoord"]


def test_text_typed_after_the_idle_limit_is_not_saved_before_the_password(app_as, app_env):
    at = trainee_in_a_case(app_as)
    database.connect(app_env).execute("UPDATE sign_in SET last_seen_at = ?",
                                      [(clock.utcnow() - timedelta(hours=2)).isoformat()])
    at.text_area[0].input("Typed by whoever sat down at the computer.")
    at.run()
    assert "Typed by whoever sat down at the computer." not in reflection_texts(app_env)
    assert "First thoughts." in reflection_texts(app_env)
    assert titles(at) == ["Are you still there?"]


def faculty_writing_a_story(app_as):
    """Family faculty with a new draft whose title "Before" has saved itself."""
    at = app_as("family_faculty").switch_page(MY_STORIES).run()
    next(b for b in at.button if b.label == "Write a new story").click()
    at.run()
    next(t for t in at.text_input if t.label == "Title").input("Before").run()
    return at


def test_a_story_field_is_not_saved_after_sign_out_everywhere(app_as, app_env):
    at = faculty_writing_a_story(app_as)
    db = database.connect(app_env)
    faculty = accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = 'demo-faculty'").fetchone()[0])
    accounts.sign_out_everywhere(db, faculty, clock.utcnow())
    next(t for t in at.text_input if t.label == "Title").input("After").run()
    titles_saved = [row[0] for row in db.execute("SELECT title FROM story WHERE author_id = ?", [faculty.id])]
    assert "Before" in titles_saved and "After" not in titles_saved


def test_a_story_field_typed_after_the_idle_limit_is_not_saved(app_as, app_env):
    at = faculty_writing_a_story(app_as)
    db = database.connect(app_env)
    db.execute("UPDATE sign_in SET last_seen_at = ?", [(clock.utcnow() - timedelta(hours=2)).isoformat()])
    next(t for t in at.text_input if t.label == "Title").input("Typed two hours later").run()
    saved = [row[0] for row in db.execute("SELECT title FROM story")]
    assert "Before" in saved and "Typed two hours later" not in saved
    assert titles(at) == ["Are you still there?"]


def test_an_administrator_lets_a_slowed_down_person_try_again_at_once(app_as, app_env):
    db = database.connect(app_env)
    moment, failures = clock.utcnow(), 0
    while failures < 10:  # each try as soon as allowed: the next one then waits 32 s
        result = accounts.sign_in_with_password(db, "demo-lead", "wrong wrong wrong", moment)
        moment, failures = (result.retry_at, failures) if result.outcome == "wait" else (moment, failures + 1)
    assert accounts.sign_in_with_password(db, "demo-lead", demo.DEMO_PASSWORD, clock.utcnow()).outcome == "wait"
    at = app_as("admin").switch_page(PEOPLE).run()
    account = next(s for s in at.selectbox if s.label == "Account")
    account.set_value(next(o for o in account.options if "(demo-lead)" in o)).run()
    assert any("their next sign-in waits until" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Let them try again now").click()
    at.run()
    assert "can try to sign in again now" in page_text(at)
    assert accounts.sign_in_with_password(db, "demo-lead", demo.DEMO_PASSWORD, clock.utcnow()).outcome == "ok"


# ---------------------------------------------------------------- whose address to throttle


@pytest.mark.parametrize("trusted, peer, forwarded, expected", [
    ("", None, "203.0.113.9", None),                                  # no proxy named: per username only
    ("127.0.0.1", None, "203.0.113.9", "203.0.113.9"),                # loopback proxy named: its header counts
    ("127.0.0.1", None, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client wrote the first entry
    ("127.0.0.1, 10.0.0.5", None, "203.0.113.9, 10.0.0.5", "203.0.113.9"),  # a chain of trusted proxies
    ("10.0.0.5", "192.0.2.44", "203.0.113.9", None),                  # not from a trusted proxy: header ignored
    ("10.0.0.5", "10.0.0.5", "", None),                               # a trusted proxy that says nothing
    ("127.0.0.1", None, "x" * 100, None),                             # nonsense is not an address to key on
])
def test_a_client_address_is_believed_only_from_a_proxy_the_administrator_named(
        monkeypatch, trusted, peer, forwarded, expected):
    monkeypatch.setenv("CARECOORD_TRUSTED_PROXIES", trusted)
    context = type(st.context)
    monkeypatch.setattr(context, "ip_address", property(lambda self: peer))
    monkeypatch.setattr(context, "headers", property(lambda self: {"X-Forwarded-For": forwarded}))
    assert session.client_address() == expected
