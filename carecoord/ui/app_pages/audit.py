import streamlit as st

from carecoord.people import ADMIN
from carecoord.store import accounts
from carecoord.ui import session
from carecoord.ui.text import table_rows

run = session.page(ADMIN)

st.title("Audit log")
st.caption("Who changed what, newest first (the latest 200 changes).")
entries = accounts.audit_log(run.db, run.person)
st.dataframe(
    table_rows({"When (UTC)": e.at.strftime("%Y-%m-%d %H:%M"), "Who": e.actor, "What": e.action,
                "Subject": e.subject, "Detail": e.detail} for e in entries),
    hide_index=True,
)
