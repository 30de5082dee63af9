"""Demo family faculty stories by Marisol Vega: one published (after one round of changes), one waiting
for review, and one draft the identifying-details check still flags. Built through the store, so the
workflow, its events and its audit records are the real ones."""

from __future__ import annotations

from datetime import timedelta

from carecoord import stories as rules
from carecoord.demo import DemoContext
from carecoord.store import accounts, stories

PUBLISHED_TITLE = "The binder on our kitchen table"
IN_REVIEW_TITLE = "Turning three, and the meeting nobody explained"
DRAFT_TITLE = "The night the ventilator alarm would not stop"

PUBLISHED_BODY = """\
When Rosa came home from the NICU she had eleven specialists, two pumps, an oxygen concentrator and a
list of medicines longer than my arm. Everyone we met was kind. Nobody told me who to call first when
something went wrong.

So I bought a binder. The first page was a single sheet: her diagnoses, her medicines and doses, her
allergies, her equipment and what to do if she stopped breathing. The second page was a care map I drew
by hand, with Rosa in the middle and every person and service around her. Some lines were thick, some
were dotted, and a few were missing altogether.

## What the binder taught the team

The binder went to every appointment. At first I was embarrassed to bring it out. Then a resident asked
to photocopy the first page, and a week later the emergency department used it when her seizures would
not stop. It was the only place where everything about her was written down together.

Our care coordinator was the first professional who asked to *see* the map rather than just hear about
it. She pointed at a dotted line between neurology and the feeding team and asked, "Who owns this one?"
Nobody did. Within a month there was a shared plan, and I was no longer the only person carrying it.

## What I would like coordinators to know

- Families are already coordinating. Ask what system we use before you give us a new one.
- One page that travels with the child is worth more than a perfect record nobody can find.
- When you ask who owns a link on the map, you are asking the most useful question of the week.
"""

PUBLISHED_QUESTIONS = [
    "What would have to be on the one page that travels with a child you coordinate for?",
    "Which link on a family's care map would you ask about first, and why?",
    "How would you find out what system a family already uses before offering yours?",
]

IN_REVIEW_BODY = """\
Rosa turned three on a Tuesday, and on the Wednesday her early intervention team was gone. We had known
the date for months. We had even been to a transition meeting. But nobody explained that the preschool
would need its own evaluation, that the therapies would be counted differently, or that the nurse who
knew her seizure plan by heart would not be coming with her.

I remember sitting in a small office with six professionals and a stack of forms. I nodded because
everyone else was nodding. On the way home I realised I did not know who to call if the school bus was
late with her medicines on board.

What helped in the end was one phone call from our coordinator, a week later, asking: "What is still
worrying you?" Nobody had asked me that in the meeting.
"""

IN_REVIEW_QUESTIONS = [
    "Who on your team asks a family what is still worrying them after a transition meeting?",
    "What could a family be told before turning three that would make the change less abrupt?",
]

DRAFT_BODY = """\
Rosa was born on 14 March 2016 at St Mary's Hospital, and by the time she was eight months old she was
at home on a ventilator. The first night the alarm would not stop, I rang the ward on 0161 496 0734 and
Dr Okafor talked me through it until the tubing was sorted.

We live on Alder Road, so the ambulance knew the way by the end of that winter.
"""


def build(context: DemoContext) -> None:
    db, now = context.db, context.now
    author = accounts.load_person(db, context.people["demo-faculty"])
    lead = accounts.load_person(db, context.people["demo-lead"])
    trainee = accounts.load_person(db, context.people["demo-amara"])

    def days_ago(days: float):
        return now - timedelta(days=days)

    # Published, after one round of changes.
    story = stories.create_draft(db, author, days_ago(70))
    stories.save_draft(db, author, story.id, days_ago(69), title=PUBLISHED_TITLE, body=PUBLISHED_BODY,
                       stage="infancy", questions=PUBLISHED_QUESTIONS[:2],
                       modules=["partnering-with-families", "the-shared-plan-of-care", "information-sharing"],
                       phases=["nicu-2-first-weeks-home", "epilepsy-1-infancy"],
                       competencies=["FP1", "CP1", "IM1"])
    stories.set_intended(db, author, story.id, "Rosa", True, days_ago(69))
    stories.record_consent(db, author, story.id, rules.SCOPE_INSTALLATION, rules.CREDIT_NAME, True, days_ago(69))
    stories.submit(db, author, story.id, days_ago(68))
    stories.request_changes(db, lead, story.id, "Thank you, Marisol. This is exactly what new coordinators need. "
                            "Could you add a third discussion question about how to learn what system a family "
                            "already uses?", days_ago(66))
    stories.save_draft(db, author, story.id, days_ago(65), questions=PUBLISHED_QUESTIONS)
    stories.submit(db, author, story.id, days_ago(65))
    stories.approve(db, lead, story.id, days_ago(63), "Published for the whole installation, as you chose.")
    stories.save_reflection(db, trainee, story.id, "I have never asked a family to show me *their* system first. "
                            "Next home visit I will ask to see the binder before I open our care plan.", days_ago(20))

    # Waiting for review.
    story = stories.create_draft(db, author, days_ago(9))
    stories.save_draft(db, author, story.id, days_ago(8), title=IN_REVIEW_TITLE, body=IN_REVIEW_BODY,
                       stage="early-childhood", questions=IN_REVIEW_QUESTIONS,
                       modules=["school-and-adult-transitions"], phases=["epilepsy-3-turning-three"],
                       competencies=["TR2", "RL1", "CM1"])
    stories.record_consent(db, author, story.id, rules.SCOPE_PRACTICE, rules.CREDIT_INITIALS, True, days_ago(8))
    stories.submit(db, author, story.id, days_ago(3))

    # A draft the check still flags (a date of birth, a hospital, a phone number, a doctor, a street).
    story = stories.create_draft(db, author, days_ago(2))
    stories.save_draft(db, author, story.id, days_ago(1), title=DRAFT_TITLE, body=DRAFT_BODY, stage="infancy",
                       modules=["hospital-to-home-transitions"], competencies=["TR1", "CP3"])
