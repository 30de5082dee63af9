import streamlit as st

from carecoord import stories as rules
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.store import stories
from carecoord.ui import content, session, stories_widget
from carecoord.ui.text import plain

run = session.page(TRAINEE, LEAD, FAMILY_FACULTY)
library = content.library()

content.styles()
st.title("Family voices")
st.caption("Stories by parents of children with medical complexity, written for care coordinators in training and "
           "published with their consent. Read one, talk about its questions with your team, and keep a "
           "reflection for yourself.")

stage_col, competency_col = st.columns(2)
stage = stage_col.selectbox("Stage of childhood", ["", *rules.STAGES],
                            format_func=lambda s: rules.STAGES.get(s, "Any stage"))
codes = {c.code: f"{c.code} {c.name}" for c in library.framework.competencies} if library.framework else {}
competency = competency_col.selectbox("Competency", ["", *codes], format_func=lambda c: codes.get(c, "Any competency"))

found = stories.readable(run.db, run.person, stage=stage or None, competency=competency or None)
if not found:
    st.info("No published stories match these filters yet." if stage or competency else
            "No stories have been published for you yet.", icon=":material/auto_stories:")
    st.stop()

st.caption(f"{len(found)} {'story' if len(found) == 1 else 'stories'}")
asked = st.query_params.get("story", "")
reflections = stories.my_reflections(run.db, run.person, [s.id for s in found])
for story in found:
    with st.expander(f"**{plain(story.title)}** · {plain(stories_widget.meta_line(story))}",
                     expanded=len(found) == 1 or asked == str(story.id)):
        st.header(plain(story.title), anchor=False)
        stories_widget.show(run, story, reflections.get(story.id), key=f"voices-{story.id}")
