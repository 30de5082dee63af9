import streamlit as st

from carecoord.people import ROLE_LABELS
from carecoord.ui import session

run = session.page()
me = run.person

st.title(f"Welcome, {me.display_name}")
if not me.roles:
    st.info("You have an account but no role in a practice yet. Ask your practice lead to add you.")
for membership in me.memberships:
    if membership.active:
        st.write(f"{ROLE_LABELS[membership.role]} at **{membership.practice_name}**")
if me.is_admin:
    st.write("You are an **administrator** of this installation.")
