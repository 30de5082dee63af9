import streamlit as st

from carecoord.people import ADMIN
from carecoord.ui import content, session
from carecoord.wording import count

run = session.page(ADMIN)
library = content.library()

st.title("Content")
st.caption(f"Content is read from the folder `{library.root}` on the server, and read again when a file changes.")
counts = library.counts()
columns = st.columns(5)
for column, key in zip(columns, ("modules", "lessons", "checks", "domains", "competencies"), strict=True):
    column.metric(key.capitalize(), counts[key])

if library.errors:
    st.error(f"{count(len(library.errors), 'problem')} in the content files. Everything else is being served; "
             "the files below are skipped until they are fixed.")
    st.code("\n".join(str(error) for error in library.errors), language=None, wrap_lines=True)
    st.caption("Each line reads file:line: field: problem. `uv run carecoord validate` prints the same list on the server.")
else:
    st.success("Every content file is valid.")
