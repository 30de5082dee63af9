"""Lesson progress and knowledge-check answers."""

from __future__ import annotations

import json
from datetime import datetime


from carecoord import item_analysis, learning, permissions, review
from carecoord.clock import iso, parse
from carecoord.content.models import Check, Lesson, Library
from carecoord.db import Database, placeholders, write
from carecoord.people import TRAINEE, Person
from carecoord.permissions import require
from carecoord.store import credentials, records


def progress(db: Database, actor: Person, subject: Person) -> learning.Progress:
    require(permissions.may_view_person(actor, subject), "You may not see that person's learning.")
    completed = {
        row["lesson_id"]: parse(row["completed_at"])
        for row in db.query("SELECT lesson_id, completed_at FROM lesson_progress WHERE person_id = ?", [subject.id])
    }
    first = {
        row["check_id"]: bool(row["correct"])
        for row in db.query("SELECT check_id, correct FROM check_answer WHERE person_id = ? AND attempt = 1",
                            [subject.id])
    }
    return learning.Progress(completed=completed, first_attempts=first)


def answer_check(db: Database, person: Person, lesson: Lesson, check: Check, chosen: frozenset[str],
                 now, source: str = review.LESSON, library: Library | None = None) -> learning.CheckResult:
    """Mark an answer and keep it; every attempt is stored, the first is the one that counts. `source` says
    whether it was given in the lesson or in a review. With the library, a module this answer completes is
    awarded in the same transaction (`credentials.award_modules`)."""
    if source not in (review.LESSON, review.REVIEW):
        raise ValueError(f"unknown answer source: {source!r}")
    result = learning.mark(check, chosen)
    with write(db):
        attempt = db.execute(
            "SELECT coalesce(max(attempt), 0) + 1 FROM check_answer WHERE person_id = ? AND check_id = ?",
            [person.id, check.id],
        ).fetchone()[0]
        db.execute(
            """INSERT INTO check_answer (person_id, lesson_id, check_id, content_hash, choices, correct, attempt,
                   answered_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [person.id, lesson.id, check.id, lesson.content_hash, json.dumps(sorted(chosen)), int(result.correct),
             attempt, iso(now), source],
        )
        records.record(db, person.id, "check_answered", now, lesson_id=lesson.id, check_id=check.id,
                       choice_id=sorted(chosen), correct=result.correct, on_review=source == review.REVIEW)
        if library is not None:
            credentials.award_modules(db, person, library, now)
    return result


def review_history(db: Database, actor: Person, subject: Person) -> dict[str, list[review.Answer]]:
    """Every answer of each check the person ever got wrong, in time order: what their review is computed from."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's learning.")
    history: dict[str, list[review.Answer]] = {}
    for row in db.query(
            """SELECT check_id, correct, source, answered_at FROM check_answer a
               WHERE person_id = ? AND EXISTS (SELECT 1 FROM check_answer w WHERE w.person_id = a.person_id
                                               AND w.check_id = a.check_id AND w.correct = 0)
               ORDER BY check_id, attempt""", [subject.id]):
        history.setdefault(row["check_id"], []).append(
            review.Answer(parse(row["answered_at"]), bool(row["correct"]), row["source"]))
    return history


def review_answers(db: Database, actor: Person, practice_id: int) -> list[tuple[str, bool]]:
    """(check id, right) for every review answer by the practice's trainees: for retention per module."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads see its review figures.")
    rows = db.execute(
        """SELECT a.check_id, a.correct FROM check_answer a
           WHERE a.source = 'review' AND a.person_id IN (SELECT person_id FROM membership
                                                         WHERE practice_id = ? AND role = ? AND active <> 0)""",
        [practice_id, TRAINEE]).fetchall()
    return [(check_id, bool(correct)) for check_id, correct in rows]


def last_answers(db: Database, person: Person, lesson: Lesson) -> dict[str, frozenset[str]]:
    """The person's latest choices for each check of a lesson, to show them again on return."""
    rows = db.query(
        """SELECT check_id, choices FROM check_answer a
           WHERE person_id = ? AND lesson_id = ?
             AND attempt = (SELECT max(attempt) FROM check_answer b
                            WHERE b.person_id = a.person_id AND b.check_id = a.check_id)""",
        [person.id, lesson.id],
    )
    checks = {check.id: check for check in lesson.checks}
    return {row["check_id"]: learning.recorded_choices(checks[row["check_id"]], json.loads(row["choices"]))
            for row in rows if row["check_id"] in checks}


def mark_complete(db: Database, person: Person, lesson: Lesson, now, library: Library | None = None) -> None:
    """Completing twice keeps the first completion. With the library, a module this lesson completes is
    awarded in the same transaction (`credentials.award_modules`)."""
    with write(db):
        added = db.execute(
            """INSERT INTO lesson_progress (person_id, lesson_id, content_hash, completed_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (person_id, lesson_id) DO NOTHING""",
            [person.id, lesson.id, lesson.content_hash, iso(now)],
        ).rowcount
        if added:
            records.record(db, person.id, "lesson_completed", now, lesson_id=lesson.id, lesson_title=lesson.title,
                           module_id=lesson.module_id)
        if library is not None:
            credentials.award_modules(db, person, library, now)


