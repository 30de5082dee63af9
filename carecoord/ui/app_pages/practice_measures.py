import streamlit as st

from carecoord import clock, export, measures, team_charts
from carecoord.content.models import CapabilityInstrument, RelationalInstrument
from carecoord.measures import FEWER_THAN_MIN, MIN_RESPONDENTS, ThemeAnswer
from carecoord.people import LEAD
from carecoord.store import accounts, measures as measure_store
from carecoord.wording import count
from carecoord.ui import chart, content, session, tables
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.text import plain

run = session.page(LEAD)
me = run.person
library = content.library()
content.styles()

st.title("Practice measures")
practices = [p for p in accounts.practices_for(run.db, me) if p.id in me.practice_ids(LEAD)]
if not practices:
    st.info("You do not lead a practice yet.")
    st.stop()
if not library.instruments:
    st.error("No practice instruments could be loaded; ask an administrator to check Manage > Content.")
    st.stop()
practice = practices[0] if len(practices) == 1 else st.selectbox("Practice", practices, format_func=lambda p: p.name)
st.caption(f"{plain(practice.name)}: how well the practice is set up to coordinate care (capability self-assessment) "
           "and how well its disciplines work together (team survey), measured now and again and compared over time.")

instrument_id = st.segmented_control("Measure", [i.id for i in library.instruments], required=True,
                                     format_func=lambda i: library.instrument(i).title,
                                     default=library.instruments[0].id, key="measure_instrument")
instrument = library.instrument(instrument_id)
show_flash("measure")

with st.expander("About this measure, and how to use it"):
    st.caption(f"Modelled on: {instrument.modelled_on}")
    content.markdown(instrument.id, measure_store.instrument_hash(instrument), instrument.instructions)

history = measure_store.administrations(run.db, me, practice.id, instrument.id)
current = next((a for a in history if a.is_open), None)
today = run.now.date()


def finish(message: str) -> None:
    flash("measure", message)
    st.rerun()


# ---------------------------------------------------------------- open a new administration

if current is None:
    st.header("Start a new measurement")
    verb = "record the team's agreed answers" if isinstance(instrument, CapabilityInstrument) else \
        "everyone in the practice can answer it on their Surveys page until you close it"
    st.write(f"Open a measurement on the date it is given; then {verb}.")
    with st.form("open_administration"):
        errors = field_errors("open_administration")
        when = st.date_input("Date of the measurement", value=today, max_value=today, format=clock.DATE_INPUT_FORMAT)
        show_field_error(errors, "administered_on")
        show_field_error(errors)
        if st.form_submit_button("Open the measurement", type="primary"):
            with errors.catch():
                measure_store.open_administration(run.db, me, practice.id, instrument, when, run.now, today=today)
                flash("measure", f"Opened the {instrument.title.lower()} of {clock.day(when)}.")
            st.rerun()

# ---------------------------------------------------------------- record capability answers

