"""What waits for a person now: the "Waiting for you" list on each landing page, and the reminders
`carecoord remind` mails.

One `Waiting` line per kind of work, most pressing first, each naming the page where it is done
and the things it counts by stable keys. A key names the thing and, where the thing can come back,
the moment it came (a module's due day, the submission a story was sent back from), so the mail
tells a person about each thing once (`carecoord.store.reminders`) while the line in the app
counts them all. Lines hold counts and kinds only, never text someone wrote (a story's title,
a request's context): the mail goes outside the app.

No streamlit here: the pages draw the list (carecoord/ui/waiting.py) and add their own check that
each page is in the person's navigation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from carecoord import clock, competency, permissions, plans as plan_rules, review, stories as story_rules
from carecoord.content.models import Library
from carecoord.db import Database
from carecoord.people import ASSESSOR, FAMILY_FACULTY, LEAD, TRAINEE, Person
from carecoord.store import assessments, learning, measures, observations, plans, stories
from carecoord.wording import count, verb

# The pages the lines link to, as registered in carecoord/ui/registry.py (tests/unit/test_waiting.py
# checks they are the same strings).
MY_LEARNING = "carecoord/ui/app_pages/my_learning.py"
SELF_ASSESSMENT = "carecoord/ui/app_pages/self_assessment.py"
SURVEYS = "carecoord/ui/app_pages/surveys.py"
STORY_REVIEW = "carecoord/ui/app_pages/story_review.py"
MY_STORIES = "carecoord/ui/app_pages/my_stories.py"
OBSERVE = "carecoord/ui/app_pages/observe.py"
MY_EVIDENCE = "carecoord/ui/app_pages/my_evidence.py"

DECLINED_SHOWN_FOR = timedelta(days=14)  # a declined request is news for this long

# The kinds, in the order the list shows them; each line's keys start with "<kind>:".
PLAN_OVERDUE, PLAN_DUE = "plan-overdue", "plan-due"
REVIEW_DUE = "review-due"
REQUEST, REQUEST_DECLINED = "request", "request-declined"
SELF_ASSESSMENT_DUE = "self-assessment-due"
SURVEY = "survey"
STORY_REVIEW_KIND, STORY_CHANGES = "story-review", "story-changes"
# Each kind's page, in the order the list (and a reminder e-mail) shows the kinds.
PAGE_OF_KIND = {PLAN_OVERDUE: MY_LEARNING, PLAN_DUE: MY_LEARNING, REVIEW_DUE: MY_LEARNING, REQUEST: OBSERVE,
                REQUEST_DECLINED: MY_EVIDENCE, SELF_ASSESSMENT_DUE: SELF_ASSESSMENT, SURVEY: SURVEYS,
                STORY_REVIEW_KIND: STORY_REVIEW, STORY_CHANGES: MY_STORIES}


@dataclass(frozen=True)
class Waiting:
    kind: str
    keys: tuple[str, ...]  # one per thing this line counts: "request:12", "plan-overdue:7:2026-02-20"
    text: str
    page: str  # the page's path, as in carecoord/ui/registry.py
    icon: str

    @property
    def key(self) -> str:
        """The line's own stable id: the same things waiting give the same key."""
        return " ".join(self.keys)


def timezone_of(person: Person) -> str:
    """The time zone due days are counted in when no page has chosen a practice: the first active one's."""
    return next((m.practice_timezone for m in person.memberships if m.active), "UTC")


