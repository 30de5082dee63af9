"""The short review on My learning: the questions a person got wrong, back on the review ladder's days.

A session is the questions due when it starts (at most review.SESSION_SIZE), kept in the tab's state
so that a question answered stays on screen with its feedback and its next date while the person
answers the rest. The choices come in a new order at each review, so a remembered position is no help.
"""

from __future__ import annotations

import streamlit as st

from carecoord import clock, ordering, review
from carecoord.content.models import Library
from carecoord.store import learning
from carecoord.ui import check_form, session
from carecoord.ui.text import plain
from carecoord.wording import count, verb

SESSION_KEY = "review-session"


def due_now(run: session.Run, library: Library, history: dict[str, list[review.Answer]] | None = None
            ) -> list[review.Due]:
    if history is None:
        history = learning.review_history(run.db, run.person, run.person)
    return review.due(library, history, clock.local_date(run.now, run.timezone), run.timezone)


def show(run: session.Run, library: Library) -> None:
    history = learning.review_history(run.db, run.person, run.person)
    due = due_now(run, library, history)
    started = st.session_state.get(SESSION_KEY)
    if started is not None and started["person"] != run.person.id:  # another person signed in on this tab
        started = None
    if started is None and not due:
        return
    st.header("Review")
    if started is None:
        days = ", ".join(str(d) for d in review.LADDER_DAYS[:-1]) + f" and {review.LADDER_DAYS[-1]}"
        st.write(f"{count(len(due), 'question')} to review today: questions you got wrong before come back after "
                 f"{days} days, until you remember them.")
        if st.button(f"Start a review of {count(min(len(due), review.SESSION_SIZE), 'question')}",
                     icon=":material/replay:"):
            st.session_state[SESSION_KEY] = {"person": run.person.id, "items": [
                (d.lesson.id, d.check.id, d.schedule.reviews) for d in due[:review.SESSION_SIZE]], "answered": {}}
            st.rerun()
        return
    answered: dict[str, list[str]] = started["answered"]
    for number, (lesson_id, check_id, reviews) in enumerate(started["items"], start=1):
        lesson = library.lesson(lesson_id)
        check = next((c for c in lesson.checks if c.id == check_id), None) if lesson else None
        if check is None:
            continue  # the content changed while the review was open
        shown = ordering.shown_order(run.person.id, f"{check.id}/review/{reviews}", check.choices)
        with st.form(f"review-{check.id}"):
            st.caption(f"From “{plain(lesson.title)}”")
            if check.id in answered:
                chosen = frozenset(answered[check.id])
                st.markdown(f"**{number}. {check.prompt}**")
                check_form.feedback(check, chosen, shown, "Not this time: it comes back tomorrow.")
                st.caption(review.next_step(review.schedule(history.get(check.id, ()), run.timezone)))
                continue
            chosen, sent = check_form.inputs(f"{number}. {check.prompt}", check, shown, frozenset(),
                                             f"review-{check.id}")
            if sent:
                if not chosen:
                    st.error("Choose an answer first.")
                else:
                    learning.answer_check(run.db, run.person, lesson, check, chosen, run.now, review.REVIEW, library)
                    answered[check.id] = sorted(chosen)
                    st.rerun()
    left = len(due)
    if len(answered) >= len(started["items"]):
        st.success("Review done." + (f" {count(left, 'more question')} {verb(left, 'is', 'are')} due today."
                                     if left else " Nothing more is due today."), icon=":material/check_circle:")
        if st.button("Close the review" if not left else "Review more", icon=":material/replay:"):
            del st.session_state[SESSION_KEY]
            st.rerun()
