from html import escape

import streamlit as st

from carecoord import deidentify, stories as rules
from carecoord.people import ADMIN, LEAD
from carecoord.store import stories
from carecoord.ui import content, session, stories_widget
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.stories_widget import local_time, plain
from carecoord.wording import count, verb

run = session.page(LEAD, ADMIN)
me = run.person
library = content.library()
FLASH = "story_review"

# Withdrawn stories' text goes 30 days after withdrawal; every load of this page does what is due.
stories.purge_due(run.db, me, run.now)

content.styles()
st.title("Story review")
st.caption("Family faculty stories waiting for review in the practices you lead. Read each with its "
           "identifying-details check and the author's consent, then publish it or ask for changes. Nobody "
           "reviews their own story.")
show_flash(FLASH)

queue = stories.review_queue(run.db, me)
if not queue:
    st.info("No stories are waiting for review.", icon=":material/inbox:")
    st.stop()

by_id = {s.id: s for s in queue}
story_id = st.selectbox("Story waiting for review", list(by_id), key="review_pick",
                        format_func=lambda i: f"{by_id[i].title} · by {by_id[i].author_name} · sent "
                                              f"{local_time(run, by_id[i].submitted_at, with_time=False)}")
story = by_id[story_id]

st.markdown(f"**Author:** {plain(story.author_name)} ({plain(story.practice_name)}) · **Sent:** "
            f"{local_time(run, story.submitted_at)}")

st.header("Consent", anchor=False)
consent = story.consent
readers = f"people in {story.practice_name}" if consent.scope == rules.SCOPE_PRACTICE else \
    "everyone in every practice that uses this app"
st.markdown(
    f"- **Who may read it:** {plain(readers)}\n"
    f"- **Credited as:** {plain(rules.credit_line(consent.credit, story.author_name))}\n"
    f"- **May be shortened for length, with the author's approval:** {'yes' if consent.may_edit_for_length else 'no'}\n"
    f"- **Recorded:** {local_time(run, consent.at)}"
)

st.header("Identifying-details check", anchor=False)
flags = story.flags
open_flags = deidentify.unresolved(flags, story.intended)
if not flags:
    st.success("The check found nothing that looks identifying.", icon=":material/verified_user:")
else:
    if open_flags:
        st.error(f"{count(len(open_flags), 'flagged detail')} {verb(len(open_flags), 'is', 'are')} unresolved; ask the author to resolve them.",
                 icon=":material/flag:")
    else:
        st.caption("The author kept each of these on purpose. Ask for changes if any should go.")
    rows = "".join(
        f"<tr><td><mark>{escape(f.text)}</mark></td><td>{escape(f.label)}</td>"
        f"<td>{'kept as intended by the author' if f not in open_flags else '<strong>unresolved</strong>'}</td></tr>"
        for f in flags)
    st.html(f'<div class="cc-md"><table><thead><tr><th>Text</th><th>What it may be</th><th>Status</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></div>")

st.header("The story as readers will see it", anchor=False)
with st.container(border=True):
    st.subheader(plain(story.title), anchor=False)
    st.caption(plain(f"By {rules.credit_line(consent.credit, story.author_name)} · "
                     f"{rules.STAGES.get(story.stage, '')}"))
    content.user_markdown(story.body)
    if story.questions:
        st.markdown("**Questions to discuss**")
        content.user_markdown("\n".join(f"{n}. {q}" for n, q in enumerate(story.questions, start=1)))
    stories_widget.speaks_to(library, story.modules, story.phases, story.competencies, reader=me)

with st.expander("History"):
    for event in stories.history(run.db, me, story.id):
        st.markdown(f"**{local_time(run, event.at)}**: {plain(event.actor_name)}, "
                    f"{plain(event.transition.replace('->', ' → ').replace('_', ' '))}")
        if event.comment and event.transition != "consent":
            content.user_markdown(event.comment)

st.header("Your decision", anchor=False)
errors = field_errors(f"review-{story.id}")
with st.form(f"review-{story.id}"):
    comment = st.text_area("Comments for the author (they see these)", key=f"review-comment-{story.id}",
                           max_chars=rules.COMMENT_MAX)
    show_field_error(errors, "comment")
    show_field_error(errors, "check")
    show_field_error(errors)
    ask, publish = st.columns(2)
    asked = ask.form_submit_button("Request changes", icon=":material/edit_note:")
    approved = publish.form_submit_button("Approve and publish", type="primary", icon=":material/publish:")
    if asked or approved:
        with errors.catch():
            if asked:
                stories.request_changes(run.db, me, story.id, comment, run.now)
                flash(FLASH, f"Sent back to {plain(story.author_name)} with your comments.")
            else:
                stories.approve(run.db, me, story.id, run.now, comment)
                flash(FLASH, f"Published \"{plain(story.title)}\". Trainees can read it in Family voices.")
        st.rerun()
