import streamlit as st

from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.store import cases
from carecoord.ui import content, session
from carecoord.ui.text import plain

PLAYER = "carecoord/ui/app_pages/case_player.py"

run = session.page(TRAINEE, LEAD, FAMILY_FACULTY)
library = content.library()

st.title("Cases")
st.write("Each case follows one fictional child and family over months or years. In every phase you read what "
         "has changed, look at the care map and the shared plan of care, and decide what a coordinator does next. "
         "Your choices shape what happens later.")
attempts = cases.attempts_by_case(run.db, run.person)
if not library.cases:
    st.info("No cases are available yet.")
for case in library.cases:
    mine = attempts.get(case.id, [])
    latest = mine[-1] if mine else None
    with st.container(border=True):
        st.header(plain(case.title))
        st.caption(f"{len(case.phases)} phases · about {case.minutes} minutes · {case.child}")
        st.write(case.summary)
        if latest is None:
            st.page_link(PLAYER, label="Start this case", icon=":material/play_arrow:", query_params={"case": case.id})
        elif latest["completed_at"] is None:
            st.page_link(PLAYER, label=f"Continue at phase {latest['phase_reached'] + 1} of {len(case.phases)}",
                         icon=":material/play_arrow:", query_params={"case": case.id})
        else:
            st.page_link(PLAYER, label="See your summary or play again", icon=":material/replay:",
                         query_params={"case": case.id})
        if len(mine) > 1:
            st.caption(f"{len(mine)} attempts so far.")
