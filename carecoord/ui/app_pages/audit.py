import streamlit as st

from carecoord import audit, clock
from carecoord.people import ADMIN
from carecoord.store import accounts
from carecoord.ui import session, tables
from carecoord.ui.tables import joined

run = session.page(ADMIN)

st.title("Audit log")
st.caption(f"Who changed what, newest first (the latest 200 changes). Times are in {run.timezone}.")
entries = accounts.audit_log(run.db, run.person)
when_and_who = joined("When", "Who", separator=", ")
tables.wide_and_narrow(
    "audit",
    ({"When": clock.moment(e.at, run.timezone), "Who": e.actor,
      "What they did": audit.sentence(e.action, e.subject, e.subject_name),
      "Details": audit.details(e.detail) or "–"} for e in entries),
    lambda row: {"When and who": when_and_who(row), "What they did": row["What they did"], "Details": row["Details"]},
    column_config={"What they did": st.column_config.TextColumn(width="large"),
                   "Details": st.column_config.TextColumn(width="large")},
)
