"""Everyday use: idle sign-out, several practices, practice time zones."""

from datetime import timedelta

from carecoord import clock, db as database
from carecoord.people import LEAD
from carecoord.store import accounts
from tests.app.conftest import page_text, titles

ACCOUNT = "carecoord/ui/app_pages/account.py"
PRACTICES = "carecoord/ui/app_pages/practices.py"


def age_sign_ins(path, minutes):
    connection = database.connect(path)
    old = clock.iso(clock.utcnow() - timedelta(minutes=minutes))
    connection.execute("UPDATE sign_in SET last_seen_at = ?", [old])


def test_after_the_idle_period_the_next_action_asks_for_the_password(app_as, app_env):
    at = app_as("trainee").switch_page(ACCOUNT).run()
    assert titles(at) == ["My account"]
    age_sign_ins(app_env, 31)
    at.run()
    assert titles(at) == ["Are you still there?"]
    at.text_input[0].input("not my password")
    next(b for b in at.button if b.label == "Continue").click()
    at.run()
    assert "That password is not right." in page_text(at)
    at.text_input[0].input("demo-password")
    next(b for b in at.button if b.label == "Continue").click()
    at.run()
    assert titles(at) == ["My account"]  # back where they were


def test_activity_within_the_idle_period_keeps_the_session(app_as, app_env):
    at = app_as("trainee").switch_page(ACCOUNT).run()
    age_sign_ins(app_env, 29)
    assert titles(at.run()) == ["My account"]


def test_the_idle_period_is_configurable(app_as, app_env, monkeypatch):
    monkeypatch.setenv("CARECOORD_IDLE_MINUTES", "5")
    at = app_as("trainee").switch_page(ACCOUNT).run()
    age_sign_ins(app_env, 6)
    assert titles(at.run()) == ["Are you still there?"]
    monkeypatch.setenv("CARECOORD_IDLE_MINUTES", "0")  # 0 turns idle sign-out off
    age_sign_ins(app_env, 600)
    assert titles(at.run()) == ["My account"]


def test_someone_in_two_practices_switches_between_them(app_as, app_env):
    connection = database.connect(app_env)
    now = clock.utcnow()
    other = accounts.create_practice(connection, accounts.SYSTEM, "Hillside Clinic", now)
    sam = connection.execute("SELECT id FROM person WHERE username = 'demo-trainee'").fetchone()[0]
    accounts.add_membership(connection, accounts.SYSTEM, sam, other, LEAD, now)
    at = app_as("trainee")
    switcher = next(s for s in at.sidebar.selectbox if s.label == "Practice")
    assert set(switcher.options) == {"Hillside Clinic", "Riverside Children's Practice (demo)"}
    # Navigation is the union of roles: trainee pages and lead pages together.
    assert titles(at.switch_page("carecoord/ui/app_pages/my_competencies.py").run()) == ["My competencies"]
    assert titles(at.switch_page("carecoord/ui/app_pages/learning_plans.py").run()) == ["Learning plans"]
    switcher = next(s for s in at.sidebar.selectbox if s.label == "Practice")
    switcher.select_index(switcher.options.index("Hillside Clinic"))
    at.run()
    assert next(s for s in at.sidebar.selectbox if s.label == "Practice").value == other
    at.run()  # the choice holds across runs
    assert next(s for s in at.sidebar.selectbox if s.label == "Practice").value == other


def test_a_single_practice_shows_no_switcher(app_as):
    at = app_as("trainee")
    assert not [s for s in at.sidebar.selectbox if s.label == "Practice"]


def test_a_practice_time_zone_must_be_a_real_one(app_as):
    at = app_as("admin").switch_page(PRACTICES).run()
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Name"].input("Lakeside Team")
    form_inputs["Time zone"].input("Mars/Olympus")
    next(b for b in at.button if b.label == "Add practice").click()
    at.run()
    assert any("is not a time zone name" in e.value for e in at.error)
    form_inputs = {t.label: t for t in at.text_input}
    form_inputs["Name"].input("Lakeside Team")
    form_inputs["Time zone"].input("America/Chicago")
    next(b for b in at.button if b.label == "Add practice").click()
    at.run()
    assert "Added Lakeside Team." in page_text(at)


def test_trainee_cannot_reach_practice_settings(app_as):
    import pytest

    with pytest.raises(ValueError, match="navigation page"):
        app_as("trainee").switch_page(PRACTICES).run()


def test_an_administrator_maps_a_group_to_a_role_refused_at_the_field_when_blank(app_as, app_env):
    at = app_as("admin").switch_page(PRACTICES).run()
    assert "Roles from your organisation's sign-in" in [h.value for h in at.header]
    value = next(t for t in at.text_input if t.label.startswith("Value"))
    next(b for b in at.button if b.label == "Add mapping").click()
    at.run()
    assert any("Give the group or value" in e.value for e in at.error)
    value = next(t for t in at.text_input if t.label.startswith("Value"))
    value.input("cc-leads-north")
    next(s for s in at.selectbox if s.label == "Role").set_value("lead")
    next(b for b in at.button if b.label == "Add mapping").click()
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    assert list(table["Value"]) == ["cc-leads-north"] and list(table["Role"]) == ["Practice lead"]
    next(b for b in at.button if b.label == "Remove mapping").click()
    at.run()
    assert "Remove mapping" not in [b.label for b in at.button]
