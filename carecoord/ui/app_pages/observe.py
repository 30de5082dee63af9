import streamlit as st

from carecoord import clock
from carecoord.content.models import Framework
from carecoord.people import ASSESSOR, Person
from carecoord.store import accounts, observations
from carecoord.ui import content, registry, session, waiting
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.observation_cards import competency_label, level_label, observation_card, request_line
from carecoord.ui.text import plain

run = session.page(ASSESSOR)
me = run.person
library = content.library()

st.title("Observe a trainee")
framework = content.require_framework(library)
show_flash("observe")
errors = field_errors("observe")
requests = observations.requests_waiting_for(run.db, me, run.now)
answering = next((r for r in requests if r.id == st.session_state.get("observe_request")), None)
team = observations.trainees_to_observe(run.db, me)


def observation_form(framework: Framework, trainee: Person, codes: list[str], request_id: int | None,
                     portfolio_review: bool) -> None:
    """The five things an observation records, for one trainee and the competencies chosen above it."""
    with st.form("observation", border=False):
        today = clock.local_date(run.now, run.timezone)
        observed_on = st.date_input("Day you saw it", value=today, max_value=today, format=clock.DATE_INPUT_FORMAT)
        show_field_error(errors, "observed_on")
        setting = st.selectbox("Where", observations.SETTINGS,
                               index=observations.SETTINGS.index("Review of portfolio evidence") if portfolio_review
                               else 0)
        what_seen = st.text_area("What you saw them do", max_chars=observations.WHAT_SEEN_MAX, height=100)
        show_field_error(errors, "what_seen")
        levels = {}
        for code in codes:
            item = framework.competency(code)
            levels[code] = st.radio(f"{plain(competency_label(framework, code))}: the level you saw", [1, 2, 3, 4, 5],
                                    index=None, key=f"level-{code}", format_func=lambda n: level_label(framework, n))
            with st.expander("What you would see at each level"):
                st.markdown("\n".join(f"- **{level_label(framework, n)}**: {plain(item.observer_wording(n))}"
                                      for n in range(1, 6)))
            show_field_error(errors, f"level-{code}")
        # A text area, not a one-line input: Enter in a form's text input sends the whole form.
        next_step = st.text_area("One thing for them to do next", max_chars=observations.NEXT_STEP_MAX, height=68)
        show_field_error(errors, "next_step")
        if st.form_submit_button("Save the observation", type="primary"):
            with errors.catch():
                observations.record_observation(
                    run.db, me, trainee, framework, run.now, observed_on=observed_on, setting=setting,
                    what_seen=what_seen, next_step=next_step, request_id=request_id, timezone=run.timezone,
                    levels=levels)
                st.session_state.pop("observe_request", None)
                flash("observe", f"Saved your observation of {plain(trainee.display_name)}. They can read it now.")
            st.rerun()


waiting.show_on_landing(run, registry.OBSERVE)

# ---------------------------------------------------------------- requests

st.header("Requests from trainees")
if not requests:
    st.caption("No trainee is waiting for an observation from you.")
for request in requests:
    with st.container(border=True):
        st.markdown(request_line(framework, request, run.now, run.timezone, for_assessor=True))
        if request.context:
            st.markdown(f"Their note: {plain(request.context)}")
        if request.portfolio_item_id:
            asking = accounts.load_person(run.db, request.person_id)
            item = next((i for i in observations.portfolio(run.db, me, asking) if i.id == request.portfolio_item_id),
                        None)
            if item is not None:
                with st.expander(f"Their evidence: {plain(item.title)}"):
                    st.text(item.url or item.body)
        st.caption(f"The request expires on {clock.day(request.expires_at, run.timezone)}.")
        if request is answering:
            # The form opens inside the request's card, where the person pressed the button.
            trainee = next((p for p in team if p.id == request.person_id), None)
            if trainee is None:
                st.warning("You no longer observe this trainee; decline the request instead.")
            else:
                observation_form(framework, trainee, list(request.codes), request.id,
                                 request.portfolio_item_id is not None)
                show_field_error(errors)
            if st.button("Cancel", key=f"cancel-{request.id}"):
                st.session_state.pop("observe_request", None)
                st.rerun()
            continue
        observe, decline = st.columns(2)
        if observe.button("Observe now", key=f"answer-{request.id}", type="primary"):
            st.session_state["observe_request"] = request.id
            st.rerun()
        with decline.popover("Decline"):
            reason = st.text_input("Why you decline (they will read it)", key=f"reason-{request.id}",
                                   max_chars=observations.REASON_MAX)
            if st.button("Decline the request", key=f"decline-{request.id}"):
                with errors.catch():
                    observations.decline_request(run.db, me, request.id, reason, run.now)
                    flash("observe", f"Declined the request from {plain(request.person_name)}.")
                st.rerun()
show_field_error(errors, "reason")
show_field_error(errors, "request")

# ---------------------------------------------------------------- record without a request

st.header("Record an observation")
if answering is not None:
    st.caption("Save or cancel the observation you are writing above first.")
elif not team:
    st.info("There are no trainees in the practices you observe for yet.")
else:
    trainee = st.selectbox("Trainee", team, index=None, placeholder="Choose the trainee you saw",
                           format_func=lambda p: p.display_name)
    chosen = st.multiselect("Competencies you saw (up to 3)", [c.code for c in framework.competencies],
                            max_selections=observations.MAX_COMPETENCIES, placeholder="Choose up to 3 competencies",
                            format_func=lambda code: competency_label(framework, code))
    show_field_error(errors, "competencies")
    if trainee is not None and chosen:
        observation_form(framework, trainee, chosen, None, False)
    else:
        st.caption("Choose the trainee and what you saw; the rest of the form then appears.")
    show_field_error(errors)

# ---------------------------------------------------------------- what I wrote

written = observations.observations_by(run.db, me)
st.header("Observations you recorded")
if not written:
    st.caption("You have not recorded an observation yet.")
for observation in written[:5]:
    observation_card(framework, observation, run.timezone, show_person=True, show_assessor=False)
if len(written) > 5:
    with st.expander(f"Earlier observations ({len(written) - 5} more)"):
        for observation in written[5:]:
            observation_card(framework, observation, run.timezone, show_person=True, show_assessor=False)
live = [o for o in written if o.withdrawn_at is None]
if live:
    with st.expander("Withdraw an observation"):
        st.caption("For a mistake (the wrong trainee, a level you did not mean). It stays on record as withdrawn and "
                   "no longer counts.")
        target = st.selectbox("Observation", live, format_func=lambda o: f"{clock.day(o.observed_on)} "
                              f"{o.person_name}: {', '.join(o.levels)}")
        reason = st.text_input("Why", key="withdraw-reason", max_chars=observations.REASON_MAX)
        if st.button("Withdraw it"):
            with errors.catch():
                observations.withdraw_observation(run.db, me, target.id, reason, run.now)
                flash("observe", "Withdrew the observation.")
            st.rerun()
