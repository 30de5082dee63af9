import hashlib
from html import escape

import streamlit as st

from carecoord import deidentify, stories as rules
from carecoord.limits import parse_id
from carecoord.people import FAMILY_FACULTY
from carecoord.permissions import PermissionDenied
from carecoord.store import stories
from carecoord.ui import content, registry, session, stories_widget, waiting
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.stories_widget import local_time
from carecoord.ui.text import plain, table_rows
from carecoord.wording import count

run = session.page(FAMILY_FACULTY)
me = run.person
library = content.library()
PICK = "my_story_pick"
FLASH, CONSENT_FLASH = "my_story", "my_story_consent"


# ---------------------------------------------------------------- autosave (on_change callbacks)


def _autosave(story_id: int, field: str) -> None:
    value = st.session_state.get(f"s{story_id}-{field}")
    problems = st.session_state.setdefault(f"_s{story_id}-problems", {})
    db, now, person = session.acting()
    if person is None:
        return
    try:
        stories.save_draft(db, person, story_id, now, **{field: value})
        problems.pop(field, None)
    except (rules.StoryError, PermissionDenied) as error:
        problems[field] = str(error)


def _mark(story_id: int, text: str, intended: bool) -> None:
    db, now, person = session.acting()
    if person is None:
        return
    try:
        stories.set_intended(db, person, story_id, text, intended, now)
    except (rules.StoryError, PermissionDenied) as error:
        st.session_state[f"_s{story_id}-problems"] = {"check": str(error)}


def _new_story() -> None:
    db, now, person = session.acting()
    if person is None:
        return
    story = stories.create_draft(db, person, now)
    st.session_state[PICK] = story.id


# ---------------------------------------------------------------- the list


content.styles()
st.title("My stories")
waiting.show_on_landing(run, registry.MY_STORIES)
st.caption("Write about your family's experience for care coordinators in training. Your draft saves itself "
           "each time you leave a box; nobody else sees it until you send it for review and a practice lead "
           "approves it.")
show_flash(FLASH)

st.button("Write a new story", icon=":material/add:", on_click=_new_story)
mine = stories.my_stories(run.db, me)
if not mine:
    st.info("You have not started a story yet.")
    st.stop()

st.dataframe(table_rows({"Title": s.title or "(untitled draft)", "Status": rules.STATUS_LABELS[s.status],
                         "Last saved": local_time(run, s.saved_at)} for s in mine), hide_index=True)

by_id = {s.id: s for s in mine}
wanted = st.session_state.get(PICK)
if wanted not in by_id:
    asked = parse_id(st.query_params.get("story"))  # a link to another story, or no story, opens the newest
    st.session_state[PICK] = asked if asked in by_id else mine[0].id
story_id = st.selectbox("Story", list(by_id), key=PICK,
                        format_func=lambda i: f"{by_id[i].title or '(untitled draft)'} · "
                                              f"{rules.STATUS_LABELS[by_id[i].status]}")
st.query_params["story"] = str(story_id)  # a reload opens the same story
story = by_id[story_id]
problems = st.session_state.setdefault(f"_s{story.id}-problems", {})
errors = field_errors(f"story-{story.id}")


def problem(field: str) -> None:
    if message := problems.get(field):
        st.error(plain(message), icon=":material/error:")


def preview(story: stories.Story) -> None:
    credit = rules.credit_line(story.consent.credit, me.display_name) if story.consent else me.display_name
    with st.container(border=True):
        st.header(plain(story.title) or "(untitled)", anchor=False)
        st.caption(plain(" · ".join(p for p in (f"By {credit}", rules.STAGES.get(story.stage, "")) if p)))
        content.user_markdown(story.body or "*Nothing written yet.*")
        if story.questions:
            st.markdown("**Questions to discuss**")
            content.user_markdown("\n".join(f"{n}. {q}" for n, q in enumerate(story.questions, start=1)))
        stories_widget.speaks_to(library, story.modules, story.phases, story.competencies, reader=me)


def comments(story: stories.Story) -> None:
    asked = [e for e in stories.history(run.db, me, story.id) if e.transition.endswith("->changes_requested")]
    if asked:
        latest = asked[-1]
        st.warning(f"{plain(latest.actor_name)} asked for changes on {local_time(run, latest.at)}. Edit the story, "
                   "then send it for review again.", icon=":material/rate_review:")
        content.user_markdown(latest.comment)


