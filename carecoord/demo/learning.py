"""Demo learning history: trainees further along the path the longer they have been in post.

It goes in through `store.learning.import_progress`, which marks and numbers the answers as the
lesson page does."""

from __future__ import annotations

import random
from datetime import timedelta

from carecoord.demo import DemoContext
from carecoord.store import accounts, learning


def build(context: DemoContext) -> None:
    lessons = context.library.lessons
    if not lessons:
        return
    completions, answers = [], []
    for person in context.trainees():
        rng = random.Random(person.username)  # the same demo every time it is loaded
        share = min(1.0, 0.15 + person.months_in_post / 14) if person.months_in_post else 0.0
        done = lessons[: round(len(lessons) * share * rng.uniform(0.8, 1.0))]
        if person.username == "demo-trainee":
            done = lessons[: min(len(lessons) - 1, 6)]  # the journey trainee has plenty left to do
        days_in_post = max(1, round(person.months_in_post * 30.44))
        person_id = context.people[person.username]
        for index, lesson in enumerate(done):
            when = context.now - timedelta(days=days_in_post * (1 - (index + 1) / (len(done) + 1)))
            completions.append((person_id, lesson, when))
            for check in lesson.checks:
                right = rng.random() < 0.75
                wrong_choice = next((c.id for c in check.choices if not c.correct), check.choices[0].id)
                chosen = check.correct_ids if right else frozenset({wrong_choice})
                answers.append((person_id, lesson, check, chosen, when))
    learning.import_progress(context.db, accounts.SYSTEM, completions, answers)
