"""What waits for a person (carecoord.waiting): the lines, their pages and the keys that keep a reminder
e-mail from telling anyone the same thing twice."""

from datetime import timedelta

import pytest

from carecoord import competency, review, waiting
from carecoord.content import load_library
from carecoord.people import LEAD, TRAINEE
from carecoord.store import accounts as A, assessments, learning, observations as O, plans
from carecoord.ui import registry

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework


@pytest.fixture
def team(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Maple", now, timezone="America/Chicago")
    people = {"practice": practice}
    for name, role in (("lee", LEAD), ("tia", TRAINEE)):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name.title(), password="long enough pw",
                              now=now)
        A.add_membership(db, A.SYSTEM, pid, practice, role, now)
        people[name] = A.load_person(db, pid)
    return people


def lines(db, person, now, timezone="America/Chicago"):
    return {item.kind: item for item in waiting.items(db, person, LIBRARY, now, timezone)}


def test_the_pages_are_the_registered_ones():
    for name in ("MY_LEARNING", "SELF_ASSESSMENT", "SURVEYS", "STORY_REVIEW", "MY_STORIES", "OBSERVE", "MY_EVIDENCE"):
        assert getattr(waiting, name) == getattr(registry, name)
    assert set(waiting.PAGE_OF_KIND.values()) <= {spec.path for spec in registry.PAGES}


def test_a_request_waits_for_its_assessor_by_its_id_and_a_decline_tells_the_trainee(db, now, team):
    lee, tia = team["lee"], team["tia"]
    codes = [c.code for c in FRAMEWORK.competencies[:2]]
    first = O.ask_for_observation(db, tia, lee.id, codes[:1], FRAMEWORK, now, context="The Tuesday family meeting")
    second = O.ask_for_observation(db, tia, lee.id, codes[1:], FRAMEWORK, now)
    line = lines(db, lee, now)[waiting.REQUEST]
    assert line.keys == (f"request:{first}", f"request:{second}")
    assert line.text == "2 observation requests wait for you" and line.page == registry.OBSERVE
    assert "Tuesday" not in line.text
    assert waiting.REQUEST not in lines(db, tia, now)

    O.decline_request(db, lee, first, "Not this month", now + timedelta(hours=1))
    assert lines(db, lee, now + timedelta(hours=2))[waiting.REQUEST].keys == (f"request:{second}",)
    declined = lines(db, tia, now + timedelta(hours=2))[waiting.REQUEST_DECLINED]
    assert declined.keys == (f"request-declined:{first}",) and declined.page == registry.MY_EVIDENCE
    assert declined.text == "1 observation request was declined"
    assert waiting.REQUEST_DECLINED not in lines(db, tia, now + timedelta(days=15))  # old news after 14 days


def test_a_self_assessment_is_due_once_per_last_assessment(db, now, team):
    tia = team["tia"]
    line = lines(db, tia, now)[waiting.SELF_ASSESSMENT_DUE]
    assert line.keys == ("self-assessment-due:none",) and line.page == registry.SELF_ASSESSMENT
    draft = assessments.open_draft(db, tia, tia, competency.SELF, FRAMEWORK, now)
    for step, domain in enumerate(FRAMEWORK.domains):
        assessments.save_step(db, tia, draft.id, domain, {c.code: assessments.Answer(2, "does")
                                                          for c in domain.competencies}, step + 1)
    assessments.submit(db, tia, draft.id, FRAMEWORK, tia, now)
    assert waiting.SELF_ASSESSMENT_DUE not in lines(db, tia, now + timedelta(days=89))
    later = lines(db, tia, now + timedelta(days=90))[waiting.SELF_ASSESSMENT_DUE]
    # The key names the day of the last one, in the practice's time zone (15:30 UTC is 09:30 in Chicago).
    assert later.keys == (f"self-assessment-due:{now.date().isoformat()}",)


def test_modules_due_then_overdue_are_keyed_by_plan_item_and_due_day(db, now, team):
    lee, tia = team["lee"], team["tia"]
    module = LIBRARY.modules[0].id
    due = now.date() + timedelta(days=3)
    plans.assign(db, lee, team["practice"], [module], due, now, library=LIBRARY, person_id=tia.id)
    item_id = plans.plans_for(db, tia, tia)[0].items[0].id
    soon = lines(db, tia, now)[waiting.PLAN_DUE]
    assert soon.keys == (f"plan-due:{item_id}:{due.isoformat()}",) and soon.text == "1 assigned module due within a week"
    late = lines(db, tia, now + timedelta(days=5))
    assert late[waiting.PLAN_OVERDUE].keys == (f"plan-overdue:{item_id}:{due.isoformat()}",)
    assert waiting.PLAN_DUE not in late and late[waiting.PLAN_OVERDUE].page == registry.MY_LEARNING


def test_questions_to_review_are_keyed_by_the_local_day(db, now, team):
    tia = team["tia"]
    lesson = next(lesson for lesson in LIBRARY.lessons if lesson.checks)
    check = lesson.checks[0]
    wrong = next(choice.id for choice in check.choices if not choice.correct)
    learning.answer_check(db, tia, lesson, check, frozenset({wrong}), now, review.LESSON)
    assert waiting.REVIEW_DUE not in lines(db, tia, now)
    tomorrow = now + timedelta(days=1)
    line = lines(db, tia, tomorrow)[waiting.REVIEW_DUE]
    assert line.keys == ("review-due:2026-03-03",) and line.text == "1 question to review today"


def test_a_disabled_person_has_nothing_waiting(db, now, team):
    A.set_disabled(db, A.SYSTEM, team["tia"].id, True, now)
    assert waiting.items(db, A.load_person(db, team["tia"].id), LIBRARY, now, "UTC") == []


def test_the_list_is_worked_out_without_streamlit():
    import subprocess
    import sys

    code = "import sys, carecoord.waiting, carecoord.cli, carecoord.mailer; assert 'streamlit' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