def history(story: stories.Story) -> None:
    with st.expander("History"):
        for event in stories.history(run.db, me, story.id):
            st.markdown(f"**{local_time(run, event.at)}**: {plain(event.actor_name)}, "
                        f"{plain(event.transition.replace('->', ' → ').replace('_', ' '))}")
            if event.comment and event.transition != "consent":
                content.user_markdown(event.comment)


def withdraw(story: stories.Story) -> None:
    draft = story.status == rules.DRAFT
    with st.expander("Delete this draft" if draft else "Withdraw consent"):
        st.write(("The draft is set aside at once" if draft else "The story leaves everyone's view at once") +
                 ". Its text is deleted 30 days later; the audit log keeps only who did what and when, and a "
                 "fingerprint of the text (not the text itself).")
        sure = st.checkbox("Yes, delete this draft" if draft else "Yes, withdraw this story",
                           key=f"withdraw-sure-{story.id}")
        if st.button("Delete draft" if draft else "Withdraw story", key=f"withdraw-{story.id}", disabled=not sure):
            with errors.catch():
                stories.withdraw(run.db, me, story.id, run.now)
                flash(FLASH, "Draft deleted." if draft else "Story withdrawn. Nobody can read it now.")
            st.rerun()


# ---------------------------------------------------------------- a story that is not editable now


if not story.editable:
    if story.status == rules.SUBMITTED:
        st.info(f"Sent for review on {local_time(run, story.submitted_at)}. A lead of {plain(story.practice_name)} "
                "will read it; if they ask for changes you will see their comments here.", icon=":material/schedule:")
    elif story.status == rules.PUBLISHED:
        readers = "people in your practice" if story.consent.scope == rules.SCOPE_PRACTICE else \
            "everyone in every practice that uses this app"
        st.success(f"Published on {local_time(run, story.published_at)}: {readers} can read it in Family voices.",
                   icon=":material/public:")
    elif story.status == rules.WITHDRAWN:
        st.info(f"You withdrew this story on {local_time(run, story.withdrawn_at)}. Nobody can read it. Its text "
                f"will be deleted on {local_time(run, story.purge_on, with_time=False)}; copy anything you want to "
                "keep before then.", icon=":material/block:")
    show_field_error(errors)
    preview(story)
    if story.status != rules.WITHDRAWN:
        withdraw(story)
    history(story)
    st.stop()


# ---------------------------------------------------------------- writing


comments(story)
st.header("Write", anchor=False)
st.caption(f"Saved automatically when you leave a box · last saved {local_time(run, story.saved_at)}")
st.text_input("Title", value=story.title, key=f"s{story.id}-title", on_change=_autosave, args=(story.id, "title"),
              max_chars=rules.TITLE_MAX)
problem("title")
st.text_area("Your story", value=story.body, key=f"s{story.id}-body", height=360, on_change=_autosave,
             args=(story.id, "body"),
             help="You can format the text: **bold**, *italic*, ## a heading, - a list. Web page code (HTML) is "
                  "shown as text.")
typed = len(st.session_state.get(f"s{story.id}-body", story.body))
st.caption(f"{typed:,} of {rules.BODY_MAX:,} characters")
problem("body")
stages = ["", *rules.STAGES]
st.selectbox("Stage of childhood it covers", stages, index=stages.index(story.stage) if story.stage in stages else 0,
             format_func=lambda s: rules.STAGES.get(s, "Choose a stage"), key=f"s{story.id}-stage",
             on_change=_autosave, args=(story.id, "stage"))
problem("stage")
modules = {m.id: m.title for m in library.modules}
st.multiselect("Modules it speaks to", list(modules), default=[m for m in story.modules if m in modules],
               format_func=modules.get, key=f"s{story.id}-modules", on_change=_autosave, args=(story.id, "modules"))
problem("modules")
phases = {p.id: f"{c.title}: {p.title}" for c in library.cases for p in c.phases}
st.multiselect("Case phases it speaks to", list(phases), default=[p for p in story.phases if p in phases],
               format_func=phases.get, key=f"s{story.id}-phases", on_change=_autosave, args=(story.id, "phases"))
problem("phases")
codes = {c.code: f"{c.code} {c.name}" for c in library.framework.competencies} if library.framework else {}
st.multiselect("Competencies it speaks to", list(codes), default=[c for c in story.competencies if c in codes],
               format_func=codes.get, key=f"s{story.id}-competencies", on_change=_autosave,
               args=(story.id, "competencies"))
problem("competencies")
st.text_area("Discussion questions for trainees (one a line)", value="\n".join(story.questions),
             key=f"s{story.id}-questions", height=120, on_change=_autosave, args=(story.id, "questions"),
             help=f"Up to {rules.QUESTIONS_MAX} questions of up to {rules.QUESTION_MAX} characters each.")
