"""Observations as each role: a lead names an assessor; a trainee asks; the assessor observes or declines;
the trainee reads it; a lead signs off; people outside see nothing of it."""

from datetime import timedelta

import pytest

from carecoord import db as database
from carecoord.content import load_library
from carecoord.store import accounts, observations
from carecoord.ui import registry
from tests.app.conftest import accounts_now, page_text, titles

FRAMEWORK = load_library().framework
PEOPLE = "carecoord/ui/app_pages/people.py"


def _people(path, *usernames):
    db = database.connect(path)
    found = [accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = ?", [u]).fetchone()[0])
             for u in usernames]
    return db, found


def _name_assessor(path, username, role, now):
    db, (lead, person) = _people(path, "demo-lead", username)
    practice_id = next(iter(person.practice_ids()))
    if not any(m.assessor for m in person.memberships):
        accounts.set_assessor(db, lead, person.id, practice_id, role, True, now)
    db.close()


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_lead_names_a_team_member_an_assessor_and_their_navigation_shows_observing_only(app_as, app_env):
    at = app_as("lead").switch_page(PEOPLE).run()
    member = next(s for s in at.selectbox if s.key == "assessor_member")
    rosa = next(m for m in member.options if m.startswith("Rosa Delgado"))
    member.select(rosa).run()
    label = "Stop naming them an assessor" if "(assessor)" in rosa else "Name them an assessor"
    if label == "Stop naming them an assessor":  # the demo may have named her already
        button(at, label).click().run()
        member = next(s for s in at.selectbox if s.key == "assessor_member")
        member.select(next(m for m in member.options if m.startswith("Rosa Delgado"))).run()
    button(at, "Name them an assessor").click().run()
    assert "Rosa Delgado is now an assessor of this practice." in page_text(at)

    nurse = app_as("demo-nurse")
    assert titles(nurse) == ["Observe a trainee"]
    shown = {spec.title for section, specs in registry.sections_for(nurse.session_state["_carecoord_run"].person)
             for spec in specs}
    assert shown == {"Observe a trainee", "Surveys", "My account", "Verify a credential"}  # the last is public


def test_a_request_observed_by_the_assessor_reaches_the_trainee(app_as, app_env, now):
    _name_assessor(app_env, "demo-nurse", "team_member", accounts_now(now))
    trainee = app_as("trainee").switch_page(registry.MY_EVIDENCE).run()
    assert titles(trainee) == ["Observations and evidence"]
    who = next(s for s in trainee.selectbox if s.label == "Who")
    who.select(next(o for o in who.options if o.startswith("Rosa Delgado")))
    trainee.multiselect[0].set_value(["CM1", "TW2"])
    next(t for t in trainee.text_area if t.label.startswith("What they could see")).input("Tuesday's meeting")
    button(trainee, "Send the request").click().run()
    assert "Asked Rosa Delgado." in page_text(trainee)

    nurse = app_as("demo-nurse")
    assert titles(nurse) == ["Observe a trainee"]
    assert "observation request" in " ".join(link.proto.label for link in nurse.main.get("page_link"))
    line = next(m for m in nurse.markdown if m.value.startswith("**Sam Whitfield** asked on"))
    assert "CM1" in line.value and "Tuesday" in page_text(nurse)
    db, (sam,) = _people(app_env, "demo-trainee")
    asked = next(r for r in observations.my_requests(db, sam) if r.context == "Tuesday's meeting")
    button_key = f"answer-{asked.id}"
    nurse.button(key=button_key).click().run()
    assert "Their note: Tuesday" in page_text(nurse)
    assert not [b for b in nurse.button if b.key == button_key]  # the form, where the button was
    next(t for t in nurse.text_area if t.label == "What you saw them do").input(
        "Prepared the parents for the discharge call and agreed who phones the school.")
    for code in asked.codes:
        nurse.radio(key=f"level-{code}").set_value(3)
    next(t for t in nurse.text_area if t.label == "One thing for them to do next").input("Send the summary the same day")
    button(nurse, "Save the observation").click().run()
    assert "Saved your observation of Sam Whitfield." in page_text(nurse)
    assert nurse.header[-1].value == "Observations you recorded"

    trainee = app_as("trainee").switch_page(registry.MY_EVIDENCE).run()
    text = page_text(trainee)
    assert "observed by Rosa Delgado (nurse)" in text and "Send the summary the same day" in text
    assert "**Observed**: asked Rosa Delgado on" in text  # the request's state
    events = observations.request_events(db, sam, asked.id)
    assert [e.status for e in events] == ["waiting", "completed"]


def test_an_observation_without_a_level_is_refused_at_the_field_and_nothing_is_saved(app_as, app_env, now):
    at = app_as("lead").switch_page(registry.OBSERVE).run()
    db, (lead,) = _people(app_env, "demo-lead")
    before = len(observations.observations_by(db, lead))
    trainee = next(s for s in at.selectbox if s.label == "Trainee")
    trainee.select_index(trainee.options.index("Amara Nwosu"))
    at.multiselect[0].set_value(["FP1"]).run()
    next(t for t in at.text_area if t.label == "What you saw them do").input("Led the meeting.")
    next(t for t in at.text_area if t.label == "One thing for them to do next").input("Summarise in writing")
    button(at, "Save the observation").click().run()
    assert "Choose a level from 1 to 5 for each competency." in [e.value for e in at.error]
    assert len(observations.observations_by(db, lead)) == before


