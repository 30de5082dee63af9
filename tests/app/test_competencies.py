"""Self-assessment, observer rating and growth, through streamlit_app.py as each role."""

import pytest

from carecoord import db as database
from carecoord.content import load_library
from tests.app.conftest import new_app, page_text, sign_in_as, titles

SELF_ASSESSMENT = "carecoord/ui/app_pages/self_assessment.py"
GROWTH = "carecoord/ui/app_pages/growth.py"
RATE = "carecoord/ui/app_pages/rate_trainee.py"
COMPETENCIES = "carecoord/ui/app_pages/my_competencies.py"
FRAMEWORK = load_library().framework


def click(at, label):
    next(b for b in at.button if b.label == label).click()
    return at.run()


def answer_domain(at, draft_marker, level, seen=None):
    for radio in at.radio:
        if radio.key and radio.key.startswith("lvl-"):
            radio.set_value(level)
    if seen is not None:  # an observer chooses what they saw; nothing is chosen for them
        for box in at.selectbox:
            if box.key and box.key.startswith("ev-"):
                box.set_value(seen)
    return click(at, "Save and next domain")


def self_assessments(path, username="demo-trainee"):
    db = database.connect(path)
    return db.execute("SELECT count(*) FROM assessment a JOIN person p ON p.id = a.person_id "
                      "WHERE p.username = ? AND a.status = 'submitted' AND a.rater_kind = 'self'",
                      [username]).fetchone()[0]


def test_trainee_completes_a_self_assessment_with_a_reload_in_the_middle(app_as, app_env, now):
    before = self_assessments(app_env)
    at = app_as("trainee").switch_page(SELF_ASSESSMENT).run()
    assert "90 or more days ago" in page_text(at)
    at = click(at, "Start a self-assessment")
    half = len(FRAMEWORK.domains) // 2
    for _ in range(half):
        at = answer_domain(at, None, 4)
    assert f"Step {half + 1} of {len(FRAMEWORK.domains)}" in at.get("progress")[0].proto.text

    # A reload: a brand-new session picks the draft up where it stopped.
    at = sign_in_as(new_app(), app_env, "demo-trainee", now).switch_page(SELF_ASSESSMENT).run()
    assert f"Step {half + 1} of {len(FRAMEWORK.domains)}" in at.get("progress")[0].proto.text
    assert at.header[0].value == FRAMEWORK.domains[half].name
    for _ in range(len(FRAMEWORK.domains) - half):
        at = answer_domain(at, None, 4)
    assert "Review and submit" in at.get("progress")[0].proto.text
    at = click(at, "Submit assessment")
    assert "Assessment submitted" in page_text(at)
    assert self_assessments(app_env) == before + 1

    at.switch_page(GROWTH).run()
    table = next(d.value for d in at.dataframe if "Mean level" in d.value.columns)
    assert (table["Mean level"] == 4.0).sum() == len(FRAMEWORK.domains)  # the new assessment is in the growth data
    at.switch_page(COMPETENCIES).run()
    every = next(d.value for d in at.dataframe if "Competency" in d.value.columns)
    assert "FP1" in " ".join(every["Competency"])
    assert list(at.table[-1].value.columns)[-1] == "How it counted"  # the evidence, drawn last


def test_a_domain_is_refused_until_every_level_is_chosen(app_as):
    at = click(app_as("trainee").switch_page(SELF_ASSESSMENT).run(), "Start a self-assessment")
    first_radio = next(r for r in at.radio if r.key and r.key.startswith("lvl-"))
    first_radio.set_value(3)
    at = click(at, "Save and next domain")
    assert any("Choose a level for" in e.value for e in at.error)
    assert "Step 1 of" in at.get("progress")[0].proto.text


def test_lead_rates_a_trainee_and_sees_calibration(app_as, app_env):
    at = app_as("lead").switch_page(RATE).run()
    assert titles(at) == ["Rate a trainee"]
    at.selectbox[0].set_value(next(o for o in at.selectbox[0].options if o == "Elena Moreau"))
    at.run()
    at = click(at, "Start rating Elena Moreau")
    assert "Their latest self-rating" in page_text(at)
    # Observer wording, and no evidence chosen for them: saving without choosing is refused at the field.
    boxes = [b for b in at.selectbox if b.key and b.key.startswith("ev-")]
    assert boxes and all(b.value is None and b.label.startswith("What you saw for") for b in boxes)
    assert boxes[0].options == ["Knows (could tell me what it involves)", "Knows how (explained to me how they would do it)",
                                "Shows how (I saw them do it in a simulation, role-play or with support)",
                                "Does (I saw them do it in their everyday work)"]
    at = answer_domain(at, None, 2)
    assert any(e.value.startswith("Choose what you saw for") for e in at.error)
    for _ in FRAMEWORK.domains:
        at = answer_domain(at, None, 2, seen="does")
    at = click(at, "Submit assessment")
    assert "Observer rating submitted" in page_text(at)
    # Afterwards: what they rated, not "Start rating" again.
    assert any(h.value.startswith("Your rating of Elena Moreau, ") for h in at.header)
    assert "Start a new rating of Elena Moreau" in [b.label for b in at.button]
    assert "Start rating Elena Moreau" not in [b.label for b in at.button]
    calibration = at.dataframe[-1].value
    assert set(calibration.columns) == {"Competency", "Self", "Observer", "Difference"}
    assert (calibration["Observer"] == 2).all()
    assert (calibration["Difference"] == calibration["Self"] - 2).all()