elif isinstance(instrument, CapabilityInstrument):
    answers = measure_store.capability_answers(run.db, me, current.id)
    answered = sum(t.id in answers for t in instrument.themes)
    st.header(f"Recording the self-assessment of {clock.day(current.administered_on)}")
    st.progress(answered / len(instrument.themes), text=f"{answered} of {len(instrument.themes)} themes answered")
    st.caption("Record the single answer the team agreed for each theme: the highest level the practice meets at "
               "least in part, and whether it meets that level completely.")
    titles = {d.id: d.title for d in instrument.domains}
    if (move_to := st.session_state.pop("capability_next_domain", None)) in titles:
        st.session_state["capability_domain"] = move_to  # after saving a domain, on to the next one to answer
    domain_id = st.selectbox("Domain", list(titles), format_func=titles.get, key="capability_domain")
    domain = next(d for d in instrument.domains if d.id == domain_id)
    st.caption(f"{sum(t.id in answers for t in domain.themes)} of {len(domain.themes)} themes in this domain "
               "answered. Still to answer in: " + (", ".join(d.title for d in instrument.domains
                                                        if any(t.id not in answers for t in d.themes)) or "none"))
    with st.form(f"capability-{current.id}-{domain.id}"):
        errors = field_errors("capability")
        chosen = {}
        for theme in domain.themes:
            before = answers.get(theme.id)
            st.markdown(f"**{plain(theme.title)}**")
            level = st.radio("Level", [1, 2, 3, 4], key=f"cap-level-{current.id}-{theme.id}",
                             index=before.level - 1 if before else None,
                             format_func=lambda n, t=theme: f"Level {n}: {t.levels[n]}")
            extent = st.radio("Does the practice meet that level partly or completely?", ["partial", "complete"],
                              key=f"cap-extent-{current.id}-{theme.id}", horizontal=True,
                              index=(1 if before.complete else 0) if before else None)
            note = st.text_input("Evidence (optional)", value=before.note if before else "", max_chars=1000,
                                 key=f"cap-note-{current.id}-{theme.id}")
            show_field_error(errors, theme.id)
            chosen[theme.id] = (level, extent, note)
            st.divider()
        show_field_error(errors)
        if st.form_submit_button("Save this domain's answers", type="primary"):
            missing = [theme for theme in domain.themes if None in chosen[theme.id][:2]]
            if missing:
                errors.set(missing[0].id, f"Choose a level and partial or complete for {missing[0].title!r}.")
            else:
                with errors.catch():
                    measure_store.record_capability_answers(
                        run.db, me, current.id, instrument,
                        {tid: ThemeAnswer(level, extent == "complete", note) for tid, (level, extent, note)
                         in chosen.items()}, run.now)
                    flash("measure", f"Saved the answers for {plain(domain.title)}.")
                    answered_now = set(answers) | set(chosen)
                    st.session_state["capability_next_domain"] = next(
                        (d.id for d in instrument.domains if any(t.id not in answered_now for t in d.themes)),
                        domain.id)
            st.rerun()
    close_col, discard_col = st.columns(2)
    with close_col:
        errors = field_errors("close_capability")
        if st.button("Close and score", type="primary", disabled=answered < len(instrument.themes),
                     help="Every theme needs an answer first. Closed answers are final."):
            with errors.catch():
                measure_store.close_administration(run.db, me, current.id, instrument, run.now)
                finish("Closed the self-assessment; its scores are below.")
            st.rerun()
        show_field_error(errors)
    with discard_col, st.popover("Discard this measurement"):
        st.write(f"For one opened by mistake: the {answered} answers recorded so far are deleted.")
        if st.button("Yes, discard it", key="discard_capability"):
            measure_store.discard_administration(run.db, me, current.id, run.now)
            finish("Discarded the open self-assessment.")

# ---------------------------------------------------------------- survey in progress

else:
    respondents = measure_store.respondent_count(run.db, me, current.id)
    headcount = measure_store.practice_headcount(run.db, me, practice.id)
    st.header(f"Team survey of {clock.day(current.administered_on)}: open")
    answered_text = FEWER_THAN_MIN if respondents < MIN_RESPONDENTS else str(respondents)
    st.write(f"**{answered_text}** of the {headcount} people in the practice have answered. Everyone with a role "
             "in the practice, including team members you invited for surveys, answers on their *Surveys* page. "
             "Nobody, you included, sees anyone's answers; results appear when you close the survey.")
    close_col, discard_col = st.columns(2)
    with close_col:
        if st.button("Close the survey and see results", type="primary",
                     help="Once closed, nobody else can answer."):
            measure_store.close_administration(run.db, me, current.id, instrument, run.now)
            finish("Closed the survey; its results are below.")
    with discard_col:
        if respondents == 0 and st.button("Discard this survey", help="For one opened by mistake."):
            measure_store.discard_administration(run.db, me, current.id, run.now)
            finish("Discarded the open survey.")

# ---------------------------------------------------------------- results and trends