def referenced_content_ids(db: Database) -> set[str]:
    """Every content id that stored records name (for `carecoord validate --check-db`)."""
    rows = db.execute(
        """SELECT lesson_id FROM lesson_progress UNION SELECT lesson_id FROM check_answer
           UNION SELECT check_id FROM check_answer UNION SELECT check_id FROM archived_check_answer"""
    ).fetchall()
    return {r[0] for r in rows}


def import_progress(db: Database, actor: Person, completions: list[tuple[int, Lesson, datetime]],
                    answers: list[tuple[int, Lesson, Check, frozenset[str], datetime]],
                    reviews: list[tuple[int, Lesson, Check, frozenset[str], datetime]] = ()) -> tuple[int, int]:
    """The bulk path: lesson completions, check answers and review answers from an earlier record.

    Marked and numbered as `answer_check` and `mark_complete` would (attempts continue after any
    already stored, the lesson answers before the review answers; completing twice keeps the first).
    Administrators only. Returns the completions and the answers added.
    """
    require(permissions.may_administer_accounts(actor), "Only an administrator imports learning history.")
    person_ids = sorted({a[0] for a in [*answers, *reviews]})
    attempts: dict[tuple[int, str], int] = {}
    for chunk in range(0, len(person_ids), 500):
        ids = person_ids[chunk:chunk + 500]
        for person_id, check_id, last in db.execute(
                f"SELECT person_id, check_id, max(attempt) FROM check_answer "
                f"WHERE person_id IN ({placeholders(ids)}) GROUP BY person_id, check_id", ids):
            attempts[(person_id, check_id)] = last
    answer_rows = []
    for source, given in ((review.LESSON, answers), (review.REVIEW, reviews)):
        for person_id, lesson, check, chosen, at in given:
            key = (person_id, check.id)
            attempts[key] = attempts.get(key, 0) + 1
            answer_rows.append((person_id, lesson.id, check.id, lesson.content_hash, json.dumps(sorted(chosen)),
                                int(learning.mark(check, chosen).correct), attempts[key], iso(at), source))
    with write(db):
        completed = db.executemany(
            """INSERT INTO lesson_progress (person_id, lesson_id, content_hash, completed_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (person_id, lesson_id) DO NOTHING""",
            ((person_id, lesson.id, lesson.content_hash, iso(at)) for person_id, lesson, at in completions))
        db.executemany(
            """INSERT INTO check_answer (person_id, lesson_id, check_id, content_hash, choices, correct, attempt,
                   answered_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", answer_rows)
    return completed, len(answer_rows)


def first_answers(db: Database, actor: Person, library: Library) -> list[item_analysis.FirstAnswer]:
    """Every first answer to a check still in the library, from current learners and earlier cohorts alike,
    each under an opaque learner key: what item analysis counts."""
    require(permissions.may_analyse_items(actor), "Only leads and administrators see item analysis.")
    checks = {check.id: check for lesson in library.lessons for check in lesson.checks}
    rows = db.execute(
        """SELECT 'p' || person_id, check_id, choices, correct FROM check_answer WHERE attempt = 1
           UNION ALL
           SELECT 'a' || cohort || '/' || learner, check_id, choices, correct FROM archived_check_answer""").fetchall()
    # A few hundred distinct (check, choices) pairs among a quarter of a million answers at scale L: read each once.
    chosen: dict[tuple[str, str], frozenset[str]] = {}

    def choices_of(check_id: str, stored: str) -> frozenset[str]:
        if (check_id, stored) not in chosen:
            chosen[check_id, stored] = learning.recorded_choices(checks[check_id], json.loads(stored))
        return chosen[check_id, stored]

    return [item_analysis.FirstAnswer(learner, check_id, choices_of(check_id, choices), bool(correct))
            for learner, check_id, choices, correct in rows if check_id in checks]


def first_answers_version(db: Database) -> tuple:
    """Changes whenever a first answer is added or removed (they are never edited): what a cache of the item
    analysis is keyed by. No answer is returned, only counts and the highest row ids."""
    return tuple(db.execute(
        """SELECT (SELECT count(*) FROM check_answer WHERE attempt = 1), (SELECT max(id) FROM check_answer),
                  (SELECT count(*) FROM archived_check_answer), (SELECT max(id) FROM archived_check_answer)"""
    ).fetchone())


def archive_answers(db: Database, actor: Person, cohort: str, answers: list[tuple[str, Check, frozenset[str], datetime]]
                    ) -> int:
    """Keep an earlier cohort's first answers without a person: (learner label, check, choices, when).
    Administrators only; a cohort's learner answers each check once."""
    require(permissions.may_administer_accounts(actor), "Only an administrator archives answers.")
    with write(db):
        db.executemany(
            """INSERT INTO archived_check_answer (cohort, learner, check_id, choices, correct, answered_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [(cohort, learner, check.id, json.dumps(sorted(chosen)), int(learning.mark(check, chosen).correct),
              iso(at)) for learner, check, chosen, at in answers])
    return len(answers)