def test_trainee_cannot_rate_anyone(app_as):
    with pytest.raises(ValueError, match="navigation page"):
        app_as("trainee").run().switch_page(RATE).run()


def test_trainee_cannot_open_another_persons_growth(app_as, app_env):
    other = database.connect(app_env).execute("SELECT id FROM person WHERE username = 'demo-amara'").fetchone()[0]
    at = app_as("trainee").switch_page(GROWTH)
    at.query_params["person"] = str(other)
    at.run()
    assert "You can only see your own growth." in page_text(at)
    assert not at.get("vega_lite_chart") and not at.dataframe


@pytest.mark.parametrize(("who", "asked"), [("trainee", "99999999999999999999999"), ("trainee", "²"),
                                           ("lead", "99999999999999999999999")])
def test_a_growth_link_that_names_no_person_is_refused_with_a_message(app_as, who, asked):
    # A number past SQLite's integers raised OverflowError from the query; "²" passed isdigit() and failed int().
    at = app_as(who).switch_page(GROWTH)
    at.query_params["person"] = asked
    at.run()
    assert "That link does not name a person" in page_text(at)
    assert not at.get("vega_lite_chart") and not at.dataframe


def test_a_growth_link_to_the_largest_id_is_an_ordinary_refusal(app_as):
    at = app_as("trainee").switch_page(GROWTH)
    at.query_params["person"] = str(2**63 - 1)
    at.run()
    assert "You can only see your own growth." in page_text(at)


def test_lead_opens_that_trainees_growth(app_as, app_env):
    other = database.connect(app_env).execute("SELECT id FROM person WHERE username = 'demo-amara'").fetchone()[0]
    at = app_as("lead").switch_page(GROWTH)
    at.query_params["person"] = str(other)
    at.run()
    assert at.selectbox[0].value.display_name == "Amara Nwosu"
    assert "Amara Nwosu: level by domain over time" in str(at.get("vega_lite_chart")[0].proto.spec)


def test_family_faculty_has_no_competency_pages(app_as):
    with pytest.raises(ValueError, match="navigation page"):
        app_as("family_faculty").run().switch_page(COMPETENCIES).run()


def test_trainee_sees_gaps_with_modules_that_build_them(app_env, now):
    # The demo's assessments are dated from the demo's own day; the page reads the real clock.
    from unittest import mock

    at = sign_in_as(new_app(), app_env, "demo-trainee", now)
    with mock.patch("carecoord.clock.utcnow", return_value=now):
        at.run()
        at.switch_page(COMPETENCIES).run()
    assert titles(at) == ["My competencies"]
    assert any(e.label.startswith(("FP", "CM", "AS", "CP", "RL", "TR", "TM", "IM", "OQ", "PP")) for e in at.expander)


def test_evidence_too_old_to_count_is_said_once_with_the_next_step(app_env, now):
    # More than a year after the demo's newest self-rating and observation, so nothing counts any more (the real
    # clock is not late enough: the demo's observations run up to its own day).
    from datetime import timedelta
    from unittest import mock

    later = now + timedelta(days=400)
    at = sign_in_as(new_app(), app_env, "demo-trainee", later)
    with mock.patch("carecoord.clock.utcnow", return_value=later):
        at.run()
        at.switch_page(COMPETENCIES).run()
    assert titles(at) == ["My competencies"]
    [message] = [i.value for i in at.info]
    assert "is more than 12 months old, so it no longer counts" in message
    assert not at.dataframe


@pytest.mark.parametrize(("who", "page"), [("trainee", SELF_ASSESSMENT), ("trainee", COMPETENCIES),
                                           ("lead", RATE), ("lead", "carecoord/ui/app_pages/team_readiness.py"),
                                           ("lead", "carecoord/ui/app_pages/curriculum_map.py")])
def test_pages_that_need_the_framework_say_so_when_it_cannot_be_loaded(app_as, tmp_path, monkeypatch, who, page):
    import shutil
    from pathlib import Path

    root = Path(__file__).parents[2]
    for folder in ("curriculum", "cases", "competencies"):
        shutil.copytree(root / folder, tmp_path / folder)
    (tmp_path / "competencies" / "framework.yaml").write_text("id: [not closed\n", encoding="utf-8")
    monkeypatch.setenv("CARECOORD_CONTENT", str(tmp_path))
    at = app_as(who).switch_page(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The competency framework could not be loaded; ask an administrator to check Manage > Content."]
