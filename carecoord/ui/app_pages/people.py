import streamlit as st

from carecoord import clock, limits, permissions
from carecoord.people import role_labels
from carecoord.people import ADMIN, DISCIPLINES, LEAD, ROLE_LABELS, ROLES, ROLES_A_LEAD_MAY_ADD
from carecoord.store import accounts
from carecoord.ui import session, tables
from carecoord.ui.tables import joined
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.text import plain, table_rows

run = session.page(ADMIN, LEAD)
me = run.person

st.title("People")
practices = accounts.practices_for(run.db, me)
if not practices:
    st.info("There are no practices yet. An administrator adds them on the Practices page.")
    st.stop()

practice = st.selectbox("Practice", practices, format_func=lambda p: p.name)
members = accounts.practice_members(run.db, me, practice.id)
role_and_discipline = joined("Role", "Discipline")
tables.wide_and_narrow(
    "members",
    ({"Name": m.display_name, "Username": m.username, "Role": ROLE_LABELS[m.role], "Discipline": m.discipline.capitalize(),
      "Assessor": "yes" if m.role == LEAD or m.assessor else "",
      "Status": "active" if m.active and not m.account_disabled else
                ("account disabled" if m.account_disabled else "inactive in this practice")} for m in members),
    lambda row: {"Name": row["Name"], "Role": role_and_discipline(row) + (" · assessor" if row["Assessor"] else ""),
                 "Status": row["Status"]},
)

roles_i_give = ROLES if me.is_admin else ROLES_A_LEAD_MAY_ADD
st.header(f"Add someone to {plain(practice.name)}")
with st.form("add_person"):
    errors = field_errors("add_person")
    display_name = st.text_input("Name", max_chars=limits.DISPLAY_NAME_MAX)
    show_field_error(errors, "display_name")
    username = st.text_input("Username", help="What they type to sign in: letters, digits, dots or dashes.",
                             max_chars=limits.USERNAME_MAX)
    show_field_error(errors, "username")
    email = st.text_input("E-mail (optional; needed to sign in with your organisation)", max_chars=limits.EMAIL_MAX)
    show_field_error(errors, "email")
    role = st.selectbox("Role", roles_i_give, format_func=ROLE_LABELS.get)
    discipline = st.selectbox("Discipline", DISCIPLINES)
    started_on = st.date_input("Started in post", value=clock.local_date(run.now, run.timezone),
                               format=clock.DATE_INPUT_FORMAT)
    password = st.text_input("Temporary password (they choose their own at first sign-in)", type="password")
    show_field_error(errors, "password")
    show_field_error(errors)
    if st.form_submit_button("Add person", type="primary"):
        with errors.catch():
            accounts.add_person_to_practice(
                run.db, me, practice.id, role, run.now, username=username, display_name=display_name,
                password=password, email=email, discipline=discipline, started_on=started_on,
            )
            flash("person_added", f"Added {plain(display_name)}. Give them their username and temporary password.")
        st.rerun()
show_flash("person_added")

changeable = [m for m in members if m.person_id != me.id and m.role in roles_i_give]
if changeable:
    st.header("Deactivate or reactivate a role")
    member = st.selectbox("Person and role", changeable,
                          format_func=lambda m: f"{m.display_name}: {ROLE_LABELS[m.role]}"
                                                f" ({'active' if m.active else 'inactive'})")
    label = "Deactivate in this practice" if member.active else "Reactivate in this practice"
    if st.button(label):
        accounts.set_membership_active(run.db, me, member.person_id, practice.id, member.role,
                                       not member.active, run.now)
        st.rerun()

nameable = [m for m in members if m.person_id != me.id and m.role != LEAD and m.active and not m.account_disabled]
if nameable and permissions.may_name_assessors(me, practice.id):
    st.header("Assessors")
    st.caption("Assessors observe the practice's trainees at work and record what they saw; leads are assessors "
               "already. Name a senior coordinator, a nurse, a social worker, a physician or a family faculty member. "
               "An assessor sees only the requests sent to them and what they wrote.")
    member = st.selectbox("Person and role", nameable, key="assessor_member",
                          format_func=lambda m: f"{m.display_name}: {ROLE_LABELS[m.role]}"
                                                + (" (assessor)" if m.assessor else ""))
    if st.button("Stop naming them an assessor" if member.assessor else "Name them an assessor"):
        accounts.set_assessor(run.db, me, member.person_id, practice.id, member.role, not member.assessor, run.now)
        flash("person_added", f"{plain(member.display_name)} is {'no longer ' if member.assessor else 'now '}"
                              "an assessor of this practice.")
        st.rerun()