problem("questions")

with st.expander("Preview: how readers will see it"):
    preview(story)


# ---------------------------------------------------------------- the identifying-details check


st.header("Check for identifying details", anchor=False)
st.caption("The check looks for names, dates, places, schools, hospitals, phone numbers, addresses and record "
           "numbers that could identify your child or family. Edit each one out, or keep it if you mean to "
           "share it (for example, a first name your family chose to use).")
problem("check")
flags = story.flags
open_flags = deidentify.unresolved(flags, story.intended)
if not flags:
    st.success("Nothing that looks identifying was found.", icon=":material/verified_user:")
elif not open_flags:
    st.success("Every flagged detail is resolved.", icon=":material/verified_user:")
else:
    st.warning(f"{count(len(open_flags), 'detail')} to resolve before you send the story.", icon=":material/flag:")


def _key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


for flag in open_flags:
    with st.container(border=True):
        times = f" (appears {flag.count} times)" if flag.count > 1 else ""
        st.html(f'<div class="cc-md"><strong>{escape(flag.label)}</strong>: <mark>{escape(flag.text)}</mark>{times}'
                f'<br><small>{escape(flag.context)}</small></div>')
        st.markdown(f"{flag.reason} **Suggestion:** {flag.suggestion}")
        st.button(f"Keep \"{plain(flag.text)}\": it is intended", key=f"keep-{story.id}-{_key(flag.text)}",
                  on_click=_mark, args=(story.id, flag.text, True))
kept = [f for f in flags if deidentify.key(f.text) in story.intended]
if kept:
    with st.expander(f"Kept as intended ({len(kept)})"):
        for flag in kept:
            left, right = st.columns([4, 1])
            left.html(f"<div><mark>{escape(flag.text)}</mark> · {escape(flag.label)}</div>")
            right.button("Undo", key=f"undo-{story.id}-{_key(flag.text)}", on_click=_mark,
                         args=(story.id, flag.text, False))


# ---------------------------------------------------------------- consent


st.header("Consent", anchor=False)
if story.consent:
    st.caption(f"Consent recorded on {local_time(run, story.consent.at)}. You can change it until you send the "
               "story, and withdraw it at any time.")
scope_labels = {rules.SCOPE_PRACTICE: f"People in {plain(story.practice_name)} only",
                rules.SCOPE_INSTALLATION: "Everyone in every practice that uses this app"}
credit_labels = {rules.CREDIT_NAME: f"By my name ({plain(me.display_name)})",
                 rules.CREDIT_INITIALS: f"By my initials ({plain(rules.initials(me.display_name))})",
                 rules.CREDIT_ANONYMOUS: f"Anonymously (\"{rules.ANONYMOUS_CREDIT}\")"}
consent_errors = field_errors(f"consent-{story.id}")
with st.form(f"consent-{story.id}"):
    scope = st.radio("Who may read your story once it is published?", rules.SCOPES,
                     index=rules.SCOPES.index(story.consent.scope) if story.consent else None,
                     format_func=scope_labels.get)
    show_field_error(consent_errors, "scope")
    credit = st.radio("How should readers see you credited?", rules.CREDITS,
                      index=rules.CREDITS.index(story.consent.credit) if story.consent else None,
                      format_func=credit_labels.get)
    show_field_error(consent_errors, "credit")
    may_edit = st.checkbox("Reviewers may shorten my story for length; I approve the shortened version before "
                           "it is published.", value=story.consent.may_edit_for_length if story.consent else False)
    st.caption("You can withdraw your consent at any time: the story leaves everyone's view at once and its text "
               "is deleted 30 days later.")
    show_field_error(consent_errors)
    if st.form_submit_button("Record my consent"):
        with consent_errors.catch():
            stories.record_consent(run.db, me, story.id, scope, credit, may_edit, run.now)
            flash(CONSENT_FLASH, "Consent recorded.")
        st.rerun()
show_flash(CONSENT_FLASH)


# ---------------------------------------------------------------- send


st.header("Send for review", anchor=False)
st.caption(f"A lead of {plain(story.practice_name)} reads it, with the check and your consent, and either "
           "publishes it or asks you for changes.")
show_field_error(errors)
for field in ("title", "body", "stage", "consent", "check"):
    show_field_error(errors, field)
if st.button("Send for review", type="primary", icon=":material/send:"):
    with errors.catch():
        stories.submit(run.db, me, story.id, run.now)
        flash(FLASH, "Sent for review. You will see the reviewer's decision here.")
    st.rerun()

withdraw(story)
history(story)