st.divider()
if isinstance(instrument, CapabilityInstrument):
    results = measure_store.capability_results(run.db, me, practice.id, instrument)
    st.header("Results")
    if not results:
        st.info("No self-assessment has been closed yet. Results and trends appear here after the first.")
        st.stop()
    latest_admin, latest = results[-1]
    previous = results[-2][1] if len(results) > 1 else None
    st.metric(f"Overall capability, {clock.day(latest_admin.administered_on)}", f"{latest.overall:.0f} of 100",
              delta=None if previous is None else f"{latest.overall - previous.overall:+.0f} since the previous")
    tables.wide_and_narrow("capability-results", ({
        "Domain": d.title, "Score (0-100)": round(d.percent),
        "Change since previous": None if previous is None else round(d.percent - previous.domain(d.id).percent),
    } for d in latest.domains), lambda row: {
        "Domain": row["Domain"], "Score (0-100)": str(row["Score (0-100)"]) + (
            "" if row["Change since previous"] is None else f" ({row['Change since previous']:+d})")})
    trend = [{"domain": d.title, "date": a.administered_on.isoformat(), "score": round(d.percent, 1)}
             for a, score in results for d in score.domains]
    trend += [{"domain": "Overall", "date": a.administered_on.isoformat(), "score": round(score.overall, 1)}
              for a, score in results]
    chart.show_fitted(team_charts.capability_trend_chart, trend, key="capability-trend",
                      domain_order=("Overall", *(d.title for d in instrument.domains)),
                      wide={"columns": 3, "panel_width": 190}, narrow={"columns": 1, "panel_width": 260})
    with st.expander("The trend as a table"):
        st.dataframe([{"Date": r["date"], "Domain": r["domain"], "Score": r["score"]} for r in trend], hide_index=True)
    st.caption("Scores: each theme's answer is worth 2 x level, less 1 if partial (1 to 8 points); a domain's score "
               "is (points - themes) / (7 x themes) x 100, so 0 is every theme at level 1 partial and 100 every theme "
               "at level 4 complete.")
    chosen_admin = st.selectbox("Answers of", [a for a, _ in reversed(results)],
                                format_func=lambda a: clock.day(a.administered_on))
    answers = measure_store.capability_answers(run.db, me, chosen_admin.id)
    tables.wide_and_narrow("capability-answers", ({
        "Domain": d.title, "Theme": t.title, "Level": answers[t.id].level if t.id in answers else None,
        "Partial or complete": ("complete" if answers[t.id].complete else "partial") if t.id in answers else "",
        "Points": measures.theme_points(answers[t.id].level, answers[t.id].complete) if t.id in answers else None,
        "Evidence": answers[t.id].note if t.id in answers else "",
    } for d in instrument.domains for t in d.themes), lambda row: {
        "Theme": row["Theme"], "Answer": "not answered" if row["Level"] is None
        else f"level {row['Level']}, {row['Partial or complete']} ({count(row['Points'], 'point')})",
        "Evidence": row["Evidence"]})
    csv_rows = []
    for a, score in results:
        given = measure_store.capability_answers(run.db, me, a.id)
        csv_rows.append({"Date": a.administered_on.isoformat(), "Domain": "Overall", "Theme": "",
                         "Score (0-100)": round(score.overall, 1)})
        for d in instrument.domains:
            csv_rows.append({"Date": a.administered_on.isoformat(), "Domain": d.title, "Theme": "",
                             "Score (0-100)": round(score.domain(d.id).percent, 1)})
            for t in d.themes:
                answer = given.get(t.id)
                csv_rows.append({"Date": a.administered_on.isoformat(), "Domain": d.title, "Theme": t.title,
                                 "Level": answer.level if answer else None,
                                 "Partial or complete": ("complete" if answer.complete else "partial")
                                 if answer else "",
                                 "Points": measures.theme_points(answer.level, answer.complete) if answer else None,
                                 "Evidence": answer.note if answer else ""})
    columns = ["Date", "Domain", "Theme", "Score (0-100)", "Level", "Partial or complete", "Points", "Evidence"]
    st.download_button("Download results (CSV)", export.to_csv(csv_rows, columns), icon=":material/download:",
                       file_name=f"{instrument.id}-{practice.id}.csv", mime="text/csv", on_click="ignore")

