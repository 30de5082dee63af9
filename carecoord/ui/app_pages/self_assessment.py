import streamlit as st

from carecoord import clock, competency
from carecoord.people import LEAD, TRAINEE
from carecoord.store import assessments
from carecoord.ui import assessment_form, content, session
from carecoord.ui.forms import show_flash

run = session.page(TRAINEE, LEAD)
me = run.person
library = content.library()

st.title("Self-assessment")
content.require_framework(library)
show_flash("assessment")

last = assessments.last_self_assessment(run.db, me)
if last is None:
    st.write("Rate yourself against each competency of the framework, one domain at a time. Each level has a "
             "description of what a person at that level does; choose the one that fits what you do now. "
             "Every domain is saved when you move on, so you can stop and come back.")
elif competency.reassessment_due(last, run.now, run.timezone):
    st.info(f"Your last self-assessment was on {clock.day(last, run.timezone)}, 90 or more days ago: time for the next one.",
            icon=":material/event_repeat:")
else:
    st.caption(f"Your last self-assessment was on {clock.day(last, run.timezone)}. The next is suggested 90 days after it.")

draft = assessments.find_draft(run.db, me, me, competency.SELF)
if draft is None:
    if st.button("Start a self-assessment", type="primary", icon=":material/edit_note:"):
        assessments.open_draft(run.db, me, me, competency.SELF, library.framework, run.now)
        st.rerun()
else:
    assessment_form.stepper(run, library, me, competency.SELF)
    if st.button("Discard this draft", type="tertiary"):
        assessments.discard_draft(run.db, me, draft.id)
        st.rerun()

history = [a for a in assessments.submitted_assessments(run.db, me, me) if a.rater_kind == competency.SELF]
live = [a for a in history if not a.superseded]  # newest first
if history:
    st.header("Your submitted self-assessments")
    st.dataframe([{"Round": competency.round_label(a.round_months),
                   "Submitted": clock.day(a.submitted_at, run.timezone),
                   "Status": "Replaced by a correction" if a.superseded else
                             ("The one that counts now" if a is live[0] else "An earlier one")
                             + (", a correction" if a.supersedes_id else "")} for a in history], hide_index=True)
    latest = next((a for a in history if not a.superseded), None)
    if latest is not None and draft is None:
        if st.button(f"Correct the {clock.day(latest.submitted_at, run.timezone)} assessment"):
            assessments.start_correction(run.db, me, latest.id, library.framework, run.now)
            st.rerun()
