"""Team readiness, practice measures and surveys through streamlit_app.py as each role."""

import pytest

from carecoord import db as database
from carecoord.people import LEAD, TRAINEE
from carecoord.store import accounts
from tests.app.conftest import page_text, titles

READINESS = "carecoord/ui/app_pages/team_readiness.py"
MEASURES = "carecoord/ui/app_pages/practice_measures.py"
SURVEYS = "carecoord/ui/app_pages/surveys.py"
ACCOUNT = "carecoord/ui/app_pages/account.py"
NOT_FOR_TEAM_MEMBERS = ("my_learning", "lesson", "cases", "my_competencies", "self_assessment", "growth",
                        "rate_trainee", "team_readiness", "practice_measures", "people")


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def heatmap_people(at) -> set[str]:
    return set(at.dataframe[0].value["Person"])


def add_other_practice(path, now):
    """A second practice with its own lead and trainee, beside the demo practice."""
    db = database.connect(path)
    practice = accounts.create_practice(db, accounts.SYSTEM, "Elsewhere Clinic", now)
    for username, name, role in (("other-lead", "Olga Other", LEAD), ("outsider", "Zed Outsider", TRAINEE)):
        pid = accounts.create_person(db, accounts.SYSTEM, username=username, display_name=name,
                                     password="long enough pw", now=now)
        accounts.add_membership(db, accounts.SYSTEM, pid, practice, role, now, discipline="care coordinator")
    db.conn.close()


def test_a_lead_sees_only_their_own_practices_people(app_as, app_env, now):
    add_other_practice(app_env, now)
    at = app_as("lead").switch_page(READINESS).run()
    assert titles(at) == ["Team readiness"]
    people = heatmap_people(at)
    assert {"Amara Nwosu", "Sam Whitfield", "Priya Raman"} <= people
    assert "Zed Outsider" not in people and "Olga Other" not in people
    assert "Zed Outsider" not in page_text(at)
    # The positive twin: the other practice's lead sees their own trainee, and not the demo team.
    other = app_as("other-lead").switch_page(READINESS).run()
    assert heatmap_people(other) == {"Olga Other", "Zed Outsider"}


def test_readiness_has_a_domain_view_growth_calibration_and_gaps(app_as):
    at = app_as("lead").switch_page(READINESS).run()
    sections = [s.value for s in at.header]
    assert sections == ["Waiting for you", "By domain: who is at target and what builds it", "Team growth over rounds",
                          "Self and observer calibration", "People gaps and system gaps"]
    competency_columns = list(at.dataframe[0].value.columns)
    assert "FP1" in competency_columns
    at.segmented_control(key="readiness_view").set_value("By domain").run()
    assert "Family partnership" in list(at.dataframe[0].value.columns)
    phone_calibration = next(t.value for t in at.table if list(t.value.columns) == ["Person", "Self minus observer"])
    # A signed difference and its reading, as typed: no spreadsheet guard (an apostrophe) on a phone's table.
    assert phone_calibration["Self minus observer"].str.match(r"^[+-]\d\.\d\d: [a-z]").all()
    gaps, narrow = at.table[-2].value, at.table[-1].value  # tables that wrap: a laptop's, then a phone's (drawn last)
    assert set(gaps["Practice capability domain"]) >= {"Partnership with families"}
    assert gaps["Reading"].str.contains("gap").all()
    assert list(narrow.columns) == ["Competency domain", "Reading", "Team · systems"]
    assert list(narrow["Reading"]) == list(gaps["Reading"])
    assert narrow["Team · systems"].str.contains("Partnership with families").any()


def test_a_team_member_sees_only_surveys_and_their_account(app_as):
    at = app_as("demo-pcp")  # a team member who is not an assessor (the demo's nurse is one)
    assert titles(at) == ["Surveys"]  # where they land
    assert titles(at.switch_page(ACCOUNT).run()) == ["My account"]
    for name in NOT_FOR_TEAM_MEMBERS:
        with pytest.raises(ValueError, match="navigation page"):
            app_as("demo-pcp").switch_page(f"carecoord/ui/app_pages/{name}.py").run()


