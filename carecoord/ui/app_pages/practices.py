import streamlit as st

from carecoord import identity, limits
from carecoord.people import ADMIN, ROLE_LABELS, ROLES
from carecoord.store import accounts
from carecoord.store import identity as idp_roles
from carecoord.ui import session
from carecoord.ui.forms import field_errors, show_field_error
from carecoord.ui.text import plain, table_rows

run = session.page(ADMIN)

st.title("Practices")
practices = accounts.practices_for(run.db, run.person)
if practices:
    st.dataframe(
        table_rows({"Practice": p.name, "Setting": p.setting, "Time zone": p.timezone,
                    "Demo": "yes" if p.is_demo else ""} for p in practices),
        hide_index=True,
    )
else:
    st.info("No practices yet. Add the first one below.")

st.header("Add a practice")
with st.form("add_practice", clear_on_submit=True):
    errors = field_errors("add_practice")
    name = st.text_input("Name", max_chars=limits.PRACTICE_NAME_MAX)
    show_field_error(errors, "name")
    setting = st.selectbox("Setting", ["primary care", "specialty clinic", "hospital", "Title V programme",
                                       "school-based", "payer", "other"])
    browser_zone = st.context.timezone if isinstance(st.context.timezone, str) else "UTC"
    browser_zone = browser_zone if len(browser_zone) <= limits.TIMEZONE_MAX else "UTC"  # the input's bound
    timezone = st.text_input("Time zone", value=browser_zone, max_chars=limits.TIMEZONE_MAX,
                             help="Due days and \"90 days since\" are counted in this time zone. It starts as your "
                                  "browser's; use a name like America/Chicago or Europe/London.")
    show_field_error(errors, "timezone")
    show_field_error(errors)
    if st.form_submit_button("Add practice", type="primary"):
        with errors.catch():
            accounts.create_practice(run.db, run.person, name, run.now, setting=setting, timezone=timezone.strip())
            st.session_state["practice_added"] = name
        st.rerun()
if added := st.session_state.pop("practice_added", None):
    st.success(f"Added {plain(added)}.")

if practices:
    st.header("Change a practice's time zone")
    with st.form("practice_timezone"):
        errors = field_errors("practice_timezone")
        which = st.selectbox("Practice", practices, format_func=lambda p: f"{p.name} ({p.timezone})")
        new_zone = st.text_input("New time zone", placeholder="for example America/Chicago",
                                 max_chars=limits.TIMEZONE_MAX)
        show_field_error(errors, "timezone")
        if st.form_submit_button("Save time zone"):
            with errors.catch():
                accounts.set_practice_timezone(run.db, run.person, which.id, new_zone.strip(), run.now)
            st.rerun()

if practices:
    st.header("Roles from your organisation's sign-in")
    st.write("A person whose organisation sign-in carries a group (or another claim value) listed here gets the "
             "role beside it. When the sign-in stops carrying it, the role ends at their next sign-in; roles set "
             "by hand on People are never changed.")
    if not session.oidc_configured():
        st.caption("Organisation sign-in is not set up yet (an [auth] section in .streamlit/secrets.toml), so these "
                   "mappings take effect once it is.")
    names = {p.id: p.name for p in practices}
    mappings = idp_roles.mappings(run.db, run.person)
    if mappings:
        st.dataframe(table_rows({"Claim": m.claim, "Value": m.value, "Practice": names.get(m.practice_id, ""),
                                 "Role": ROLE_LABELS[m.role], "Creates accounts": "yes" if m.creates_people else ""}
                                for m in mappings), hide_index=True)
    with st.form("add_mapping", clear_on_submit=True):
        errors = field_errors("add_mapping")
        claim = st.selectbox("Claim", identity.claim_names(),
                             help=f"The ID-token claims read here are set by {identity.CLAIMS}.")
        show_field_error(errors, "claim")
        value = st.text_input("Value, exactly as the provider sends it", max_chars=200,
                              placeholder="for example cc-leads-north")
        show_field_error(errors, "value")
        practice = st.selectbox("Practice", practices, format_func=lambda p: p.name, key="mapping_practice")
        show_field_error(errors, "practice")
        role = st.selectbox("Role", ROLES, format_func=ROLE_LABELS.get)
        creates = st.checkbox("Create an account at the first sign-in of someone with this value")
        show_field_error(errors)
        if st.form_submit_button("Add mapping"):
            with errors.catch():
                idp_roles.add_mapping(run.db, run.person, claim=claim, value=value, practice_id=practice.id,
                                      role=role, creates_people=creates, now=run.now)
            st.rerun()
    if mappings:
        with st.form("remove_mapping"):
            errors = field_errors("remove_mapping")
            gone = st.selectbox("Mapping", mappings, format_func=lambda m: f"{m.claim} = {m.value}: "
                                f"{ROLE_LABELS[m.role]} in {names.get(m.practice_id, '?')}")
            show_field_error(errors)
            if st.form_submit_button("Remove mapping"):
                with errors.catch():
                    idp_roles.remove_mapping(run.db, run.person, gone.id, run.now)
                st.rerun()

if accounts.demo_loaded(run.db):
    st.header("Demo practice")
    if run.person.is_demo:
        st.write("The demo can be removed, or kept on, by a real administrator once one exists.")
    else:
        state = accounts.demo_state(run.db)
        st.write("Demo accounts share a published password, so they cannot sign in once a real administrator "
                 "exists, unless you keep them on here for training. The demo administrator never can.")
        keep = st.toggle("Keep the demo accounts on (every page then says so)", value=state == "kept_on")
        if keep != (state == "kept_on"):
            accounts.keep_demo_on(run.db, run.person, keep, run.now)
            st.rerun()
        st.write("Removing the demo deletes the demo practice and every demo account with their history.")
        if st.button("Remove the demo practice", type="secondary"):
            removed = accounts.remove_demo(run.db, run.person, run.now)
            st.success(f"Removed the demo practice and {removed} demo accounts.")