def test_the_assessor_declines_with_a_reason_the_trainee_reads(app_as, app_env, now):
    _name_assessor(app_env, "demo-social", "team_member", accounts_now(now))
    db, (sam, kwame) = _people(app_env, "demo-trainee", "demo-social")
    observations.ask_for_observation(db, sam, kwame.id, ["FP2"], FRAMEWORK, accounts_now(now))
    at = app_as("demo-social")
    decline_key = next(t.key for t in at.text_input if t.key and t.key.startswith("reason-"))
    at.text_input(key=decline_key).input("I am on leave that week")
    button(at, "Decline the request").click().run()
    assert "Declined the request from Sam Whitfield." in page_text(at)
    trainee = app_as("trainee").switch_page(registry.MY_EVIDENCE).run()
    assert "Their reason: I am on leave that week" in page_text(trainee)


def test_a_lead_signs_off_on_three_observations_and_team_readiness_marks_it(app_as, app_env, now):
    moment = accounts_now(now)
    for username, role in (("demo-nurse", "team_member"), ("demo-faculty", "family_faculty")):
        _name_assessor(app_env, username, role, moment)
    db, (lead, nurse, faculty, amara) = _people(app_env, "demo-lead", "demo-nurse", "demo-faculty", "demo-amara")
    for who, days in ((lead, 40), (nurse, 20), (faculty, 5)):
        observations.record_observation(db, who, amara, FRAMEWORK, moment, observed_on=(moment - timedelta(days=days)).date(),
                                        setting="Family meeting", what_seen="Led it", levels={"PP2": 4},
                                        next_step="Teach it")
    at = app_as("lead").switch_page(registry.SIGN_OFF).run()
    trainee = next(s for s in at.selectbox if s.label == "Trainee")
    trainee.select_index(trainee.options.index("Amara Nwosu")).run()
    assert "PP2" in at.table[0].value.to_string()  # ready for sign-off
    at.selectbox(key=f"sign-code-{amara.id}").select("PP2").run()
    at.text_area[0].input("Three assessors saw her lead plan-of-care meetings.")
    button(at, "Sign off").click().run()
    assert "Signed off PP2 at level 4 for Amara Nwosu." in page_text(at)
    assert at.header[-1].value == "Signed off" and "PP2" in at.table[-1].value.to_string()

    readiness = app_as("lead").switch_page(registry.TEAM_READINESS).run()
    assert "signed off by a lead" in page_text(readiness)
    table = readiness.dataframe[0].value
    assert table.loc[table["Person"] == "Amara Nwosu", "PP2"].item() == "4✓"

    at = app_as("lead").switch_page(registry.SIGN_OFF).run()
    trainee = next(s for s in at.selectbox if s.label == "Trainee")
    trainee.select_index(trainee.options.index("Amara Nwosu")).run()
    at.text_input(key="withdraw-sign-off").input("Signed against the wrong competency")
    button(at, "Withdraw the sign-off").click().run()
    assert "Withdrew the sign-off of PP2." in page_text(at)
    assert "Signed against the wrong competency" in at.table[-1].value.to_string()


def test_another_trainee_cannot_read_observations_and_an_assessor_reads_only_their_own(app_env, now):
    moment = accounts_now(now)
    _name_assessor(app_env, "demo-nurse", "team_member", moment)
    db, (lead, nurse, sam, amara) = _people(app_env, "demo-lead", "demo-nurse", "demo-trainee", "demo-amara")
    observations.record_observation(db, lead, sam, FRAMEWORK, moment, observed_on=moment.date(), setting="Other",
                                    what_seen="Lead's note", levels={"FP1": 2}, next_step="x")
    with pytest.raises(observations.PermissionDenied):
        observations.observations_of(db, amara, sam)
    assert all(o.assessor_id == nurse.id for o in observations.observations_of(db, nurse, sam))
    assert any(o.what_seen == "Lead's note" for o in observations.observations_of(db, sam, sam))
    with pytest.raises(observations.PermissionDenied):
        observations.sign_off(db, nurse, sam, FRAMEWORK, moment, code="FP1", level=2, rationale="x", evidence=[1])
    with pytest.raises(observations.PermissionDenied):
        observations.record_observation(db, amara, sam, FRAMEWORK, moment, observed_on=moment.date(),
                                        setting="Other", what_seen="x", levels={"FP1": 2}, next_step="x")


def test_portfolio_refuses_identifying_details_and_binary_files(app_as):
    at = app_as("trainee").switch_page(registry.MY_EVIDENCE).run()
    next(t for t in at.text_input if t.label == "Title").input("After the meeting")
    next(t for t in at.text_area if t.label == "Your reflection").input(
        "Jayden Smith's mother told me at St Mary's Hospital that the plan worked.")
    button(at, "Save the evidence").click().run()
    assert any("Remove details that could identify a family" in e.value for e in at.error)
    next(t for t in at.text_input if t.label == "Title").input("After the meeting")
    next(t for t in at.text_area if t.label == "Your reflection").input(
        "I asked the parents what mattered most before the meeting, and the plan followed their order.")
    button(at, "Save the evidence").click().run()
    assert "Saved “After the meeting” to your portfolio." in page_text(at)
    assert any(e.label.startswith("After the meeting · ") for e in at.tabs[2].expander)


def test_my_competencies_says_what_each_level_rests_on(app_env, now):
    from unittest import mock

    from tests.app.conftest import new_app, sign_in_as

    at = sign_in_as(new_app(), app_env, "demo-amara", now)
    with mock.patch("carecoord.clock.utcnow", return_value=now):  # the demo's own day
        at.run()
        at.switch_page("carecoord/ui/app_pages/my_competencies.py").run()
    assert titles(at) == ["My competencies"]
    rests_on = next(t.value for t in at.table if list(t.value.columns) == ["Competency", "Rests on"])
    reasons = " ".join(rests_on["Rests on"])
    assert "signed off at level 4 by Priya Raman" in reasons  # the demo's sign-off of her CM2
    assert "observations by" in reasons and "provisional until a lead signs it off" in reasons
