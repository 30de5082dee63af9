"""Set-up, sign-in, passwords and navigation, driven through streamlit_app.py."""

from __future__ import annotations

import pytest

from carecoord import clock, db as database, demo
from carecoord.store import accounts
from carecoord.ui import session
from tests.app.conftest import new_app, page_text, sign_in_form, titles

PEOPLE = "carecoord/ui/app_pages/people.py"
PRACTICES = "carecoord/ui/app_pages/practices.py"
AUDIT = "carecoord/ui/app_pages/audit.py"
ACCOUNT = "carecoord/ui/app_pages/account.py"


def test_first_run_offers_set_up_only_with_the_logged_token(empty_db):
    at = new_app().run()
    assert titles(at) == ["Set up carecoord"]
    assert "no accounts yet" in page_text(at)
    assert not any(b.label == "Create administrator" for b in at.button)


def set_up_app():
    at = new_app()
    at.query_params["setup"] = session.setup_token()
    return at.run()


def create_first_admin(at, name, password):
    inputs = {t.label: t for t in at.text_input}
    inputs["Your name"].input(name)
    inputs["Username"].input("ada")
    inputs["Password (at least 10 characters)"].input(password)
    inputs["Password again"].input(password)
    next(b for b in at.button if b.label == "Create administrator").click()
    return at.run()


def test_first_run_creates_the_first_administrator(empty_db):
    at = create_first_admin(set_up_app(), "Ada Lovelace", "a strong passphrase")
    assert titles(at) == ["Sign in to carecoord"]
    assert "Administrator created" in page_text(at)
    at = sign_in_form(at, "ada", "a strong passphrase")
    assert titles(at) == ["Welcome, Ada Lovelace"]
    assert "administrator" in page_text(at)


def test_set_up_refuses_a_short_password_at_the_field(empty_db):
    at = create_first_admin(set_up_app(), "Ada", "short")
    assert titles(at) == ["Set up carecoord"]
    assert "Use at least 10 characters." in [e.value for e in at.error]
    assert accounts.person_count(database.connect(empty_db)) == 0


def test_first_run_loads_the_demo(empty_db):
    at = set_up_app()
    next(b for b in at.button if b.label == "Load the demo practice").click()
    at.run()
    assert titles(at) == ["Sign in to carecoord"]
    assert demo.DEMO_PASSWORD in page_text(at)
    usernames = [row["Username"] for row in at.table[0].value.to_dict("records")]
    assert "demo-lead" in usernames and "demo-trainee" in usernames


@pytest.mark.parametrize("username, heading", [
    ("demo-admin", "Welcome, Dana Okafor"),
    ("demo-lead", "Team readiness"),
    ("demo-trainee", "My learning"),
    ("demo-faculty", "My stories"),
])
def test_each_role_signs_in_and_sees_the_demo_banner(app_env, username, heading):
    at = sign_in_form(new_app().run(), username, demo.DEMO_PASSWORD)
    assert titles(at) == [heading]
    assert any("DEMO" in w.value for w in at.warning)


def test_wrong_passwords_are_refused_and_then_slowed_down(app_env):
    at = new_app().run()
    for _ in range(5):
        at = sign_in_form(at, "demo-lead", "not the password")
        assert "do not match an account that can sign in" in page_text(at)
    # More failures, each as soon as allowed, so the wait outlasts a slow machine's next run.
    db, moment = database.connect(app_env), clock.utcnow()
    for _ in range(5):
        moment = accounts.sign_in_with_password(db, "demo-lead", "not the password", moment).retry_at or moment
    at = sign_in_form(at, "demo-lead", demo.DEMO_PASSWORD)  # right, but too soon: it waits too
    assert titles(at) == ["Sign in to carecoord"]
    assert "seconds and try again" in page_text(at)


def test_trainee_cannot_reach_administrator_pages(app_as):
    at = app_as("trainee").run()
    for path in (PEOPLE, PRACTICES, AUDIT):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(path).run()