def items(db: Database, person: Person, library: Library, now: datetime, timezone: str) -> list[Waiting]:
    """What waits for `person` now, most pressing first; their own things only (the store checks)."""
    found: list[Waiting] = []
    if person.disabled:
        return found
    if person.has_role(TRAINEE) or person.has_role(LEAD) or person.has_role(FAMILY_FACULTY):
        found += _learning(db, person, library, now, timezone)
    if person.has_role(ASSESSOR):
        waiting = observations.requests_waiting_for(db, person, now)
        if waiting:
            found.append(Waiting(REQUEST, tuple(f"{REQUEST}:{r.id}" for r in waiting),
                                 f"{count(len(waiting), 'observation request')} {verb(len(waiting), 'waits', 'wait')} "
                                 "for you", OBSERVE, ":material/rate_review:"))
    if person.has_role(TRAINEE):
        declined = [r for r in observations.my_requests(db, person)
                    if r.status == observations.DECLINED and r.closed_at is not None
                    and now - r.closed_at <= DECLINED_SHOWN_FOR]
        if declined:
            found.append(Waiting(REQUEST_DECLINED, tuple(f"{REQUEST_DECLINED}:{r.id}" for r in declined),
                                 f"{count(len(declined), 'observation request')} {verb(len(declined), 'was', 'were')} "
                                 "declined", MY_EVIDENCE, ":material/event_busy:"))
    if permissions.may_self_assess(person):
        last = assessments.last_self_assessment(db, person)
        if competency.reassessment_due(last, now, timezone):
            since = clock.local_date(last, timezone).isoformat() if last else "none"
            found.append(Waiting(SELF_ASSESSMENT_DUE, (f"{SELF_ASSESSMENT_DUE}:{since}",), "A self-assessment is due",
                                 SELF_ASSESSMENT, ":material/edit_note:"))
    unanswered = [s for s in measures.open_surveys(db, person) if not s.answered]
    if unanswered:
        found.append(Waiting(SURVEY, tuple(f"{SURVEY}:{s.administration.id}" for s in unanswered),
                             f"{count(len(unanswered), 'team survey')} open for your answers", SURVEYS,
                             ":material/ballot:"))
    if permissions.may_review_stories(person) and (queue := stories.review_queue(db, person)):
        found.append(Waiting(STORY_REVIEW_KIND, tuple(f"{STORY_REVIEW_KIND}:{s.id}:{_moment(s.submitted_at)}"
                                                      for s in queue),
                             f"{count(len(queue), 'family story', 'family stories')} "
                             f"{verb(len(queue), 'waits', 'wait')} for your review", STORY_REVIEW,
                             ":material/fact_check:"))
    if permissions.may_write_stories(person):
        sent_back = [s for s in stories.my_stories(db, person) if s.status == story_rules.CHANGES_REQUESTED]
        if sent_back:
            found.append(Waiting(STORY_CHANGES, tuple(f"{STORY_CHANGES}:{s.id}:{_moment(s.submitted_at)}"
                                                      for s in sent_back),
                                 f"{count(len(sent_back), 'story', 'stories')} sent back to you for changes",
                                 MY_STORIES, ":material/history_edu:"))
    return found


def _learning(db: Database, person: Person, library: Library, now: datetime, timezone: str) -> list[Waiting]:
    """Assigned modules overdue or due within a week, and questions due for review today."""
    found = []
    progress = learning.progress(db, person, person)
    overdue: list[str] = []
    due_soon: list[str] = []
    for plan in plans.plans_for(db, person, person):
        for status in plan_rules.plan_statuses(plan.items, library, progress, now, plan.timezone):
            thing = f"{status.item.id}:{status.item.due_on.isoformat()}"
            if status.status == "overdue":
                overdue.append(f"{PLAN_OVERDUE}:{thing}")
            elif status.status == "due soon":
                due_soon.append(f"{PLAN_DUE}:{thing}")
    if overdue:
        found.append(Waiting(PLAN_OVERDUE, tuple(overdue), f"{count(len(overdue), 'assigned module')} overdue",
                             MY_LEARNING, ":material/error:"))
    if due_soon:
        found.append(Waiting(PLAN_DUE, tuple(due_soon), f"{count(len(due_soon), 'assigned module')} due within a week",
                             MY_LEARNING, ":material/schedule:"))
    today = clock.local_date(now, timezone)
    if to_review := review.due(library, learning.review_history(db, person, person), today, timezone):
        found.append(Waiting(REVIEW_DUE, (f"{REVIEW_DUE}:{today.isoformat()}",),
                             f"{count(len(to_review), 'question')} to review today", MY_LEARNING, ":material/replay:"))
    return found


def _moment(at: datetime | None) -> str:
    return clock.iso(at) if at is not None else "none"
