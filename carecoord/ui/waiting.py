"""The short "Waiting for you" list at the top of each role's landing page.

One line per kind of work that waits for this person, each a link to where it is done: overdue
and soon-due modules, a self-assessment that is due, team surveys not yet answered, stories to
review, stories sent back for changes. Nothing waiting: one line that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from carecoord import competency, permissions, plans as plan_rules, stories as story_rules
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.store import assessments, learning, measures, plans, stories
from carecoord.ui import content, registry, review_session, session
from carecoord.wording import count, verb


@dataclass(frozen=True)
class Waiting:
    text: str
    page: str
    icon: str


def items(run: session.Run) -> list[Waiting]:
    """What waits for the signed-in person now, most pressing first."""
    person, found = run.person, []
    if person.has_role(TRAINEE) or person.has_role(LEAD) or person.has_role(FAMILY_FACULTY):
        library = content.library()
        progress = learning.progress(run.db, person, person)
        overdue = due_soon = 0
        for plan in plans.plans_for(run.db, person, person):
            summary = plan_rules.summarise(plan_rules.plan_statuses(plan.items, library, progress, run.now,
                                                                    plan.timezone))
            overdue, due_soon = overdue + summary.overdue, due_soon + summary.due_soon
        if overdue:
            found.append(Waiting(f"{count(overdue, 'assigned module')} overdue", registry.MY_LEARNING,
                                 ":material/error:"))
        if due_soon:
            found.append(Waiting(f"{count(due_soon, 'assigned module')} due within a week", registry.MY_LEARNING,
                                 ":material/schedule:"))
        if to_review := review_session.due_now(run, library):
            found.append(Waiting(f"{count(len(to_review), 'question')} to review today", registry.MY_LEARNING,
                                 ":material/replay:"))
    if permissions.may_self_assess(person) and competency.reassessment_due(
            assessments.last_self_assessment(run.db, person), run.now, run.timezone):
        found.append(Waiting("A self-assessment is due", registry.SELF_ASSESSMENT, ":material/edit_note:"))
    unanswered = [s for s in measures.open_surveys(run.db, person) if not s.answered]
    if unanswered:
        found.append(Waiting(f"{count(len(unanswered), 'team survey')} open for your answers", registry.SURVEYS,
                             ":material/ballot:"))
    if permissions.may_review_stories(person) and (queue := stories.review_queue(run.db, person)):
        found.append(Waiting(f"{count(len(queue), 'family story', 'family stories')} "
                             f"{verb(len(queue), 'waits', 'wait')} for your review", registry.STORY_REVIEW,
                             ":material/fact_check:"))
    if permissions.may_write_stories(person):
        sent_back = [s for s in stories.my_stories(run.db, person) if s.status == story_rules.CHANGES_REQUESTED]
        if sent_back:
            found.append(Waiting(f"{count(len(sent_back), 'story', 'stories')} sent back to you for changes",
                                 registry.MY_STORIES, ":material/history_edu:"))
    return [item for item in found if registry.may_open(item.page, person)]


def show_on_landing(run: session.Run, page: str) -> None:
    """The list, under its heading, when `page` is where this person lands; one line when nothing waits."""
    if registry.landing_for(run.person) != page:
        return
    waiting = items(run)
    st.header("Waiting for you", anchor=False)
    if not waiting:
        st.caption("Nothing is waiting for you right now.")
        return
    for item in waiting:
        st.page_link(registry.page(item.page), label=item.text, icon=item.icon)
