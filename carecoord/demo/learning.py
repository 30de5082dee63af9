"""Demo learning history: trainees further along the path the longer they have been in post.

Checks answered wrong then come back in reviews on the ladder's days (`review.schedule` decides
when), remembered seven times in ten; a few reviews are left undone, so some questions wait today.
It goes in through `store.learning.import_progress`, which marks and numbers the answers as the
lesson page does."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from carecoord import review
from carecoord.demo import DemoContext
from carecoord.store import accounts, learning


def build(context: DemoContext) -> None:
    lessons = context.library.lessons
    if not lessons:
        return
    completions, answers, reviews = [], [], []
    for person in context.trainees():
        rng = random.Random(person.username)  # the same demo every time it is loaded
        # The journey trainee always has two questions waiting, whatever the time of day the demo is loaded.
        left_waiting = 2 if person.username == "demo-trainee" else 0
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
                if not right and left_waiting:
                    left_waiting -= 1  # never reviewed: due since the day after it was answered
                elif not right:
                    reviews += _reviews(rng, person_id, lesson, check, chosen, when, context.now)
    learning.import_progress(context.db, accounts.SYSTEM, completions, answers, reviews)


def _reviews(rng: random.Random, person_id: int, lesson, check, wrong: frozenset[str], answered_at, now) -> list:
    """A person's reviews of one check they got wrong, each on the day the ladder brings it back."""
    done, history = [], [review.Answer(answered_at, False, review.LESSON)]
    while (plan := review.schedule(history, None)) and plan.due_on is not None and plan.due_on < now.date():
        if rng.random() < 0.06:
            break  # not reviewed yet: it waits
        at = datetime.combine(plan.due_on, time(10), tzinfo=UTC) + timedelta(minutes=rng.randrange(480))
        right = rng.random() < 0.7
        history.append(review.Answer(at, right, review.REVIEW))
        done.append((person_id, lesson, check, check.correct_ids if right else wrong, at))
    return done