def test_admin_reaches_administrator_pages(app_as):
    at = app_as("admin").run()
    for path, title in ((PEOPLE, "People"), (PRACTICES, "Practices"), (AUDIT, "Audit log")):
        assert titles(at.switch_page(path).run()) == [title]


def test_lead_reaches_people_but_not_practices_or_audit(app_as):
    at = app_as("lead").run()
    assert titles(at.switch_page(PEOPLE).run()) == ["People"]
    for path in (PRACTICES, AUDIT):
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(path).run()


def test_lead_adds_a_trainee_who_must_then_choose_a_password(app_as, app_env):
    at = app_as("lead").switch_page(PEOPLE).run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Name"].input("Nia Brooks")
    inputs["Username"].input("nia")
    inputs["Temporary password (they choose their own at first sign-in)"].input("temporary-123")
    next(b for b in at.button if b.label == "Add person").click()
    at.run()
    assert "Added Nia Brooks" in page_text(at)

    nia = sign_in_form(new_app().run(), "nia", "temporary-123")
    assert titles(nia) == ["Choose a new password"]
    inputs = {t.label: t for t in nia.text_input}
    inputs["Current password"].input("temporary-123")
    inputs["New password (at least 10 characters)"].input("nia's own password")
    inputs["New password again"].input("nia's own password")
    next(b for b in nia.button if b.label == "Change password").click()
    nia.run()
    assert titles(nia) == ["My learning"]