if me.is_admin:
    st.divider()
    st.header("All accounts")
    people = accounts.all_accounts(run.db, me)

    def delayed(account: accounts.AccountRow) -> bool:
        return account.sign_in_delayed_until is not None and account.sign_in_delayed_until > run.now

    st.dataframe(
        table_rows({"Name": p.display_name, "Username": p.username, "E-mail": p.email or "",
                    "Administrator": "yes" if p.is_admin else "", "Disabled": "yes" if p.disabled else "",
                    "Sign-in": "waiting after wrong passwords" if delayed(p) else "",
                    "Practices": role_labels(p.practices)} for p in people),
        hide_index=True,
    )
    others = [p for p in people if p.id != me.id]
    if others:
        chosen = st.selectbox("Account", others, format_func=lambda p: f"{p.display_name} ({p.username})")
        reset_col, state_col = st.columns(2)
        with reset_col, st.form("reset_password", clear_on_submit=True):
            errors = field_errors("reset_password")
            temporary = st.text_input("Temporary password", type="password")
            show_field_error(errors, "password")
            if st.form_submit_button("Reset password"):
                with errors.catch():
                    accounts.reset_password(run.db, me, chosen.id, temporary, run.now)
                    flash("account_changed", f"Password reset for {plain(chosen.display_name)}; "
                                             "they must choose a new one at next sign-in.")
                st.rerun()
        with state_col:
            if st.button("Enable account" if chosen.disabled else "Disable account"):
                accounts.set_disabled(run.db, me, chosen.id, not chosen.disabled, run.now)
                st.rerun()
            if st.button("Remove administrator rights" if chosen.is_admin else "Make administrator"):
                accounts.set_admin(run.db, me, chosen.id, not chosen.is_admin, run.now)
                st.rerun()
            if delayed(chosen):
                st.caption(f"After wrong passwords, their next sign-in waits until "
                           f"{clock.moment(chosen.sign_in_delayed_until, run.timezone)}.")
                if st.button("Let them try again now"):
                    accounts.clear_sign_in_delay(run.db, me, chosen.id, run.now)
                    flash("account_changed", f"{plain(chosen.display_name)} can try to sign in again now.")
                    st.rerun()
        with st.form("add_role", clear_on_submit=True):
            st.write(f"Give {plain(chosen.display_name)} a role in {plain(practice.name)}")
            errors = field_errors("add_role")
            new_role = st.selectbox("Role", ROLES, format_func=ROLE_LABELS.get, key="add_role_role")
            new_discipline = st.selectbox("Discipline", DISCIPLINES, key="add_role_discipline")
            show_field_error(errors, "role")
            if st.form_submit_button("Add role"):
                with errors.catch():
                    accounts.add_membership(run.db, me, chosen.id, practice.id, new_role, run.now,
                                            discipline=new_discipline)
                st.rerun()
    show_flash("account_changed")

    st.header("Add an administrator")
    with st.form("add_admin", clear_on_submit=False):
        errors = field_errors("add_admin")
        admin_name = st.text_input("Name", key="admin_name", max_chars=limits.DISPLAY_NAME_MAX)
        show_field_error(errors, "display_name")
        admin_username = st.text_input("Username", key="admin_username", max_chars=limits.USERNAME_MAX)
        show_field_error(errors, "username")
        admin_email = st.text_input("E-mail (optional)", key="admin_email", max_chars=limits.EMAIL_MAX)
        show_field_error(errors, "email")
        admin_password = st.text_input("Temporary password", type="password", key="admin_password")
        show_field_error(errors, "password")
        if st.form_submit_button("Add administrator"):
            with errors.catch():
                accounts.create_person(run.db, me, username=admin_username, display_name=admin_name,
                                       email=admin_email, password=admin_password, is_admin=True,
                                       must_change_password=True, now=run.now)
                flash("account_changed", f"Added administrator {plain(admin_name)}.")
            st.rerun()
