import streamlit as st

from carecoord import clock, learning as rules, plans as plan_rules
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.store import learning, plans
from carecoord.ui import content, registry, review_session, session, waiting
from carecoord.ui.text import plain
from carecoord.wording import count


run = session.page(TRAINEE, LEAD, FAMILY_FACULTY)
LESSON_PAGE = registry.page(registry.LESSON)
library = content.library()
progress = learning.progress(run.db, run.person, run.person)

st.title("My learning")
waiting.show_on_landing(run, registry.MY_LEARNING)
done, total = progress.overall(library)
st.progress(rules.fraction(done, total), text=f"Overall: {done} of {total} lessons complete")
right, answered = progress.check_score(library.lessons)
if answered:
    st.caption(f"Knowledge checks: {right} of {answered} right at the first attempt.")
review_session.show(run, library)

STATUS_ICONS = {"overdue": ":material/error:", "due soon": ":material/schedule:", "assigned": ":material/event:",
                "done": ":material/check_circle:", "done late": ":material/check_circle:"}
for plan in plans.plans_for(run.db, run.person, run.person):
    statuses = plan_rules.plan_statuses(plan.items, library, progress, run.now, plan.timezone)
    summary = plan_rules.summarise(statuses)
    st.header(f"Assigned by {plain(plan.practice_name)}")
    if summary.overdue:
        st.error(f"{count(summary.overdue, 'assigned module')} overdue.", icon=":material/error:")
    for status in statuses:
        module = library.module(status.item.module_id)
        first = next((lesson for lesson in module.lessons if not progress.is_complete(lesson)), None) if module else None
        due = clock.day(status.item.due_on)
        when = {"overdue": f"overdue since {due}", "due soon": f"due soon, on {due}", "assigned": f"due {due}",
                "done": "done", "done late": f"done after its due day, {due}"}[status.status]
        label = f"{plain(status.title)} — {when} ({status.done} of {count(status.total, 'lesson')})"
        if first is not None:
            st.page_link(LESSON_PAGE, label=label, icon=STATUS_ICONS[status.status], query_params={"lesson": first.id})
        else:
            st.markdown(f"{STATUS_ICONS[status.status]} {label}")

if (upcoming := progress.next_lesson(library)) is not None:
    module = library.module_of(upcoming)
    st.page_link(LESSON_PAGE, label=f"Continue: {plain(upcoming.title)} · {plain(module.title)}",
                 icon=":material/play_arrow:", query_params={"lesson": upcoming.id})
elif total:
    st.success("You have completed every lesson. Well done.")

for module in library.modules:
    module_done, module_total = progress.counts(module)
    with st.container(border=True):
        st.header(f"{module.order}. {plain(module.title)}")
        st.progress(rules.fraction(module_done, module_total),
                    text=f"{module_done} of {module_total} lessons · about {module.minutes} minutes")
        st.write(module.summary)
        with st.expander("Lessons"):
            for lesson in module.lessons:
                mark = ":material/check_circle:" if progress.is_complete(lesson) else ":material/radio_button_unchecked:"
                st.page_link(LESSON_PAGE, label=f"{plain(lesson.title)} ({lesson.minutes} min)", icon=mark,
                             query_params={"lesson": lesson.id})
