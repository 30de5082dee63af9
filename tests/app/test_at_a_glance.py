"""Screens a coordinator, a lead and a parent understand at a glance: where each role lands, what waits
for them there, the navigation in the sections the app's messages name, empty states that say one
thing once, and a lesson that shows the answer its feedback is about."""

from __future__ import annotations

import pytest

from carecoord import db as database, ordering
from carecoord.content import load_library
from carecoord.ui import registry
from tests.app.conftest import navigation, new_app, page_links, sign_in_as

LIBRARY = load_library()


def waiting(at) -> list[str]:
    return [link.proto.label for link in page_links(at)]


@pytest.mark.parametrize("username, title", [
    ("demo-admin", "Welcome, Dana Okafor"),
    ("demo-lead", "Team readiness"),
    ("demo-faculty", "My stories"),
    ("demo-trainee", "My learning"),
    ("demo-nurse", "Observe a trainee"),  # a named assessor (demo/observations.py) with requests waiting
    ("demo-pcp", "Surveys"),  # a team member who only answers surveys
])
def test_each_role_lands_where_its_work_is_under_what_waits_for_it(app_env, now, username, title):
    at = sign_in_as(new_app(), app_env, username, now).run()
    assert at.title[0].value == title
    assert at.main.header[0].value == "Waiting for you"
    assert not at.error or all("overdue" in e.value for e in at.error)


def test_what_waits_is_named_and_linked_to_where_it_is_done(app_env, now):
    lead = sign_in_as(new_app(), app_env, "demo-lead", now).run()
    assert "1 family story waits for your review" in waiting(lead)
    trainee = sign_in_as(new_app(), app_env, "demo-trainee", now).run()
    overdue = [text for text in waiting(trainee) if "overdue" in text]
    assert overdue and overdue[0].endswith(("assigned module overdue", "assigned modules overdue"))
    hugo = sign_in_as(new_app(), app_env, "demo-hugo", now).run()  # new: no self-assessment yet
    assert "A self-assessment is due" in waiting(hugo)


def test_a_page_that_is_not_the_landing_page_has_no_waiting_list(app_env, now):
    at = sign_in_as(new_app(), app_env, "demo-lead", now).run()
    at.switch_page(registry.MY_LEARNING).run()
    assert at.title[0].value == "My learning"
    assert "Waiting for you" not in [h.value for h in at.main.header]


@pytest.mark.parametrize("username, sections", [
    ("demo-lead", ["Learn", "Team", "Manage", "Account"]),
    ("demo-admin", ["Manage", "Team", "Account"]),
    ("demo-faculty", ["Learn", "Team", "Teach", "Account"]),
    ("demo-nurse", ["Team", "Account"]),
])
def test_the_navigation_groups_pages_in_the_sections_messages_name(app_env, now, username, sections):
    at = sign_in_as(new_app(), app_env, username, now).run()
    menus = navigation(at)
    assert list(menus) == sections
    links = {title for titles in menus.values() for title in titles}
    if username == "demo-admin":
        assert {"Content", "Practices", "Audit log"} <= set(menus["Manage"])  # "Manage > Content" is on screen
    if username == "demo-lead":
        assert {"Team readiness", "Learning plans"} <= set(menus["Team"]) and "My learning" in menus["Learn"]
        assert "Lesson" not in links and "Case" not in links  # reached by their links, not listed


def test_no_evidence_yet_is_said_once_with_the_one_next_step(app_env, now):
    at = sign_in_as(new_app(), app_env, "demo-hugo", now).run()
    at.switch_page("carecoord/ui/app_pages/my_competencies.py").run()
    assert [i.value for i in at.info] == ["You have not rated yourself yet. Start with a self-assessment against "
                                         "the framework; your levels, gaps and the modules that build them then "
                                         "appear here."]
    assert [link.proto.label for link in page_links(at)] == ["Start a self-assessment"]
    assert not at.dataframe and not at.expander[0].label.startswith("Gaps")
    assert [h.value for h in at.header] == []  # no "Gaps to work on (31)", no empty tables


def test_a_revisited_lesson_shows_the_recorded_answer_with_its_feedback(app_env, now):
    lesson = next(lesson for lesson in LIBRARY.lessons if any(not c.multiple for c in lesson.checks))
    check = next(c for c in lesson.checks if not c.multiple)
    wrong = next(c.id for c in check.choices if not c.correct)

    def open_lesson():
        at = sign_in_as(new_app(), app_env, "demo-hugo", now).run()
        at.switch_page(registry.LESSON)
        at.query_params["lesson"] = lesson.id
        return at.run()

    at = open_lesson()
    at.radio(key=f"{check.id}-radio").set_value(wrong)
    next(b for b in at.button if b.label == "Check answer" and b.proto.form_id == f"check-{check.id}").click().run()
    assert any(w.value.startswith("Not quite") for w in at.warning)

    again = open_lesson()  # a new visit: the widgets start from what was recorded
    assert again.radio(key=f"{check.id}-radio").value == wrong
    # The choices in this person's own shuffled order, the same on both visits.
    hugo = database.connect(app_env).execute("SELECT id FROM person WHERE username = 'demo-hugo'").fetchone()[0]
    shown = [c.text for c in ordering.shown_order(hugo, check.id, check.choices)]
    assert again.radio(key=f"{check.id}-radio").options == at.radio(key=f"{check.id}-radio").options == shown
    assert any(w.value.startswith("Not quite") for w in again.warning)
    assert "Right." not in [s.value for s in again.success]


def test_the_audit_log_reads_as_sentences_with_names_and_local_times(app_as):
    at = app_as("admin").switch_page("carecoord/ui/app_pages/audit.py").run()
    log = at.dataframe[0].value
    assert list(log.columns) == ["When", "Who", "What they did", "Details"]
    assert not log["What they did"].str.contains(r"^[a-z_]+\.[a-z_]+$").any()  # no raw action names
    assert not log["Details"].str.startswith("{").any()  # no raw JSON
    assert log["What they did"].str.contains("created the account of").any()
    assert log["When"].str.match(r"^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} [A-Z+\-0-9]+$").all()


def test_a_lead_is_told_they_close_the_survey_others_that_their_lead_does(app_as):
    lead = app_as("lead").switch_page(registry.SURVEYS).run()
    trainee = app_as("trainee").switch_page(registry.SURVEYS).run()
    assert any("open until you close it on the Practice measures page" in c.value for c in lead.caption)
    assert any("open until your practice lead closes it" in c.value for c in trainee.caption)
