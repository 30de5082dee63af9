"""The screens drawn instead of a page: first-run set-up, sign-in, a forced password change."""

from __future__ import annotations

import streamlit as st

from carecoord import demo, limits
from carecoord.people import ROLE_LABELS
from carecoord.store import accounts
from carecoord.store import identity as idp_roles
from carecoord.ui import session
from carecoord.ui.forms import field_errors, show_field_error
from carecoord.ui.text import plain
from carecoord.wording import count

DEMO_PASSWORD = demo.DEMO_PASSWORD


def set_up(run: session.Run) -> None:
    st.title("Set up carecoord")
    if not session.may_set_up():
        st.info(
            "This installation has no accounts yet. To set it up, open the address printed in the server "
            "log (it ends in `?setup=...`), or run `uv run carecoord create-admin` on the server."
        )
        return
    st.write("Nobody has an account yet. Create the first administrator, or look around a demo practice first.")
    first, sample = st.tabs(["Create the first administrator", "Load the demo practice"])
    with first, st.form("first_admin"):
        errors = field_errors("first_admin")
        display_name = st.text_input("Your name", key="setup_display_name", max_chars=limits.DISPLAY_NAME_MAX)
        show_field_error(errors, "display_name")
        username = st.text_input("Username", key="setup_username", max_chars=limits.USERNAME_MAX)
        show_field_error(errors, "username")
        email = st.text_input("E-mail (optional)", key="setup_email", max_chars=limits.EMAIL_MAX)
        show_field_error(errors, "email")
        password = st.text_input("Password (at least 10 characters)", type="password", key="setup_password")
        show_field_error(errors, "password")
        again = st.text_input("Password again", type="password", key="setup_password_again")
        show_field_error(errors, "again")
        if st.form_submit_button("Create administrator", type="primary"):
            if password != again:
                errors.set("again", "The two passwords differ.")
            else:
                with errors.catch():
                    accounts.create_person(run.db, accounts.SYSTEM, username=username,
                                           display_name=display_name, email=email, password=password,
                                           is_admin=True, now=run.now)
                    st.session_state["signed_up"] = True
            st.rerun()
    with sample:
        st.write(
            "The demo practice has a lead, nine trainees with a year of history, a family faculty member "
            "and a demo administrator. Every demo password is shown on the sign-in page until a real "
            "administrator exists."
        )
        if st.button("Load the demo practice", type="primary"):
            with st.spinner("Building the demo practice..."):
                demo.load(run.db, run.now)
            st.rerun()


def sign_in(run: session.Run) -> None:
    st.title("Sign in to carecoord")
    st.caption("Training and competency tracking for care coordinators of children with medical complexity.")
    if st.session_state.pop("signed_up", False):
        st.success("Administrator created. Sign in with your new username and password.")
    if (identity := session.oidc_identity()) is not None:
        _finish_organisation_sign_in(run, identity)
    with st.form("sign_in"):
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        result = accounts.sign_in_with_password(run.db, username, password, run.now,
                                                client=session.client_address())
        if result.outcome == "ok":
            session.signed_in(result.token)
            st.rerun()
        _refused(run, result)
    if session.oidc_configured():
        st.button("Sign in with your organisation", on_click=st.login)
    _demo_accounts(run)


WRONG = ("That username and password do not match an account that can sign in. If you are sure they are "
         "right, ask your practice lead or administrator.")


def _refused(run: session.Run, result: accounts.SignIn, wrong: str = WRONG) -> None:
    """The same words for an unknown name, a wrong password and an account that may not sign in."""
    if result.outcome == "wait":
        seconds = max(1, round((result.retry_at - run.now).total_seconds()))
        st.error(f"Too many wrong passwords for this username. Wait {count(seconds, 'second')} and try again; "
                 "an administrator can let you try at once.")
    else:
        st.error(wrong)


def _finish_organisation_sign_in(run: session.Run, identity: session.OrganisationIdentity) -> None:
    if not identity.verified:
        st.error("Your organisation has not verified your e-mail address, so it cannot be used to sign in "
                 "here. Sign in with your password instead.")
        return
    # The provider's groups first: they may create the account or change its roles (carecoord.identity).
    idp_roles.apply_sign_in(run.db, identity.email, identity.name, identity.claims, run.now)
    person = accounts.person_for_organisation_sign_in(run.db, identity.email, identity.signed_in_at)
    if person is None:
        # Unknown, disabled, or signed out everywhere since the organisation signed this browser in:
        # only a fresh sign-in with the organisation counts now.
        st.warning("Your organisation's sign-in cannot be used here. If you were signed out everywhere, "
                   "sign in with your organisation again; otherwise ask your practice lead or an "
                   "administrator to add you with your work e-mail address.")
        st.button("Sign in with your organisation again", on_click=st.logout, key="oidc_again")
        return
    session.signed_in(accounts.issue_token(run.db, person.id, run.now, method="oidc"))
    st.rerun()


def _demo_accounts(run: session.Run) -> None:
    rows = accounts.demo_accounts(run.db)
    if not rows:
        return
    st.divider()
    st.header("Demo accounts")
    st.write(f"This installation holds only demo data. Every demo account uses the password `{DEMO_PASSWORD}`.")
    st.table(
        [
            {"Username": r["username"], "Name": r["display_name"],
             "Role": ", ".join(ROLE_LABELS.get(x, x) for x in r["roles"].split(",") if x)}
            for r in rows
        ]
    )


def unlock(run: session.Run) -> None:
    """After the idle period the next action asks for the password again (shared clinic computers)."""
    st.title("Are you still there?")
    st.info(f"You were signed out after {session.idle_minutes()} minutes without activity, so that nobody else "
            f"using this computer can act as you. Enter your password to carry on where you were, "
            f"{plain(run.person.display_name)}.", icon=":material/lock_clock:")
    with st.form("unlock"):
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Continue", type="primary")
    if submitted:
        result = accounts.sign_in_with_password(run.db, run.person.username, password, run.now,
                                                client=session.client_address())
        if result.outcome == "ok":
            session.signed_in(result.token)
            st.rerun()
        _refused(run, result, wrong="That password is not right.")  # their own account: nothing to enumerate
    if st.button("Sign out"):
        session.sign_out(run)
        st.rerun()


def change_password_first(run: session.Run) -> None:
    st.title("Choose a new password")
    st.info("Your password was set by someone else. Choose your own before you continue.")
    password_form(run)
    if st.button("Sign out"):
        session.sign_out(run)
        st.rerun()


def password_form(run: session.Run) -> None:
    with st.form("change_password", clear_on_submit=False):
        errors = field_errors("change_password")
        current = st.text_input("Current password", type="password")
        show_field_error(errors, "current")
        new = st.text_input("New password (at least 10 characters)", type="password")
        show_field_error(errors, "password")
        show_field_error(errors, "new")
        again = st.text_input("New password again", type="password")
        show_field_error(errors, "again")
        if st.form_submit_button("Change password", type="primary"):
            if new != again:
                errors.set("again", "The two new passwords differ.")
            else:
                with errors.catch():
                    accounts.change_password(run.db, run.person, current, new, run.now,
                                             keep_token=session.token())
                    st.session_state["password_changed"] = True
            st.rerun()
    if st.session_state.pop("password_changed", False):
        st.success("Password changed. Other browsers signed in as you have been signed out.")
