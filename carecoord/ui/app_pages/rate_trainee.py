import streamlit as st

from carecoord import competency
from carecoord.people import LEAD
from carecoord.store import assessments
from carecoord.ui import assessment_form, content, session
from carecoord.ui.forms import show_flash
from carecoord.ui.text import plain

run = session.page(LEAD)
me = run.person
library = content.library()

st.title("Rate a trainee")
content.require_framework(library)
show_flash("assessment")

team = assessments.trainees_to_observe(run.db, me)
if not team:
    st.info("There are no trainees in the practices you lead yet.")
    st.stop()
trainee = st.selectbox("Trainee", team, format_func=lambda p: p.display_name)
st.caption("Rate what you have seen them do, on the same scale they use for themselves. Their latest "
           "self-rating is shown under each competency.")

levels = assessments.effective_levels(run.db, me, trainee, run.now)
draft = assessments.find_draft(run.db, me, trainee, competency.OBSERVER)
if draft is None:
    if st.button(f"Start rating {plain(trainee.display_name)}", type="primary"):
        assessments.open_draft(run.db, me, trainee, competency.OBSERVER, library.framework, run.now)
        st.rerun()
else:
    assessment_form.stepper(run, library, trainee, competency.OBSERVER, compare=levels)

calibrated = [(item, levels[item.code]) for item in library.framework.competencies
              if item.code in levels and levels[item.code].calibration is not None]
if calibrated:
    st.header("Self and observer side by side")
    st.caption("Difference is self minus observer: above zero, they rate themselves higher than you do.")
    st.dataframe([{"Competency": f"{item.code} {item.name}", "Self": e.self_level, "Observer": e.observer_level,
                   "Difference": e.calibration} for item, e in calibrated], hide_index=True)
