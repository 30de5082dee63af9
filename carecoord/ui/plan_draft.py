"""The trainee drafts the shared plan of care before seeing the team's, then compares them item by item.

Drawn in the case player where a phase has a `plan_exercise`. The draft and the comparison are kept
with the attempt (evidence of planning, exported with the person's data)."""

from __future__ import annotations

import streamlit as st

from carecoord import cases as rules
from carecoord.content.models import Phase
from carecoord.store import cases
from carecoord.ui import session
from carecoord.ui.text import table_rows

KINDS = {"family_goal": "Family goal", "team_concern": "Team concern"}


def team_plan_table(shown_phase: Phase) -> None:
    # A table that wraps: an action is a sentence, and a scrolling grid cut it off mid-word.
    st.table(table_rows({"Action": a.action, "Kind": KINDS[a.kind], "Owner": a.owner,
                         "Status": a.status.replace("_", " ")} for a in shown_phase.plan_of_care.actions))


def your_draft(draft: rules.PlanDraft) -> None:
    st.markdown("**The family's goals, as you wrote them**")
    st.text(draft.family_goals)
    st.markdown("**The team's concerns, as you wrote them**")
    st.text(draft.team_concerns)
    st.table(table_rows({"Action": a.action, "Who": a.who, "By when": a.by_when} for a in draft.actions))


def show(run: session.Run, attempt: cases.Attempt, shown_phase: Phase) -> None:
    """The plan section's actions: the draft form, then the comparison, then the team's plan beside the draft."""
    draft = attempt.plan_drafts.get(shown_phase.id)
    if draft is None:
        st.write(shown_phase.plan_exercise.prompt)
        st.caption("The team's plan is shown once you have drafted yours. One action per line: what; who; by "
                   "when (for example: Book the school health meeting; Ana and the school nurse; before the "
                   "first day).")
        with st.form(f"plan-{attempt.id}-{shown_phase.id}"):
            goals = st.text_area("The family's goals, in their words", max_chars=rules.MAX_DRAFT_CHARS)
            concerns = st.text_area("The team's concerns", max_chars=rules.MAX_DRAFT_CHARS)
            actions = st.text_area("Actions: what; who; by when", max_chars=rules.MAX_DRAFT_CHARS, height=160)
            if st.form_submit_button("Keep my draft and show the team's plan", type="primary"):
                try:
                    cases.draft_plan(run.db, run.person, attempt.id, shown_phase, goals, concerns, actions, run.now)
                    st.rerun()
                except cases.CaseError as error:
                    st.error(str(error))
        return
    if draft.comparison is None:
        st.write("Here is the plan the team holds. For each item, is it in your draft?")
        with st.expander("Your draft", expanded=True):
            your_draft(draft)
        with st.form(f"compare-{attempt.id}-{shown_phase.id}"):
            marks = {}
            for number, item in enumerate(shown_phase.plan_of_care.actions, start=1):
                marks[item.action] = st.radio(
                    f"{number}. {item.action} ({KINDS[item.kind].lower()}; {item.owner})", list(rules.COMPARE_MARKS),
                    format_func=rules.COMPARE_MARKS.get, index=None, horizontal=True, key=f"compare-{shown_phase.id}-{number}")
            if st.form_submit_button("Save my comparison", type="primary"):
                if None in marks.values():
                    st.error("Mark every item of the team's plan.")
                else:
                    try:
                        cases.compare_plan(run.db, run.person, attempt.id, shown_phase, marks, run.now)
                        st.rerun()
                    except cases.CaseError as error:
                        st.error(str(error))
        return
    result = rules.compare(draft, shown_phase.plan_of_care)
    team_plan_table(shown_phase)
    st.success(f"Your draft held {result.covered} of the team's {result.total} items, {result.partly} in part; "
               f"{result.missed} were not in it. Your draft is kept with this attempt.", icon=":material/fact_check:")
    with st.expander("Your draft"):
        your_draft(draft)
