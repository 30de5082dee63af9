import streamlit as st

from carecoord import public
from carecoord.people import ADMIN, ROLE_LABELS
from carecoord.store import accounts, records
from carecoord.ui import content, registry, session, waiting
from carecoord.ui.text import plain

run = session.page(ADMIN)
me = run.person

st.title(f"Welcome, {plain(me.display_name)}")
waiting.show_on_landing(run, registry.HOME)
st.write("You are an **administrator**: you set up practices and accounts, look after the content and keep "
         "backups.")
for membership in me.memberships:
    if membership.active:
        st.write(f"{ROLE_LABELS[membership.role]} at **{plain(membership.practice_name)}**")

practices = accounts.practices_for(run.db, me)
counts = content.library().counts()
left, middle, right = st.columns(3)
left.metric("Practices", len(practices))
middle.metric("Accounts", accounts.person_count(run.db))
right.metric("Lessons available", counts["lessons"])
st.markdown(
    "- **People**: add people to practices, set roles, reset passwords, disable accounts.\n"
    "- **Practices**: add practices; remove the demo once you have set up your own.\n"
    "- **Content**: what the curriculum folders hold and any file problems.\n"
    "- **Audit log**: who changed what."
)

st.header("Records that leave the app")
for problem in public.problems():
    st.info(plain(problem), icon=":material/info:")
if records.enabled():
    sent = records.status(run.db)
    st.write(f"Learning records (xAPI): {sent.sent} sent, {sent.waiting} waiting"
             + (f", {sent.failing} of them after a failed attempt" if sent.failing else "") + ".")
    if sent.last_error:
        st.warning(f"The last attempt failed: {plain(sent.last_error)}")
