from datetime import timedelta

import streamlit as st

from carecoord import clock, plans as rules
from carecoord.people import LEAD, TRAINEE
from carecoord.store import accounts, assessments, learning, plans
from carecoord.ui import content, session, tables
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.text import plain
from carecoord.wording import count

run = session.page(LEAD)
me = run.person
library = content.library()

st.title("Learning plans")
practices = [m for m in me.memberships if m.role == LEAD and m.active]
practice = st.selectbox("Practice", practices, format_func=lambda m: m.practice_name) if len(practices) > 1 \
    else practices[0]
timezone = accounts.get_practice(run.db, practice.practice_id).timezone
today = clock.local_date(run.now, timezone)
trainees = [p for p in assessments.trainees_to_observe(run.db, me) if practice.practice_id in p.practice_ids(TRAINEE)]

st.header("Assign learning")
kind = st.radio("What", ["Modules", "A track"], horizontal=True)  # outside the form: it changes the form
with st.form("assign"):
    errors = field_errors("assign")
    if kind == "Modules":
        chosen_modules = st.multiselect("Modules", [m.id for m in library.modules],
                                        format_func=lambda mid: f"{library.module(mid).order}. {library.module(mid).title}")
        track = None
    else:
        chosen_modules = []
        track = st.selectbox("Track", library.tracks, format_func=lambda t: f"{t.title} ({count(len(t.modules), 'module')})")
    show_field_error(errors, "modules")
    who = st.selectbox("To", [None, *trainees], format_func=lambda p: "The whole practice" if p is None else p.display_name)
    show_field_error(errors, "person")
    due_on = st.date_input("Due on", value=today + timedelta(days=30), min_value=today, format=clock.DATE_INPUT_FORMAT,
                           help=f"Due days are counted in the practice's time zone ({timezone}).")
    show_field_error(errors, "due_on")
    if st.form_submit_button("Assign", type="primary"):
        module_ids = list(track.modules) if track else chosen_modules
        with errors.catch():
            outcome = plans.assign(run.db, me, practice.practice_id, module_ids, due_on, run.now, library=library,
                                   person_id=who.id if who else None, track_id=track.id if track else None)
            flash("assigned", rules.assignment_message(outcome.added, outcome.already, library, due_on,
                                                       None if who is None else who.display_name, shown=plain))
        st.rerun()
show_flash("assigned")

st.header("Completion against the plan")
st.caption(f"Today in {timezone}: {clock.day(today)}. Overdue means the due day has passed and the module is not complete.")
rows, details = [], {}
for trainee in trainees:
    person_plans = [p for p in plans.plans_for(run.db, me, trainee) if p.practice_id == practice.practice_id]
    items = person_plans[0].items if person_plans else []
    progress = learning.progress(run.db, me, trainee)
    statuses = rules.plan_statuses(items, library, progress, run.now, timezone)
    summary = rules.summarise(statuses)
    details[trainee.display_name] = statuses
    rows.append({"Trainee": trainee.display_name, "Assigned": summary.assigned, "Done": summary.done,
                 "Due soon": summary.due_soon, "Overdue": summary.overdue, "Status": summary.label})
tables.wide_and_narrow("plans", rows, lambda row: {
    "Trainee": row["Trainee"], "Done": f"{row['Done']} of {row['Assigned']}", "Status": row["Status"]})
for name, statuses in details.items():
    if statuses:
        with st.expander(plain(name)):
            st.table([{"Module": s.title, "Due": clock.day(s.item.due_on), "Lessons": f"{s.done}/{s.total}",
                       "Status": s.status} for s in statuses])

assigned = plans.practice_plan(run.db, me, practice.practice_id)
if assigned:
    st.header("Everything assigned")
    tables.wide_and_narrow(
        "assigned",
        ({"To": a.person, "Module": library.module(a.module_id).title if library.module(a.module_id) else a.module_id,
          "Track": (library.track(a.track_id).title if library.track(a.track_id) else a.track_id)
          if a.track_id else "–", "Due": clock.day(a.due_on)} for a in assigned),
        lambda row: {"To": row["To"], "Module": row["Module"], "Due": row["Due"]})

    def describe(a) -> str:
        module = library.module(a.module_id)
        return f"{a.person}: {module.title if module else a.module_id} (due {clock.day(a.due_on)})"

    st.subheader("Change a due day or remove an assignment", anchor=False)
    item = st.selectbox("Assignment", assigned, index=None, placeholder="Choose an assignment", format_func=describe)
    if item is not None:
        with st.form("change-due"):
            errors = field_errors("change-due")
            new_due = st.date_input("New due day", value=max(item.due_on, today), min_value=today,
                                    format=clock.DATE_INPUT_FORMAT)
            show_field_error(errors, "due_on")
            if st.form_submit_button("Change the due day"):
                with errors.catch():
                    plans.change_due(run.db, me, item.id, new_due, run.now)
                    flash("changed", f"{describe(item).split(' (due')[0]} is now due {clock.day(new_due)}.")
                st.rerun()
        if st.button("Remove this assignment"):
            plans.remove(run.db, me, item.id, run.now)
            st.rerun()
    show_flash("changed")
