import streamlit as st

from carecoord import clock
from carecoord.content.models import RelationalInstrument
from carecoord.measures import SurveyResponse
from carecoord.people import FAMILY_FACULTY, LEAD, TEAM_MEMBER, TRAINEE
from carecoord.store import measures as measure_store
from carecoord.ui import content, registry, session, waiting
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.text import plain

run = session.page(TEAM_MEMBER, TRAINEE, LEAD, FAMILY_FACULTY)
me = run.person
library = content.library()

st.title("Surveys")
waiting.show_on_landing(run, registry.SURVEYS)
show_flash("survey")

surveys = measure_store.open_surveys(run.db, me)
if not surveys:
    st.info("There is no survey open for you right now. Your practice lead will let you know when the next one "
            "opens.")
    st.stop()

for survey in surveys:
    administration = survey.administration
    instrument = library.instrument(administration.instrument_id)
    st.header(f"{plain(instrument.title) if instrument else 'Survey'}: {plain(administration.practice_name)}")
    closer = ("you close it on the Practice measures page" if me.has_role(LEAD, administration.practice_id)
              else "your practice lead closes it")
    st.caption(f"Opened {clock.day(administration.administered_on)}; open until {closer}.")
    if survey.answered:
        st.success("You have answered this survey. Thank you. Your answers are stored without your name, so nobody "
                   "can see them, and results are shown only for groups of 3 or more.", icon=":material/lock:")
        continue
    if not isinstance(instrument, RelationalInstrument):
        st.error("This survey's questions could not be loaded; tell your practice lead.")
        continue
    content.markdown(instrument.id, measure_store.instrument_hash(instrument), instrument.instructions)

    key = f"survey-{administration.id}"
    errors = field_errors(key)
    disciplines = list(instrument.disciplines)
    with st.form(key):
        mine = st.selectbox("You answer as", disciplines, key=f"{key}-from",
                            index=disciplines.index(survey.discipline) if survey.discipline in disciplines else None,
                            placeholder="Choose your discipline")
        show_field_error(errors, "from")
        st.write("Open each discipline you share children's care with and answer its seven questions. Leave closed "
                 "any discipline you do not work with.")
        chosen: dict[str, dict[str, int | None]] = {}
        for number, discipline in enumerate(disciplines):
            with st.expander(f"The {discipline}", expanded=discipline in errors.messages):
                chosen[discipline] = {}
                for dimension in instrument.dimensions:
                    options = dimension.options
                    picked = st.radio(dimension.prompt.format(discipline=discipline), range(len(options)),
                                      index=None, horizontal=True, key=f"{key}-{number}-{dimension.id}",
                                      format_func=lambda i, o=options: o[i].label)
                    chosen[discipline][dimension.id] = None if picked is None else options[picked].score
                show_field_error(errors, discipline)
        show_field_error(errors)
        st.caption("Your answers are stored without your name and cannot be changed once sent.")
        if st.form_submit_button("Send my answers", type="primary"):
            errors.clear()
            partial = [d for d, scores in chosen.items() if any(v is not None for v in scores.values())
                       and any(v is None for v in scores.values())]
            rated = {d: scores for d, scores in chosen.items() if all(v is not None for v in scores.values())}
            if mine is None:
                errors.set("from", "Choose the discipline you answer as.")
            elif partial:
                errors.set(partial[0], f"Answer all seven questions about the {partial[0]}, or none of them to "
                                       "skip it.")
            elif not rated:
                errors.set(None, "Answer the questions for at least one discipline you work with.")
            else:
                with errors.catch():
                    measure_store.submit_survey(run.db, me, administration.id, instrument,
                                                SurveyResponse(mine, rated), run.now)
                    flash("survey", "Your answers have been sent. Thank you.")
            st.rerun()
