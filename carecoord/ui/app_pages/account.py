import streamlit as st

from carecoord.people import ROLE_LABELS
from carecoord.store import accounts, reminders
from carecoord.ui import gate, session
from carecoord.ui.text import plain

run = session.page()
me = run.person

st.title("My account")
st.write(f"**{plain(me.display_name)}** — username {plain(me.username)}"
         + (f", {plain(me.email)}" if me.email else ""))
for membership in me.memberships:
    status = "" if membership.active else " (inactive)"
    assessor = ", and an assessor of its trainees" if membership.assessor and membership.active else ""
    st.write(f"- {ROLE_LABELS[membership.role]} at {plain(membership.practice_name)}{assessor}{status}")

st.header("Reminders")
if not me.email:
    # Nothing to switch on (and a disabled switch's grey label is too faint to read: axe color-contrast).
    st.write("Reminders are e-mailed when you have an address here; you have none, so they are only in the app, "
             "under *Waiting for you*. An administrator can add your address.")
else:
    reminders_on = reminders.email_reminders_on(run.db, me, me)
    wanted = st.toggle("E-mail me reminders", value=reminders_on, key=f"email-reminders-{me.id}")
    st.caption("One short e-mail when something new waits for you (an observation request, a module due, a survey "
               "to answer), once for each thing. It names only the kind of work, never what anyone wrote.")
    if wanted != reminders_on:
        reminders.set_email_reminders(run.db, me, me, wanted)
        st.rerun()

st.header("Change password")
gate.password_form(run)

st.header("Sign out everywhere")
st.write("Signs you out of every browser and device, this one included, for example after using a shared computer.")
if st.button("Sign out everywhere"):
    accounts.sign_out_everywhere(run.db, me, run.now)
    session.sign_out(run)
    st.rerun()
