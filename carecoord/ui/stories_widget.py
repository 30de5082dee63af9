"""Published family-faculty stories where trainees learn: on lesson pages (by module), on case phases,
and in the Family voices library. Story text is only ever shown through `content.user_markdown`.

    stories_widget.for_module(run, module.id)   # end of a lesson page
    stories_widget.for_phase(run, phase.id)     # a case phase (the case player)
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from carecoord import clock, permissions, stories as rules
from carecoord.people import Person
from carecoord.store import accounts, stories
from carecoord.ui import content, registry, session
from carecoord.ui.forms import field_errors, show_field_error
from carecoord.ui.text import plain


def local_time(run: session.Run, moment: datetime | None, with_time: bool = True) -> str:
    """A stored UTC time in the time zone of the person's (first) practice."""
    if moment is None:
        return ""
    zone = "UTC"
    practice_ids = sorted(run.person.practice_ids()) if run.person else []
    if practice_ids and (practice := accounts.get_practice(run.db, practice_ids[0])) is not None:
        zone = practice.timezone or "UTC"
    return clock.moment(moment, zone) if with_time else clock.day(moment, zone)


def for_module(run: session.Run, module_id: str) -> None:
    """Published stories linked to this module, with their questions, for the reader (nothing if none)."""
    _section(run, stories.readable(run.db, run.person, module=module_id), where=f"module-{module_id}",
             intro="Parents of children with medical complexity wrote these stories about what this module covers.")


def for_phase(run: session.Run, phase_id: str) -> None:
    """Published stories linked to this case phase (nothing if none)."""
    _section(run, stories.readable(run.db, run.person, phase=phase_id), where=f"phase-{phase_id}",
             intro="Parents of children with medical complexity wrote these stories about moments like this one.")


def _section(run: session.Run, found: list[stories.Published], *, where: str, intro: str) -> None:
    if not found:
        return
    st.divider()
    st.subheader("Family voices", anchor=False)
    st.caption(intro)
    reflections = stories.my_reflections(run.db, run.person, [s.id for s in found])
    for story in found:
        with st.expander(f"{plain(story.title)} · {plain(story.credit)}"):
            show(run, story, reflections.get(story.id), key=f"{where}-{story.id}")


def meta_line(story: stories.Published) -> str:
    parts = [f"By {story.credit}"]
    if story.stage in rules.STAGES:
        parts.append(rules.STAGES[story.stage])
    return " · ".join(parts)


def show(run: session.Run, story: stories.Published, reflection: stories.Reflection | None, *, key: str) -> None:
    """One published story: who wrote it (as credited), the text, what it speaks to, questions, reflection."""
    library = content.library()
    st.caption(f"{plain(meta_line(story))} · published {local_time(run, story.published_at, with_time=False)}")
    content.user_markdown(story.body)
    if story.questions:
        st.markdown("**Questions to discuss**")
        content.user_markdown("\n".join(f"{number}. {question}" for number, question in
                                        enumerate(story.questions, start=1)))
    speaks_to(library, story.modules, story.phases, story.competencies, reader=run.person)
    reflection_form(run, story, reflection, key=key)


def speaks_to(library, modules, phases, competencies, *, reader: Person | None) -> None:
    """The modules, case phases and competencies a story speaks to. A module links to its first lesson
    when the reader has the Lesson page (an administrator does not: they see its title)."""
    known_modules = [m for m in (library.module(i) for i in modules) if m is not None]
    phase_names = [name for name in (phase_title(library, p) for p in phases) if name]
    framework = library.framework
    names = {c.code: c.name for c in framework.competencies} if framework else {}
    if known_modules and not registry.may_open(registry.LESSON, reader):
        st.markdown("**Modules:** " + "; ".join(plain(m.title) for m in known_modules))
    elif known_modules:
        st.markdown("**Modules:**")
        for module in known_modules:
            if module.lessons:
                st.page_link(registry.LESSON, label=plain(module.title), icon=":material/menu_book:",
                             query_params={"lesson": module.lessons[0].id})
    if phase_names:
        st.markdown("**Case phases:** " + "; ".join(plain(n) for n in phase_names))
    if competencies:
        st.markdown("**Competencies:** " + "; ".join(plain(f"{c} {names.get(c, '')}".strip()) for c in competencies))


def phase_title(library, phase_id: str) -> str | None:
    for case in library.cases:
        if (phase := case.phase(phase_id)) is not None:
            return f"{phase.title} ({case.title})"
    return None


def _save_reflection(story_id: int, key: str) -> None:
    errors = field_errors(f"reflect-{key}")
    db, now, person = session.acting()
    if person is None:
        return
    with errors.catch():
        stories.save_reflection(db, person, story_id, st.session_state.get(f"reflect-text-{key}", ""), now)
        st.session_state[f"_reflection_saved_{key}"] = True
        st.session_state[f"reflect-edit-{key}"] = False  # back to reading


def reflection_form(run: session.Run, story: stories.Published, reflection: stories.Reflection | None, *,
                    key: str) -> None:
    """The reader's own reflection: shown when saved (with an Edit switch), else a form to write one."""
    if not permissions.may_reflect_on_stories(run.person):
        return
    errors = field_errors(f"reflect-{key}")
    if reflection is not None:
        st.markdown("**Your reflection**")
        content.user_markdown(reflection.body)
        st.caption(f"Saved {local_time(run, reflection.saved_at)}. Only you can see it.")
        if st.session_state.pop(f"_reflection_saved_{key}", False):
            st.success("Reflection saved.", icon=":material/check_circle:")
        if not st.toggle("Edit my reflection", key=f"reflect-edit-{key}") and not errors.messages:
            return
    with st.form(f"reflect-{key}"):
        st.text_area("Reflect on this story: what will you do differently? (Only you see this.)",
                     value=reflection.body if reflection else "", key=f"reflect-text-{key}",
                     max_chars=rules.REFLECTION_MAX)
        show_field_error(errors, "reflection")
        show_field_error(errors)
        st.form_submit_button("Save reflection", on_click=_save_reflection, args=(story.id, key))
