import streamlit as st

from carecoord import clock, competency
from carecoord.people import TRAINEE
from carecoord.store import observations
from carecoord.ui import content, session
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.observation_cards import competency_label, observation_card, request_line
from carecoord.ui.text import plain, table_rows

run = session.page(TRAINEE)
me = run.person
library = content.library()

st.title("Observations and evidence")
framework = content.require_framework(library)
show_flash("evidence")
errors = field_errors("evidence")
rule = framework.achievement
st.caption(f"A level counts as achieved when {competency.rule_sentence(rule)}, and your lead signs it off. Your "
           "self-ratings, checks and case decisions are shown beside them; they never decide alone.")
codes = [c.code for c in framework.competencies]
assessors = observations.assessors_for(run.db, me)


def assessor_label(assessor: observations.Assessor) -> str:
    return f"{assessor.name} ({assessor.shown_as.lower()})"


# ---------------------------------------------------------------- ask

st.header("Ask for an observation")
if not assessors:
    st.info("Your practice has no assessors yet. Ask your lead to name some.")
else:
    with st.form("ask", border=False, clear_on_submit=True):
        assessor = st.selectbox("Who", assessors, format_func=assessor_label)
        show_field_error(errors, "assessor")
        chosen = st.multiselect("Competencies to observe (up to 3)", codes, max_selections=observations.MAX_COMPETENCIES,
                                format_func=lambda code: competency_label(framework, code))
        show_field_error(errors, "competencies")
        context = st.text_input("What they could see, and when (optional)", max_chars=observations.CONTEXT_MAX,
                                placeholder="The family meeting on Tuesday afternoon")
        show_field_error(errors, "context")
        if st.form_submit_button("Send the request", type="primary"):
            with errors.catch():
                observations.ask_for_observation(run.db, me, assessor.id, chosen, framework, run.now, context=context)
                flash("evidence", f"Asked {plain(assessor.name)}. The request waits for them for "
                                  f"{rule.request_expires_days} days.")
            st.rerun()
show_field_error(errors)

mine = observations.my_requests(run.db, me)
if mine:
    st.subheader("Your requests")
    for request in mine[:10]:
        st.markdown(request_line(framework, request, run.now, run.timezone, for_assessor=False))
        if request.reason:
            st.caption(f"Their reason: {plain(request.reason)}")
    waiting_now = [r for r in mine if r.state(run.now) == observations.WAITING]
    if waiting_now:
        with st.expander("Withdraw a request"):
            target = st.selectbox("Request", waiting_now, format_func=lambda r: f"{r.assessor_name}: "
                                  f"{', '.join(r.codes)} ({clock.day(r.created_at, run.timezone)})")
            if st.button("Withdraw it"):
                with errors.catch():
                    observations.withdraw_request(run.db, me, target.id, run.now)
                    flash("evidence", "Withdrew the request.")
                st.rerun()

# ---------------------------------------------------------------- observations of me

seen = observations.observations_of(run.db, me, me)
st.header("Observations of you")
if not seen:
    st.caption("Nobody has recorded an observation of you yet. Ask an assessor after a family meeting, a discharge "
               "call or a plan-of-care meeting.")
for observation in seen[:20]:
    observation_card(framework, observation, run.timezone, show_person=False)
if len(seen) > 20:
    st.caption(f"The latest 20 of {len(seen)} are shown.")

# ---------------------------------------------------------------- portfolio

st.header("Your portfolio")
st.caption("Evidence you attach to a competency: a reflection, a link, or a text document. Everything is checked "
           "for details that could identify a family before it is saved.")
items = observations.portfolio(run.db, me, me)
if items:
    st.dataframe(table_rows({"Added": clock.day(i.created_at, run.timezone), "Competency": i.code,
                             "Kind": i.kind.capitalize(), "Title": i.title} for i in items), hide_index=True)
    for item in items[:10]:
        with st.expander(f"{plain(item.title)} ({item.code})"):
            st.text(item.url or item.body)
    if assessors:
        with st.expander("Ask an assessor to review a piece of evidence"):
            item = st.selectbox("Evidence", items, format_func=lambda i: f"{i.title} ({i.code})")
            reviewer = st.selectbox("Assessor", assessors, format_func=assessor_label, key="reviewer")
            if st.button("Ask for a review"):
                with errors.catch():
                    observations.ask_for_observation(run.db, me, reviewer.id, [item.code], framework, run.now,
                                                     portfolio_item_id=item.id)
                    flash("evidence", f"Asked {plain(reviewer.name)} to review it.")
                st.rerun()

with st.expander("Add evidence", expanded=not items):
    kind = st.radio("Kind", ["reflection", "link", "document"], horizontal=True,
                    format_func={"reflection": "Reflection", "link": "Link", "document": "Text document"}.get)
    with st.form("evidence", border=False, clear_on_submit=True):
        code = st.selectbox("Competency", codes, format_func=lambda c: competency_label(framework, c))
        title = st.text_input("Title", max_chars=observations.TITLE_MAX)
        show_field_error(errors, "title")
        body, url, upload = "", None, None
        if kind == "reflection":
            body = st.text_area("Your reflection", max_chars=observations.BODY_MAX, height=160)
        elif kind == "link":
            url = st.text_input("Web address", max_chars=observations.URL_MAX, placeholder="https://")
            body = st.text_area("What it shows (optional)", max_chars=2000)
        else:
            upload = st.file_uploader("Text document (.txt, .md, .csv, .rtf; up to 50,000 characters)",
                                      type=[s.lstrip(".") for s in observations.DOCUMENT_SUFFIXES])
        for field in ("body", "url", "filename"):
            show_field_error(errors, field)
        if st.form_submit_button("Save the evidence", type="primary"):
            with errors.catch():
                filename = None
                if kind == "document":
                    if upload is None:
                        raise observations.ObservationError("Choose a text document to attach.", "filename")
                    raw = upload.getvalue()
                    if len(raw) > 4 * observations.BODY_MAX:
                        raise observations.ObservationError("That document is too long: attach at most 50,000 "
                                                            "characters of text.", "filename")
                    try:
                        body = raw.decode("utf-8-sig")
                    except UnicodeDecodeError:
                        raise observations.ObservationError("That file is not readable text: save it as plain text "
                                                            "(UTF-8) or Markdown and attach it again.",
                                                            "filename") from None
                    filename = upload.name
                observations.add_portfolio_item(run.db, me, framework, run.now, code=code, kind=kind, title=title,
                                                body=body, url=url, filename=filename)
                flash("evidence", f"Saved “{plain(title)}” to your portfolio.")
            st.rerun()
