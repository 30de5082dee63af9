"""Progress and knowledge-check marking, as pure functions with worked examples."""

from datetime import timedelta

import pytest

from carecoord import learning
from carecoord.content import load_library
from carecoord.store import accounts, learning as store
from tests.content_fixtures import make_content_root


@pytest.fixture
def library(tmp_path):
    return load_library(make_content_root(tmp_path))


def test_single_answer_marking(library):
    check = library.lesson("first-lesson").checks[0]
    right = learning.mark(check, frozenset({"a"}))
    assert right.correct and right.feedback == (("Right", True, "Yes."),)
    wrong = learning.mark(check, frozenset({"b"}))
    assert not wrong.correct and wrong.feedback == (("Wrong", False, "No."),)
    with pytest.raises(ValueError, match="Choose one"):
        learning.mark(check, frozenset({"a", "b"}))
    with pytest.raises(ValueError, match="Choose an answer"):
        learning.mark(check, frozenset())


def test_multiple_answer_needs_exactly_the_correct_set(library):
    check = library.lesson("second-lesson").checks[0]
    assert learning.mark(check, frozenset({"a", "b"})).correct
    assert not learning.mark(check, frozenset({"a"})).correct  # half right is not right
    assert not learning.mark(check, frozenset({"a", "b", "c"})).correct
    assert len(learning.mark(check, frozenset({"a", "c"})).feedback) == 2
    with pytest.raises(ValueError):
        learning.mark(check, frozenset({"z"}))


def test_progress_counts_next_lesson_and_first_attempt_score(library, now):
    first, second = library.lessons
    module = library.modules[0]
    empty = learning.Progress()
    assert empty.counts(module) == (0, 2) and empty.next_lesson(library) == first
    progress = learning.Progress(completed={first.id: now}, first_attempts={"first-lesson-q1": False})
    assert progress.counts(module) == (1, 2)
    assert progress.overall(library) == (1, 2)
    assert progress.next_lesson(library) == second
    assert progress.check_score(library.lessons) == (0, 1)
    assert not progress.module_complete(module)
    done = learning.Progress(completed={first.id: now, second.id: now})
    assert done.next_lesson(library) is None and done.module_complete(module)
    assert learning.fraction(1, 2) == 0.5 and learning.fraction(0, 0) == 0.0


def test_store_keeps_every_attempt_and_counts_the_first(db, now, library):
    pid = accounts.create_person(db, accounts.SYSTEM, username="tia", display_name="Tia",
                                 password="long enough pw", now=now)
    tia = accounts.load_person(db, pid)
    lesson = library.lesson("first-lesson")
    check = lesson.checks[0]
    assert not store.answer_check(db, tia, lesson, check, frozenset({"b"}), now).correct
    assert store.answer_check(db, tia, lesson, check, frozenset({"a"}), now + timedelta(minutes=1)).correct
    attempts = db.execute("SELECT attempt, correct, content_hash FROM check_answer ORDER BY attempt").fetchall()
    assert attempts == [(1, 0, lesson.content_hash), (2, 1, lesson.content_hash)]
    progress = store.progress(db, tia, tia)
    assert progress.first_attempts == {check.id: False}
    assert store.last_answers(db, tia, lesson) == {check.id: frozenset({"a"})}


def test_completing_twice_keeps_the_first_time(db, now, library):
    pid = accounts.create_person(db, accounts.SYSTEM, username="tia", display_name="Tia",
                                 password="long enough pw", now=now)
    tia = accounts.load_person(db, pid)
    lesson = library.lesson("first-lesson")
    store.mark_complete(db, tia, lesson, now)
    store.mark_complete(db, tia, lesson, now + timedelta(days=1))
    assert store.progress(db, tia, tia).completed == {lesson.id: now}
    row = db.execute("SELECT content_hash FROM lesson_progress").fetchone()
    assert row[0] == lesson.content_hash


def test_nobody_else_reads_a_trainees_progress(db, now):
    from carecoord.permissions import PermissionDenied

    a = accounts.load_person(db, accounts.create_person(db, accounts.SYSTEM, username="aaa", display_name="A",
                                                        password="long enough pw", now=now))
    b = accounts.load_person(db, accounts.create_person(db, accounts.SYSTEM, username="bbb", display_name="B",
                                                        password="long enough pw", now=now))
    with pytest.raises(PermissionDenied):
        store.progress(db, a, b)
