import streamlit as st

from carecoord import clock, competency
from carecoord.people import LEAD
from carecoord.store import assessments, observations
from carecoord.ui import assessment_form, content, session, tables
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
st.caption("A full rating of every competency, on the same scale they use for themselves; their latest "
           "self-rating is shown under each competency. For one occasion you saw (a family meeting, a call), record "
           "an observation on *Observe a trainee* instead.")

levels = observations.levels(run.db, me, trainee, library.framework, run.now)
draft = assessments.find_draft(run.db, me, trainee, competency.OBSERVER)
if draft is None:
    mine = [a for a in assessments.submitted_assessments(run.db, me, trainee)
            if a.rater_kind == competency.OBSERVER and a.rater_id == me.id and not a.superseded]
    if mine:
        # What they last rated, before offering a new rating.
        last = mine[0]
        st.header(f"Your rating of {plain(trainee.display_name)}, {clock.day(last.submitted_at, run.timezone)}")
        names = {d.code: d.name for d in library.framework.domains}
        st.dataframe([{"Domain": names.get(p.domain, p.domain), "Your mean level": f"{p.mean_level:.1f}"}
                      for p in assessments.domain_history(run.db, me, trainee) if p.assessment_id == last.id],
                     hide_index=True)
        start = st.button(f"Start a new rating of {plain(trainee.display_name)}")
    else:
        start = st.button(f"Start rating {plain(trainee.display_name)}", type="primary")
    if start:
        assessments.open_draft(run.db, me, trainee, competency.OBSERVER, library.framework, run.now)
        st.rerun()
else:
    assessment_form.stepper(run, library, trainee, competency.OBSERVER, compare=levels)

calibrated = [(item, levels[item.code]) for item in library.framework.competencies
              if item.code in levels and levels[item.code].calibration is not None]
if calibrated:
    st.header("Self and observer side by side")
    st.caption("Difference is self minus observer: above zero, they rate themselves higher than you do.")
    tables.wide_and_narrow(
        "side-by-side",
        ({"Competency": f"{item.code} {item.name}", "Self": e.self_level, "Observer": e.observer_level,
          "Difference": e.calibration} for item, e in calibrated),
        lambda row: {"Competency": row["Competency"],
                     "Self / observer": f"{row['Self']} / {row['Observer']} ({row['Difference']:+d})"})
