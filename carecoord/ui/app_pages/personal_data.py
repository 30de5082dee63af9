import streamlit as st

from carecoord.people import ADMIN
from carecoord.store import accounts, personal_data
from carecoord.ui import session
from carecoord.ui.forms import field_errors, show_field_error
from carecoord.ui.text import plain

run = session.page(ADMIN)
me = run.person

st.title("Personal data")
st.write("Export everything carecoord holds about one person (a zip of one JSON file and one CSV per section, "
         "readable without the app), or erase a person: their name, username, e-mail, password, sign-ins, notes, "
         "reflections, stories and comments go; anonymous learning and assessment records that team reports "
         "depend on stay. Both are written to the audit log.")
if erased := st.session_state.pop("erased", None):
    st.success(f"Erased {plain(erased)}.")
people = [p for p in accounts.all_accounts(run.db, me) if not p.username.startswith("erased-")]
person = st.selectbox("Person", people, index=None, placeholder="Choose a person",
                      format_func=lambda p: f"{p.display_name} ({p.username})")
if person is None:
    st.stop()

st.header("Export")
if st.button("Prepare the export"):
    sections = personal_data.export_person(run.db, me, person.id, run.now)
    st.session_state["export"] = (person.id, personal_data.export_archive(sections, run.now),
                                  {name: len(rows) for name, rows in sections.items()})
if (prepared := st.session_state.get("export")) and prepared[0] == person.id:
    st.download_button("Download the export (zip)", prepared[1], file_name=f"carecoord-person-{person.id}.zip",
                       mime="application/zip", icon=":material/download:")
    st.caption("Rows per section: " + ", ".join(f"{name} {count}" for name, count in prepared[2].items()))

st.header("Erase")
if person.id == me.id:
    st.info("You cannot erase your own account; ask another administrator.")
    st.stop()
with st.form("erase"):
    errors = field_errors("erase")
    st.warning(f"Erasing {plain(person.display_name)} cannot be undone. Export first if the person asked for a copy.",
               icon=":material/warning:")
    typed = st.text_input(f"Type the username ({plain(person.username)}) to confirm")
    show_field_error(errors, "confirm")
    if st.form_submit_button("Erase this person", type="primary"):
        if typed.strip() != person.username:
            errors.set("confirm", "The username typed does not match; nothing was erased.")
        else:
            with errors.catch():
                personal_data.erase_person(run.db, me, person.id, run.now)
                st.session_state["erased"] = person.display_name
        st.rerun()