elif isinstance(instrument, RelationalInstrument):
    results = measure_store.relational_results(run.db, me, practice.id, instrument)
    st.header("Results")
    if not results:
        st.info("No survey has been closed yet. Results and trends appear here after the first.")
        st.stop()
    st.info("These results are for the team to talk about together, not to blame anyone: how disciplines work "
            "together depends mostly on systems (meeting time, shared records, clear roles). Nothing built from "
            "fewer than 3 respondents is shown, and nobody can see anyone's answers.", icon=":material/forum:")
    chosen_admin = st.selectbox("Survey of", [a for a, _ in reversed(results)],
                                format_func=lambda a: clock.day(a.administered_on))
    result = {a.id: r for a, r in results}[chosen_admin.id]
    st.caption(f"{result.respondents if result.respondents >= MIN_RESPONDENTS else FEWER_THAN_MIN} people answered.")
    index_col, comm_col, rel_col = st.columns(3)
    for column, label, value in ((index_col, "Relational coordination index", result.index),
                                 (comm_col, "Communication", result.communication),
                                 (rel_col, "Relationships", result.relationship)):
        column.metric(label, value.text(), help="1 to 5; " + (f"{measures.band(value.value)}" if value.shown
                                                             else "not shown: too few respondents"))
    disciplines = tuple(instrument.disciplines)
    cells = [{"from": c.from_discipline, "to": c.to_discipline, "score": round(c.tie.value, 2) if c.tie.shown else None,
              "label": f"{c.tie.value:.1f}" if c.tie.shown else "<3"} for c in result.cells]
    chart.show(team_charts.rc_matrix_chart, cells, title="How each discipline rates working with the others",
               width="content", disciplines=disciplines)
    st.caption("Each row is the discipline answering, each column the discipline they rated: the mean of the seven "
               "questions (1 to 5). Grey cells marked <3 had fewer than 3 respondents and are not shown. Blank: "
               "nobody rated that pair.")
    with st.expander("The matrix as a table"):
        def cell_text(frm: str, to: str) -> str:
            found = result.cell(frm, to)
            return "" if found is None else found.tie.text()

        st.dataframe([{"Rated by": frm, **{to: cell_text(frm, to) for to in disciplines}}
                      for frm in disciplines if any(c.from_discipline == frm for c in result.cells)], hide_index=True)
    st.subheader("How the other disciplines rate each discipline")
    st.table([{"Discipline": d.capitalize(), "Score (1-5)": shown.text(), "Reading": measures.band(shown.value)}
              for d, shown in result.rated_by_others.items()])
    st.subheader("By question")
    st.table([{"Question": dim.id.replace("_", " ").capitalize(), "Subscale": dim.subscale.capitalize(),
               "Score (1-5)": result.dimensions[dim.id].text()} for dim in instrument.dimensions])
    trend = []
    for a, r in results:
        for series, value in (("Index", r.index), ("Communication", r.communication), ("Relationship", r.relationship)):
            if value.shown:
                trend.append({"series": series, "date": a.administered_on.isoformat(), "score": round(value.value, 2)})
    if trend:
        chart.show(team_charts.rc_trend_chart, trend, width="content")
    with st.expander("The trend as a table"):
        st.dataframe([{"Date": a.administered_on.isoformat(), "Respondents": r.respondents
                       if r.respondents >= MIN_RESPONDENTS else FEWER_THAN_MIN, "Index": r.index.text(),
                       "Communication": r.communication.text(), "Relationship": r.relationship.text()}
                      for a, r in results], hide_index=True)
    csv_rows = []
    for a, r in results:
        day = a.administered_on.isoformat()
        for label, value in (("Index", r.index), ("Communication", r.communication), ("Relationship", r.relationship)):
            csv_rows.append({"Date": day, "Result": label, "Score (1-5)": None if value.value is None
                             else round(value.value, 3), "Shown": "yes" if value.shown else FEWER_THAN_MIN})
        for c in r.cells:
            csv_rows.append({"Date": day, "Result": "Tie", "Rated by": c.from_discipline,
                             "Discipline rated": c.to_discipline,
                             "Score (1-5)": round(c.tie.value, 3) if c.tie.shown else None,
                             "Shown": "yes" if c.tie.shown else FEWER_THAN_MIN})
    columns = ["Date", "Result", "Rated by", "Discipline rated", "Score (1-5)", "Shown"]
    st.download_button("Download results (CSV)", export.to_csv(csv_rows, columns), icon=":material/download:",
                       file_name=f"{instrument.id}-{practice.id}.csv", mime="text/csv", on_click="ignore")
