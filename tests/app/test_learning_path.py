"""A new coordinator's learning journey through streamlit_app.py."""

import pytest

from carecoord.content import load_library
from tests.app.conftest import page_text, titles

MY_LEARNING = "carecoord/ui/app_pages/my_learning.py"
LESSON = "carecoord/ui/app_pages/lesson.py"
LIBRARY = load_library()


def overall_text(at) -> str:
    return at.get("progress")[0].proto.text


def open_lesson(at, lesson_id):
    at.switch_page(LESSON)
    at.query_params["lesson"] = lesson_id
    return at.run()


def test_trainee_lands_on_my_learning_with_progress_and_continue(app_as):
    at = app_as("trainee").run()
    assert titles(at) == ["My learning"]
    total = len(LIBRARY.lessons)
    assert overall_text(at) == f"Overall: 6 of {total} lessons complete"
    next_lesson = LIBRARY.lessons[6]
    links = [link.proto.label for link in at.get("page_link")]
    assert f"Continue: {next_lesson.title} · {LIBRARY.module_of(next_lesson).title}" in links


def test_trainee_answers_a_check_marks_complete_and_progress_moves(app_as):
    at = app_as("trainee").run()
    lesson = LIBRARY.lessons[6]
    check = lesson.checks[0]
    at = open_lesson(at, lesson.id)
    assert titles(at) == [lesson.title]

    wrong = next(c.id for c in check.choices if not c.correct)
    form_radio = at.radio(key=f"{check.id}-radio") if not check.multiple else None
    if check.multiple:
        at.checkbox(key=f"{check.id}-{wrong}").check()
    else:
        form_radio.set_value(wrong)
    next(b for b in at.button if b.label == "Check answer").click()
    at.run()
    assert "Not quite" in page_text(at)
    assert check.choice(wrong).feedback in page_text(at)

    if check.multiple:
        at.checkbox(key=f"{check.id}-{wrong}").uncheck()
        for i in check.correct_ids:
            at.checkbox(key=f"{check.id}-{i}").check()
    else:
        at.radio(key=f"{check.id}-radio").set_value(next(iter(check.correct_ids)))
    next(b for b in at.button if b.label == "Check answer").click()
    at.run()
    assert "Right." in page_text(at)

    next(b for b in at.button if b.label == "Mark complete").click()
    at.run()
    assert "Completed on" in page_text(at)

    at.switch_page(MY_LEARNING).run()
    assert overall_text(at) == f"Overall: 7 of {len(LIBRARY.lessons)} lessons complete"


def test_answers_and_completion_persist_in_a_new_session(app_as):
    lesson = LIBRARY.lessons[6]
    at = open_lesson(app_as("trainee").run(), lesson.id)
    next(b for b in at.button if b.label == "Mark complete").click()
    at.run()
    again = open_lesson(app_as("trainee").run(), lesson.id)
    assert "Completed on" in page_text(again)
    assert not any(b.label == "Mark complete" for b in again.button)


def test_check_refuses_an_empty_answer_at_the_question(app_as):
    lesson = LIBRARY.lessons[6]
    at = open_lesson(app_as("trainee").run(), lesson.id)
    next(b for b in at.button if b.label == "Check answer").click()
    at.run()
    assert any("Choose" in e.value for e in at.error)


def test_unknown_lesson_says_so_without_a_traceback(app_as):
    at = open_lesson(app_as("trainee").run(), "no-such-lesson")
    assert titles(at) == ["Lesson not found"]
    assert not at.exception


@pytest.mark.parametrize("who", ["lead", "family_faculty"])
def test_other_members_can_read_lessons_too(app_as, who):
    at = open_lesson(app_as(who).run(), LIBRARY.lessons[0].id)
    assert titles(at) == [LIBRARY.lessons[0].title]


def test_admin_without_a_practice_role_has_no_learning_path(app_as):
    at = app_as("admin").run()
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page(MY_LEARNING).run()


def test_admin_sees_content_counts(app_as):
    at = app_as("admin").switch_page("carecoord/ui/app_pages/content_status.py").run()
    assert titles(at) == ["Content"]
    assert "Every content file is valid." in page_text(at)