def test_a_team_member_named_an_assessor_also_observes_and_sees_nothing_else_of_the_team(app_as):
    at = app_as("demo-nurse")
    assert titles(at) == ["Observe a trainee"]
    for name in NOT_FOR_TEAM_MEMBERS:
        with pytest.raises(ValueError, match="navigation page"):
            app_as("demo-nurse").switch_page(f"carecoord/ui/app_pages/{name}.py").run()


def test_the_pages_team_members_may_not_use_exist_for_a_lead(app_as):
    # The positive twin of the test above: each refused page is a real page a lead reaches.
    for name in NOT_FOR_TEAM_MEMBERS:
        at = app_as("lead").switch_page(f"carecoord/ui/app_pages/{name}.py").run()
        assert titles(at) or name == "lesson", name


def test_a_trainee_cannot_reach_the_lead_pages(app_as):
    for path in (READINESS, MEASURES):
        with pytest.raises(ValueError, match="navigation page"):
            app_as("trainee").switch_page(path).run()
    assert titles(app_as("trainee").switch_page(SURVEYS).run()) == ["Surveys"]


def test_a_lead_reaches_the_lead_pages(app_as):
    assert titles(app_as("lead").switch_page(READINESS).run()) == ["Team readiness"]
    assert titles(app_as("lead").switch_page(MEASURES).run()) == ["Practice measures"]


def survey_radios(at, discipline_number):
    return [r for r in at.radio if r.key and r.key.startswith("survey-") and f"-{discipline_number}-" in r.key]


def respondents(path):
    db = database.connect(path)
    return db.execute("SELECT count(*) FROM survey_respondent JOIN administration a ON a.id = administration_id "
                      "WHERE a.closed_at IS NULL").fetchone()[0]


def test_a_team_member_answers_the_open_survey(app_as, app_env):
    before = respondents(app_env)
    at = app_as("demo-nurse").switch_page(SURVEYS).run()
    assert at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith("-from"))).value == "nurse"
    for radio in survey_radios(at, 0):  # the care coordinator: all seven questions
        radio.set_value(2)
    survey_radios(at, 3)[0].set_value(1)  # the specialist: only one question
    at = click(at, "Send my answers")
    assert any("Answer all seven questions about the specialist" in e.value for e in at.error)
    assert respondents(app_env) == before

    survey_radios(at, 3)[0].set_value(None)
    at = click(at, "Send my answers")
    assert "Your answers have been sent" in page_text(at)
    assert "You have answered this survey" in page_text(at)
    assert respondents(app_env) == before + 1


def test_a_lead_closes_the_survey_and_sees_results(app_as):
    at = app_as("lead").switch_page(MEASURES).run()
    at.segmented_control(key="measure_instrument").set_value("relational-coordination").run()
    assert "have answered" in page_text(at)
    at = click(at, "Close the survey and see results")
    assert "Closed the survey" in page_text(at)
    assert len(at.selectbox[0].options) == 4  # three earlier surveys and this one
    assert [m.label for m in at.metric] == ["Relational coordination index", "Communication", "Relationships"]


def test_a_lead_records_a_capability_self_assessment(app_as):
    at = app_as("lead").switch_page(MEASURES).run()
    at = click(at, "Open the measurement")
    assert "Opened the practice care coordination capability self-assessment" in page_text(at)
    assert any(s.value.startswith("Recording the self-assessment of") for s in at.header)
    at = click(at, "Save this domain's answers")
    assert any("Choose a level and partial or complete" in e.value for e in at.error)
    for radio in at.radio:
        if radio.key.startswith("cap-level-"):
            radio.set_value(2)
        elif radio.key.startswith("cap-extent-"):
            radio.set_value("complete")
    at = click(at, "Save this domain's answers")
    assert "Saved the answers for Leadership and organisational capacity" in page_text(at)
    assert "4 of 25 themes answered" in at.get("progress")[0].proto.text
    assert at.selectbox(key="capability_domain").value == "population-and-needs"  # on to the next domain
    assert next(b for b in at.button if b.label == "Close and score").disabled
