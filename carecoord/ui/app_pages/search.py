import streamlit as st

from carecoord import search
from carecoord.ui import content, registry, session
from carecoord.ui.registry import LEARNERS
from carecoord.ui.text import plain
from carecoord.wording import count, verb


run = session.page(*LEARNERS)
LESSON_PAGE = registry.page(registry.LESSON)
library = content.library()

st.title("Search lessons")
query = st.text_input("Search the lessons", value=st.query_params.get("q", ""), max_chars=search.MAX_QUERY_CHARS,
                      placeholder="for example: transition conference, teach-back, prior authorisation")
if query:
    st.query_params["q"] = query
    hits = search.search(library, query)
    st.caption(f"{count(len(hits), 'lesson')} {verb(len(hits), 'contains', 'contain')} every word of “{plain(query)}”." if hits else
               f"No lesson contains every word of “{plain(query)}”. Try fewer or different words.")
    for hit in hits:
        with st.container(border=True):
            st.page_link(LESSON_PAGE, label=plain(hit.lesson.title), icon=":material/menu_book:",
                         query_params={"lesson": hit.lesson.id})
            st.caption(f"{hit.module.order}. {plain(hit.module.title)}")
            st.text(hit.snippet)
