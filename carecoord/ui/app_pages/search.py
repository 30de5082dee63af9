import streamlit as st

from carecoord import search
from carecoord.ui import content, registry, session
from carecoord.ui.registry import LEARNERS
from carecoord.ui.text import marked, plain
from carecoord.wording import count, verb

run = session.page(*LEARNERS)
library = content.library()
WHERE = {search.LESSON: (registry.page(registry.LESSON), ":material/menu_book:", "Lesson"),
         search.CASE: (registry.page("carecoord/ui/app_pages/case_player.py"), ":material/account_tree:", "Case"),
         search.STORY: (registry.page("carecoord/ui/app_pages/family_voices.py"), ":material/auto_stories:",
                        "Family story")}
LINK_PARAMETER = {search.LESSON: "lesson", search.CASE: "case", search.STORY: "story"}

st.title("Search")
# The box takes its first value from the address (a shared or reloaded link), then keeps what is typed:
# a `value` that followed the address would make a new box, and lose the words, at every new search.
st.session_state.setdefault("search-query", st.query_params.get("q", "")[:search.MAX_QUERY_CHARS])
query = st.text_input("Search lessons, cases and family stories", key="search-query", max_chars=search.MAX_QUERY_CHARS,
                      placeholder="for example: transition conference, teach-back, prior authorisation")
if query:
    st.query_params["q"] = query
    hits, every_word = search.find(run.db, run.person, library, query)
    if not hits:
        st.caption(f"Nothing here contains “{plain(query)}”. Try fewer or different words.")
    elif every_word:
        st.caption(f"{count(len(hits), 'place')} {verb(len(hits), 'contains', 'contain')} every word of "
                   f"“{plain(query)}”, best first. British and American spellings count as the same word.")
    else:
        st.caption(f"Nothing contains every word of “{plain(query)}”; {count(len(hits), 'place')} "
                   f"{verb(len(hits), 'contains', 'contain')} some of them, best first.")
    for hit in hits:
        page, icon, kind = WHERE[hit.place.kind]
        with st.container(border=True):
            st.page_link(page, label=plain(hit.place.title), icon=icon,
                         query_params={LINK_PARAMETER[hit.place.kind]: hit.place.key})
            st.caption(f"{kind} · {plain(hit.place.within)}")
            st.markdown(marked(hit.snippet))
