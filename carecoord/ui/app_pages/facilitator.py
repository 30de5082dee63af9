import streamlit as st

from carecoord.clock import day
from carecoord.people import LEAD
from carecoord.ui import content, session
from carecoord.ui.text import plain

run = session.page(LEAD)
library = content.library()

content.styles()
st.title("Facilitator notes")
st.caption("Run a module as a team session. Print this page from the browser (Ctrl+P or ⌘P): the navigation "
           "is left off the printout.")
module = st.selectbox("Module", library.modules, format_func=lambda m: f"{m.order}. {m.title}")
if module is None:
    st.stop()
st.header(plain(module.title))
st.write(module.summary)
if module.reviewed:
    st.caption(f"Last reviewed against the content checklist on {day(module.reviewed)}.")
st.markdown("**Objectives**\n" + "\n".join(f"- {o}" for o in module.objectives))
st.markdown(f"**Lessons** (about {module.minutes} minutes of reading): "
            + "; ".join(plain(lesson.title) for lesson in module.lessons))
content.markdown(f"{module.id}-notes", module.content_hash, module.facilitator_notes)
with st.expander("Sources", expanded=True):
    st.markdown("\n".join(f"- {s}" for s in module.sources))
