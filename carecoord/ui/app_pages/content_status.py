import streamlit as st

from carecoord.people import ADMIN
from carecoord.ui import content, session

run = session.page(ADMIN)
library = content.library()

st.title("Content")
st.caption(f"Loaded from `{library.root}`. Files are re-read when they change.")
counts = library.counts()
columns = st.columns(5)
for column, key in zip(columns, ("modules", "lessons", "checks", "domains", "competencies"), strict=True):
    column.metric(key.capitalize(), counts[key])

if library.errors:
    st.error(f"{len(library.errors)} problem(s) in the content files. Everything else is being served; "
             "the files below are skipped until they are fixed.")
    st.dataframe([{"File": e.path, "Line": e.line, "Field": e.field, "Problem": e.message} for e in library.errors],
                 hide_index=True)
    st.caption("`uv run carecoord validate` prints the same list on the server.")
else:
    st.success("Every content file is valid.")
