import streamlit as st

from carecoord import clock, ordering
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.store import learning
from carecoord.ui import check_form, content, registry, session, stories_widget
from carecoord.ui.text import plain

run = session.page(TRAINEE, LEAD, FAMILY_FACULTY)
LESSON_PAGE, MY_LEARNING = registry.page(registry.LESSON), registry.page(registry.MY_LEARNING)
library = content.library()
lesson = library.lesson(st.query_params.get("lesson", ""))
if lesson is None:
    st.title("Lesson not found")
    st.write("That lesson does not exist (it may have been renamed). Pick one from your learning path.")
    st.page_link(MY_LEARNING, label="Back to My learning", icon=":material/arrow_back:")
    st.stop()

module = library.module_of(lesson)
progress = learning.progress(run.db, run.person, run.person)
position = module.lessons.index(lesson) + 1

content.styles()
st.page_link(MY_LEARNING, label="My learning", icon=":material/arrow_back:")
st.caption(f"{plain(module.title)} · lesson {position} of {len(module.lessons)} · about {lesson.minutes} minutes")
st.title(plain(lesson.title))
with st.expander("What this module helps you do", expanded=position == 1):
    for objective in module.objectives:
        st.markdown(f"- {objective}")

content.markdown(lesson.id, lesson.content_hash, lesson.body)

if lesson.checks:
    st.header("Check your understanding")
    st.caption("Your first answer to each question is the one that counts; try again as often as you like.")
    latest = learning.last_answers(run.db, run.person, lesson)
    for number, check in enumerate(lesson.checks, start=1):
        # The boxes start at the person's recorded answer, so the feedback below is about what is ticked.
        recorded = latest.get(check.id, frozenset())
        shown = ordering.shown_order(run.person.id, check.id, check.choices)
        with st.form(f"check-{check.id}"):
            chosen, sent = check_form.inputs(f"{number}. {check.prompt}", check, shown, recorded, check.id)
            if sent:
                try:
                    learning.answer_check(run.db, run.person, lesson, check, chosen, run.now, library=library)
                    latest[check.id] = chosen
                except ValueError as error:
                    st.error(str(error))
            if check.id in latest:
                st.caption("Your last answer, as recorded, with its feedback:")
                check_form.feedback(check, latest[check.id], shown, "Not quite: read the feedback and try again.")

st.divider()
if progress.is_complete(lesson):
    st.success(f"Completed on {clock.day(progress.completed[lesson.id], run.timezone)}.", icon=":material/check_circle:")
elif st.button("Mark complete", type="primary", icon=":material/done:"):
    learning.mark_complete(run.db, run.person, lesson, run.now, library=library)
    st.rerun()

previous, following = library.neighbours(lesson)
back, forward = st.columns(2)
if previous is not None:
    back.page_link(LESSON_PAGE, label=f"Previous: {plain(previous.title)}", icon=":material/chevron_left:",
                   query_params={"lesson": previous.id})
if following is not None:
    forward.page_link(LESSON_PAGE, label=f"Next: {plain(following.title)}", icon=":material/chevron_right:",
                      query_params={"lesson": following.id})

stories_widget.for_module(run, module.id)
