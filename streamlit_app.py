"""carecoord: the router. Sign-in gate, navigation built from the person's roles, then the page."""

import logging

import streamlit as st

from carecoord.people import ROLE_LABELS
from carecoord.store import accounts
from carecoord.ui import content, gate, registry, runlog, session
from carecoord.ui.text import plain
from carecoord.wording import count

st.set_page_config(page_title="carecoord", page_icon=":material/diversity_1:", layout="wide")


def signed_out(run: session.Run) -> None:
    # Register every page, hidden, so the address asked for (a deep link) survives signing in.
    page = st.navigation(registry.navigation_for(None), position="hidden")
    runlog.note_page(page.url_path)
    session.sync_cookie(run)
    if page.url_path in registry.PUBLIC_URL_PATHS and run.person is None:  # verifying a credential needs no account
        st.session_state[registry.PAGE_OUTCOME] = "stopped"
        page.run()
        st.session_state[registry.PAGE_OUTCOME] = "ok"
        return
    if run.person is not None and run.locked:
        gate.unlock(run)
    elif run.person is not None:
        gate.change_password_first(run)
    elif accounts.person_count(run.db) == 0:
        gate.set_up(run)
    else:
        gate.sign_in(run)


def signed_in(run: session.Run) -> None:
    person = run.person
    page = st.navigation(registry.navigation_for(person), position="hidden")
    runlog.note_page(page.url_path)
    if page.url_path == "":  # the bare address: on to the person's landing page before anything is drawn
        page.run()
    demo_state = accounts.demo_state(run.db)
    if demo_state == "only_demo":
        st.warning("DEMO: everything here is made-up demo data.", icon=":material/science:")
    elif demo_state == "kept_on":
        st.warning("Demo accounts are switched on: anyone who knows the published demo password can sign in "
                   "as a demo person. An administrator switches them off under Manage > Practices.",
                   icon=":material/science:")
    if person.is_admin and (errors := content.library().errors):
        st.error(f"{count(len(errors), 'content file problem')}: some lessons are not being served. See Manage > Content.",
                 icon=":material/warning:")
    with st.sidebar:
        registry.draw_sections(person, page.title)
        st.divider()
        st.markdown(f"**{plain(person.display_name)}**")
        st.caption(", ".join(sorted(ROLE_LABELS[r] for r in person.roles)) or "No role yet")
        practices = session.practices_of(person)
        if len(practices) > 1:
            ids = [m.practice_id for m in practices]
            chosen = st.selectbox("Practice", ids, index=ids.index(run.practice.practice_id),
                                  format_func=lambda pid: next(m.practice_name for m in practices if m.practice_id == pid))
            if chosen != run.practice.practice_id:
                session.switch_practice(chosen)
                st.rerun()
        if st.button("Sign out", icon=":material/logout:"):
            session.sign_out(run)
            st.rerun()
        session.sync_cookie(run)
    # After st.stop() nothing can be written to session state, so "stopped" is set first.
    st.session_state[registry.PAGE_OUTCOME] = "stopped"
    page.run()
    st.session_state[registry.PAGE_OUTCOME] = "ok"


def main() -> None:
    try:
        run = session.start_run()
    except Exception:  # the database is down or misconfigured: say so plainly; the details go to the server log
        logging.getLogger("carecoord").exception("could not open the database")
        st.error("carecoord cannot reach its database just now, so nothing can be shown or saved. Try again in a "
                 "minute; if it keeps happening, tell your administrator the time it happened.")
        st.stop()
    content.base_styles()
    st.session_state[registry.PAGE_OUTCOME] = "not run"
    try:
        if run.person is None or run.person.must_change_password or run.locked:
            signed_out(run)
        else:
            signed_in(run)
    except Exception:  # the person sees a plain message; the details go to the server log
        logging.getLogger("carecoord").exception("script run failed")
        st.session_state[registry.PAGE_OUTCOME] = "error"
        st.error("Something went wrong and nothing was saved from the last action. Try again; if it keeps "
                 "happening, tell your administrator the time it happened.")


with runlog.timed():
    main()
