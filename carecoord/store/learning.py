"""Lesson progress and knowledge-check answers."""

from __future__ import annotations

import json
from datetime import datetime


from carecoord import learning, permissions
from carecoord.clock import iso, parse
from carecoord.content.models import Check, Lesson
from carecoord.db import Database, placeholders, write
from carecoord.people import Person
from carecoord.permissions import require


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
                 now) -> learning.CheckResult:
    """Mark an answer and keep it; every attempt is stored, the first is the one that counts."""
    result = learning.mark(check, chosen)
    with write(db):
        attempt = db.execute(
            "SELECT coalesce(max(attempt), 0) + 1 FROM check_answer WHERE person_id = ? AND check_id = ?",
            [person.id, check.id],
        ).fetchone()[0]
        db.execute(
            """INSERT INTO check_answer (person_id, lesson_id, check_id, content_hash, choices, correct, attempt,
                   answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [person.id, lesson.id, check.id, lesson.content_hash, json.dumps(sorted(chosen)), int(result.correct),
             attempt, iso(now)],
        )
    return result


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


def mark_complete(db: Database, person: Person, lesson: Lesson, now) -> None:
    """Completing twice keeps the first completion."""
    with write(db):
        db.execute(
            """INSERT INTO lesson_progress (person_id, lesson_id, content_hash, completed_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (person_id, lesson_id) DO NOTHING""",
            [person.id, lesson.id, lesson.content_hash, iso(now)],
        )


def referenced_content_ids(db: Database) -> set[str]:
    """Every content id that stored records name (for `carecoord validate --check-db`)."""
    rows = db.execute(
        """SELECT lesson_id FROM lesson_progress UNION SELECT lesson_id FROM check_answer
           UNION SELECT check_id FROM check_answer"""
    ).fetchall()
    return {r[0] for r in rows}


def import_progress(db: Database, actor: Person, completions: list[tuple[int, Lesson, datetime]],
                    answers: list[tuple[int, Lesson, Check, frozenset[str], datetime]]) -> tuple[int, int]:
    """The bulk path: lesson completions and check answers from an earlier record, with executemany.

    Marked and numbered as `answer_check` and `mark_complete` would (attempts continue after any
    already stored; completing twice keeps the first). Administrators only. Returns the rows added.
    """
    require(permissions.may_administer_accounts(actor), "Only an administrator imports learning history.")
    person_ids = sorted({a[0] for a in answers})
    attempts: dict[tuple[int, str], int] = {}
    for chunk in range(0, len(person_ids), 500):
        ids = person_ids[chunk:chunk + 500]
        for person_id, check_id, last in db.execute(
                f"SELECT person_id, check_id, max(attempt) FROM check_answer "
                f"WHERE person_id IN ({placeholders(ids)}) GROUP BY person_id, check_id", ids):
            attempts[(person_id, check_id)] = last
    answer_rows = []
    for person_id, lesson, check, chosen, at in answers:
        key = (person_id, check.id)
        attempts[key] = attempts.get(key, 0) + 1
        answer_rows.append((person_id, lesson.id, check.id, lesson.content_hash, json.dumps(sorted(chosen)),
                            int(learning.mark(check, chosen).correct), attempts[key], iso(at)))
    with write(db):
        completed = db.executemany(
            """INSERT INTO lesson_progress (person_id, lesson_id, content_hash, completed_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (person_id, lesson_id) DO NOTHING""",
            ((person_id, lesson.id, lesson.content_hash, iso(at)) for person_id, lesson, at in completions))
        db.executemany(
            """INSERT INTO check_answer (person_id, lesson_id, check_id, content_hash, choices, correct, attempt,
                   answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", answer_rows)
    return completed, len(answer_rows)