def test_forced_change_after_admin_reset(app_as, app_env, now):
    connection = database.connect(app_env)
    admin = accounts.load_person(connection, connection.execute(
        "SELECT id FROM person WHERE username = 'demo-admin'").fetchone()[0])
    trainee_id = connection.execute("SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0]
    accounts.reset_password(connection, admin, trainee_id, "reset-by-admin", now)
    at = sign_in_form(new_app().run(), "demo-trainee", "reset-by-admin")
    assert titles(at) == ["Choose a new password"]
    # Every page is only registered hidden until the password is changed: the gate is drawn instead.
    assert titles(at.switch_page(ACCOUNT).run()) == ["Choose a new password"]


def test_change_own_password_from_my_account(app_as, app_env):
    at = app_as("trainee").switch_page(ACCOUNT).run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Current password"].input(demo.DEMO_PASSWORD)
    inputs["New password (at least 10 characters)"].input("brand new password")
    inputs["New password again"].input("brand new password")
    next(b for b in at.button if b.label == "Change password").click()
    at.run()
    assert "Password changed" in page_text(at)
    assert titles(sign_in_form(new_app().run(), "demo-trainee", "brand new password")) == ["My learning"]


def test_sign_out_returns_to_the_sign_in_form(app_as):
    at = app_as("lead").run()
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert titles(at) == ["Sign in to carecoord"]


def cookie_writes(at) -> list[str]:
    return [h.value for h in at.get("html") if session.COOKIE in h.value]


def test_the_cookie_is_written_once_per_tab_not_on_every_run(app_as):
    at = app_as("trainee")  # signed in: this tab's browser sent no cookie yet
    assert len(cookie_writes(at)) == 1 and "Max-Age=2592000" in cookie_writes(at)[0]
    at.run()
    assert cookie_writes(at) == []  # the browser already keeps it
    at.sidebar.button[0].click().run()  # Sign out
    cleared = cookie_writes(at)
    assert len(cleared) == 1 and "Max-Age=0" in cleared[0]
    assert cookie_writes(at.run()) == []


def test_disabled_person_is_signed_out_on_their_next_action(app_as, app_env, now):
    at = app_as("trainee").run()
    assert titles(at) == ["My learning"]
    connection = database.connect(app_env)
    admin = accounts.load_person(connection, connection.execute(
        "SELECT id FROM person WHERE username = 'demo-admin'").fetchone()[0])
    trainee_id = connection.execute("SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0]
    accounts.set_disabled(connection, admin, trainee_id, True, now)
    at.run()
    assert titles(at) == ["Sign in to carecoord"]


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "carecoord", "client_secret": "secret",
        "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration"}


def organisation_app(email, verified=True):
    at = new_app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": verified}
    return at


def test_organisation_sign_in_is_offered_only_when_configured(app_env):
    assert not any(b.label == "Sign in with your organisation" for b in new_app().run().button)
    at = new_app()
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    assert any(b.label == "Sign in with your organisation" for b in at.run().button)


def test_organisation_sign_in_matches_a_verified_email_case_insensitively(app_env, now):
    connection = database.connect(app_env)
    connection.execute("UPDATE person SET email = 'Priya.Raman@Example.org' WHERE username = 'demo-lead'")
    at = organisation_app("priya.raman@example.ORG").run()
    assert titles(at) == ["Team readiness"]  # where a lead lands
    assert "**Priya Raman**" in [m.value for m in at.sidebar.markdown]


def test_organisation_sign_in_refuses_an_unverified_email(app_env):
    connection = database.connect(app_env)
    connection.execute("UPDATE person SET email = 'priya@example.org' WHERE username = 'demo-lead'")
    at = organisation_app("priya@example.org", verified=False).run()
    assert titles(at) == ["Sign in to carecoord"]
    assert "not verified" in page_text(at)


def test_organisation_sign_in_tells_an_unknown_person_whom_to_ask(app_env):
    at = organisation_app("stranger@example.org").run()
    assert titles(at) == ["Sign in to carecoord"]
    assert "ask your practice lead or an administrator" in page_text(at)


def test_organisation_sign_in_refuses_a_disabled_person(app_env):
    connection = database.connect(app_env)
    connection.execute("UPDATE person SET email = 'sam@example.org', disabled = 1 WHERE username = 'demo-trainee'")
    at = organisation_app("sam@example.org").run()
    assert titles(at) == ["Sign in to carecoord"]
    assert "cannot be used here" in page_text(at)  # the same answer as for an unknown person


def test_an_organisation_group_mapped_to_a_role_creates_the_account_and_signs_it_in_with_that_role(app_env, now):
    from carecoord.store import identity as idp_roles

    connection = database.connect(app_env)
    admin = accounts.load_person(connection, connection.execute(
        "SELECT id FROM person WHERE username = 'demo-admin'").fetchone()[0])
    practice_id = connection.execute("SELECT id FROM practice ORDER BY id LIMIT 1").fetchone()[0]
    idp_roles.add_mapping(connection, admin, claim="groups", value="cc-leads-north", practice_id=practice_id,
                          role="lead", creates_people=True, now=now)
    at = organisation_app("new.lead@example.org")
    at.user = at.user | {"name": "Noor Lead", "groups": ["cc-leads-north"]}
    at.run()
    assert titles(at) == ["Team readiness"]  # a lead's landing page, through the mapping alone
    assert "**Noor Lead**" in [m.value for m in at.sidebar.markdown]


def test_sign_out_everywhere_holds_against_the_organisation_sign_in_cookie(app_env, now):
    # The identity provider's cookie outlives our tokens: before the fix, the next run signed straight back in.
    connection = database.connect(app_env)
    connection.execute("UPDATE person SET email = 'priya@example.org' WHERE username = 'demo-lead'")
    signed_in_at = clock.utcnow().timestamp() - 60
    at = organisation_app("priya@example.org")
    at.user = {**at.user, "iat": signed_in_at}
    assert titles(at.run()) == ["Team readiness"]
    lead = accounts.load_person(connection, connection.execute(
        "SELECT id FROM person WHERE username = 'demo-lead'").fetchone()[0])
    accounts.sign_out_everywhere(connection, lead, clock.utcnow())
    at.run()
    assert titles(at) == ["Sign in to carecoord"]
    assert "sign in with your organisation again" in page_text(at)
    fresh = organisation_app("priya@example.org")  # a new sign-in with the organisation counts
    fresh.user = {**fresh.user, "iat": clock.utcnow().timestamp() + 1}
    assert titles(fresh.run()) == ["Team readiness"]
