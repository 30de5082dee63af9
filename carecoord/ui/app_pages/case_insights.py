import streamlit as st

from carecoord.people import LEAD
from carecoord.store import cases
from carecoord.ui import content, session
from carecoord.ui.text import plain

run = session.page(LEAD)
library = content.library()

st.title("Case insights")
st.write("How the trainees of your practice chose at each decision (each trainee's latest choice). Counts only, "
         "never names; a count from fewer than three people shows as \"fewer than 3\".")
practices = [m for m in run.person.memberships if m.role == LEAD and m.active]
practice = st.selectbox("Practice", practices, format_func=lambda m: m.practice_name) if len(practices) > 1 \
    else practices[0]
case = st.selectbox("Case", library.cases, format_func=lambda c: c.title)
if case is None:
    st.info("No cases are available yet.")
    st.stop()
decisions = [(p, d) for p in case.phases for d in p.decisions]
counts = cases.practice_choices(run.db, run.person, practice.practice_id, [d.id for _, d in decisions])
for phase, decision in decisions:
    with st.container(border=True):
        st.caption(plain(phase.title))
        st.markdown(f"**{decision.prompt}**")
        chosen = counts.get(decision.id, {})
        st.table([{"Option": o.text, "Alignment": o.alignment.capitalize(), "Trainees": cases.shown_count(chosen.get(o.id, 0))}
                  for o in decision.options])
