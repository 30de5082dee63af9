import streamlit as st

from carecoord import clock, competency
from carecoord.people import TRAINEE
from carecoord.store import observations
from carecoord.ui import content, session
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.observation_cards import competency_label, observation_card, request_line
from carecoord.ui.text import plain

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
requests = observations.my_requests(run.db, me)
seen = observations.observations_of(run.db, me, me)
items = observations.portfolio(run.db, me, me)
SHOWN = 5  # cards shown before the rest fold away: a phone scrolls a long way past five


def assessor_label(assessor: observations.Assessor) -> str:
    return f"{assessor.name} ({assessor.shown_as.lower()})"


def ask(assessor: observations.Assessor | None, chosen: list[str], **extra) -> None:
    if assessor is None:
        raise observations.ObservationError("Choose who to ask.", "assessor")
    observations.ask_for_observation(run.db, me, assessor.id, chosen, framework, run.now, **extra)


# Short labels: the three fit a phone's width side by side.
ask_tab, seen_tab, portfolio_tab = st.tabs(["Ask", f"Observed ({len(seen)})", f"Portfolio ({len(items)})"])

# ---------------------------------------------------------------- ask

with ask_tab:
    st.header("Ask for an observation")
    if not assessors:
        st.info("Your practice has no assessors yet. Ask your lead to name some.")
    else:
        with st.form("ask", border=False, clear_on_submit=True):
            assessor = st.selectbox("Who", assessors, index=None, placeholder="Choose an assessor",
                                    format_func=assessor_label)
            show_field_error(errors, "assessor")
            chosen = st.multiselect("Competencies to observe (up to 3)", codes,
                                    max_selections=observations.MAX_COMPETENCIES,
                                    placeholder="Choose up to 3 competencies",
                                    format_func=lambda code: competency_label(framework, code))
            show_field_error(errors, "competencies")
            context = st.text_area("What they could see, and when (optional)", max_chars=observations.CONTEXT_MAX,
                                   placeholder="The family meeting on Tuesday afternoon", height=68)
            show_field_error(errors, "context")
            if st.form_submit_button("Send the request", type="primary"):
                with errors.catch():
                    ask(assessor, chosen, context=context)
                    flash("evidence", f"Asked {plain(assessor.name)}. The request waits for them for "
                                      f"{rule.request_expires_days} days.")
                st.rerun()
    show_field_error(errors)

    if requests:
        st.header("Your requests")
        for request in requests[:SHOWN]:
            with st.container(border=True):
                st.markdown(request_line(framework, request, run.now, run.timezone, for_assessor=False))
                if request.context:
                    st.caption(f"Your note: {plain(request.context)}")
                if request.state(run.now) == observations.WAITING:
                    st.caption(f"It waits for them until {clock.day(request.expires_at, run.timezone)}.")
                if request.reason:
                    st.caption(f"Their reason: {plain(request.reason)}")
        if len(requests) > SHOWN:
            st.caption(f"The latest {SHOWN} of {len(requests)} requests are shown.")
        waiting_now = [r for r in requests if r.state(run.now) == observations.WAITING]
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

with seen_tab:
    st.header("Observations of you")
    if not seen:
        st.caption("Nobody has recorded an observation of you yet. Ask an assessor after a family meeting, a "
                   "discharge call or a plan-of-care meeting.")
    for observation in seen[:SHOWN]:
        observation_card(framework, observation, run.timezone, show_person=False)
    if len(seen) > SHOWN:
        with st.expander(f"Earlier observations ({len(seen) - SHOWN} more)"):
            for observation in seen[SHOWN:]:
                observation_card(framework, observation, run.timezone, show_person=False)

# ---------------------------------------------------------------- portfolio

with portfolio_tab:
    st.header("Your portfolio")
    st.caption("Evidence you attach to a competency: a reflection, a link, or a text document. Everything is "
               "checked for details that could identify a family before it is saved.")
    for item in items:
        with st.expander(f"{plain(item.title)} · {item.code} · {clock.day(item.created_at, run.timezone)}"):
            st.caption({"reflection": "Reflection", "link": "Link", "document": f"Document {plain(item.filename)}"}[item.kind])
            st.text(item.url or item.body)
            if item.url and item.body:
                st.text(item.body)
    if items and assessors:
        with st.expander("Ask an assessor to review a piece of evidence"):
            item = st.selectbox("Evidence", items, format_func=lambda i: f"{i.title} ({i.code})")
            reviewer = st.selectbox("Assessor", assessors, index=None, placeholder="Choose an assessor",
                                    format_func=assessor_label, key="reviewer")
            if st.button("Ask for a review"):
                with errors.catch():
                    ask(reviewer, [item.code], portfolio_item_id=item.id)
                    flash("evidence", f"Asked {plain(reviewer.name)} to review it.")
                st.rerun()

    st.header("Add evidence")
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
                    body, filename = observations.document_text(upload.name, upload.getvalue()), upload.name
                observations.add_portfolio_item(run.db, me, framework, run.now, code=code, kind=kind, title=title,
                                                body=body, url=url, filename=filename)
                flash("evidence", f"Saved “{plain(title)}” to your portfolio.")
            st.rerun()
