import streamlit as st

from carecoord import cases as rules, clock, ordering
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.store import cases
from carecoord.ui import content, plan_draft, session, stories_widget
from carecoord.ui.text import plain

CASES = "carecoord/ui/app_pages/cases.py"
ALIGNMENT_BADGE = {"strong": ("Strong", "green"), "partial": ("Partial", "orange"), "weak": ("Weak", "red")}

run = session.page(TRAINEE, LEAD, FAMILY_FACULTY)
library = content.library()
case = library.case(st.query_params.get("case", ""))
if case is None or not case.phases:
    st.title("Case not found")
    st.page_link(CASES, label="Back to the cases", icon=":material/arrow_back:")
    st.stop()

content.styles()
st.page_link(CASES, label="All cases", icon=":material/arrow_back:")
attempt = cases.latest_attempt(run.db, run.person, case.id)


def save_reflection(attempt_id: int, phase_id: str, index: int, key: str) -> None:
    # A callback runs before the script: act for whoever this tab may act for now, not the last run's person.
    db, now, person = session.acting()
    if person is None:
        return
    phase = case.phase(phase_id)
    try:
        cases.save_reflection(db, person, attempt_id, phase, index, st.session_state[key], now)
        st.session_state[f"{key}-saved"] = f"Saved at {clock.moment(now, run.timezone)}"
    except cases.CaseError as error:
        st.session_state[f"{key}-saved"] = str(error)


def badge(alignment: str) -> None:
    label, colour = ALIGNMENT_BADGE[alignment]
    st.badge(f"{label} alignment", color=colour)


if attempt is None:
    st.title(plain(case.title))
    st.caption(f"{case.child} · {len(case.phases)} phases · about {case.minutes} minutes")
    st.write(case.family)
    if case.intro:
        content.markdown(case.id, case.content_hash, case.intro)
    st.markdown("**By the end you will be able to:**\n" + "\n".join(f"- {o}" for o in case.objectives))
    if st.button("Start the case", type="primary", icon=":material/play_arrow:"):
        cases.start_attempt(run.db, run.person, case, run.now)
        st.rerun()
    st.stop()

if attempt.completed:
    st.title(f"{plain(case.title)}: your summary")
    summary = rules.summarise(case, attempt.choices)
    st.caption(f"Finished on {clock.day(attempt.completed_at, run.timezone)} · {summary.decisions_made} decisions")
    strong, partial, weak = (summary.alignment_counts[a] for a in rules.ALIGNMENT_ORDER)
    left, middle, right = st.columns(3)
    left.metric("Strongly aligned choices", strong)
    middle.metric("Partly aligned", partial)
    right.metric("Weakly aligned", weak)
    if outcomes := rules.outcomes_for(case, attempt.choices):
        st.header("How things turned out")
        for text in outcomes:
            st.info(text, icon=":material/history:")
    st.header("Your choices")
    st.table([{"Phase": p.title, "Decision": d.prompt, "You chose": o.text, "Alignment": o.alignment.capitalize()}
              for p, d, o in rules.chosen_options(case, attempt.choices)])
    framework = library.framework
    st.header("Competencies these decisions evidence")
    st.write(", ".join(f"{code} {framework.competency(code).name}" if framework and framework.competency(code)
                       else code for code in summary.competencies))
    for phase_id, draft in attempt.plan_drafts.items():
        drafted_in = case.phase(phase_id)
        if drafted_in is None:
            continue
        st.header(f"Your plan for “{plain(drafted_in.title)}”")
        if (result := rules.compare(draft, rules.as_shown(case, drafted_in, attempt.choices).plan_of_care)):
            st.caption(f"It held {result.covered} of the team's {result.total} items, {result.partly} in part.")
        plan_draft.your_draft(draft)
    written = [(case.phase(pid), index, text) for (pid, index), text in attempt.reflections.items() if text.strip()]
    if written:
        st.header("Your reflections")
        for phase, index, text in written:
            st.markdown(f"**{plain(phase.title)}: {phase.reflections[index]}**")
            content.user_markdown(text)
    if st.button("Play the case again", icon=":material/replay:"):
        cases.start_attempt(run.db, run.person, case, run.now)
        st.rerun()
    st.stop()

phase = rules.resume_phase(case, attempt.phase_reached)
shown_phase = rules.as_shown(case, phase, attempt.choices)  # what earlier choices left: map, plan, options
number = case.phases.index(phase) + 1
st.caption(f"{plain(case.title)} · phase {number} of {len(case.phases)} · {case.child}, {phase.age} · "
           f"{phase.setting}")
st.title(plain(phase.title))
for text in rules.consequences_for(case, phase, attempt.choices):
    st.info(text, icon=":material/history:")
content.markdown(phase.id, phase.content_hash, phase.body)

before = rules.previous_phase(case, phase)
if before is not None:
    change = rules.map_change(rules.as_shown(case, before, attempt.choices).care_map, shown_phase.care_map)
    st.header("What changed since the last phase")
    if change.unchanged:
        st.write("The same people and services are around the family.")
    else:
        st.write(f"The care map went from {change.size_before} to {change.size_after} people and services.")
        if change.joined:
            st.markdown("**Joined:** " + "; ".join(change.joined))
        if change.left:
            st.markdown("**Left:** " + "; ".join(change.left))
        if change.sectors_added:
            st.markdown("**New sectors:** " + ", ".join(change.sectors_added))
        if change.sectors_gone:
            st.markdown("**Sectors no longer involved:** " + ", ".join(change.sectors_gone))

exercise_open = phase.map_exercise is not None and phase.id not in attempt.map_answers
if phase.map_exercise is not None:
    st.header("Care-map exercise")
    st.write(phase.map_exercise.prompt)
    if exercise_open:
        with st.form(f"map-{attempt.id}-{phase.id}"):
            picked = st.multiselect("Who belongs on the map now?", rules.map_exercise_choices(shown_phase),
                                    placeholder="Choose people and services")
            if st.form_submit_button("Check my map", type="primary"):
                try:
                    cases.answer_map_exercise(run.db, run.person, attempt.id, shown_phase, set(picked), run.now)
                    st.rerun()
                except cases.CaseError as error:
                    st.error(str(error))
        st.caption("The family's care map is shown once you have checked yours.")
    else:
        result = rules.mark_map_exercise(shown_phase, set(attempt.map_answers[phase.id]))
        st.write(f"You found {len(result.found)} of {len(result.found) + len(result.missed)} on the family's map.")
        if result.missed:
            st.markdown("**You left out:** " + "; ".join(result.missed))
        for label, why in result.wrong:
            st.markdown(f"**{label}** does not belong yet: {why}")

if not exercise_open:
    st.header("The care map")
    care_map = shown_phase.care_map
    present = [sector for sector in rules.SECTOR_LABELS if any(n.sector == sector for n in care_map.nodes)]
    shown = st.pills("Sectors on the map (fewer sectors, larger labels)", present, default=present,
                     selection_mode="multi", format_func=rules.SECTOR_LABELS.get, key=f"sectors-{phase.id}")
    if not shown:
        st.info("Choose at least one sector to draw the map.")
    else:
        st.graphviz_chart(rules.care_map_dot(rules.only_sectors(care_map, set(shown)), case.child))
    st.html(rules.sector_key_html(present))  # the colour key: constant sector names and colours only
    alone = rules.unlinked(care_map)
    st.caption(rules.alt_text(care_map, case.child) + " Thick lines are strong links, dashed orange lines "
               "strained ones and dotted red lines missing ones."
               + (f" Dashed boxes have no link to anyone yet ({'; '.join(alone)}): on the map, not yet working "
                  "with the others." if alone else ""))
    with st.expander("The care map as a table"):
        st.dataframe(rules.care_map_rows(care_map), hide_index=True)

    st.header("The shared plan of care")
    summary = shown_phase.plan_of_care.medical_summary
    st.markdown("\n".join(f"- **{label}:** {'; '.join(items) or 'none recorded'}" for label, items in
                          (("Diagnoses", summary.diagnoses), ("Medicines", summary.medications),
                           ("Allergies", summary.allergies), ("Equipment", summary.equipment))))
    if summary.emergency:
        st.warning(f"**In an emergency:** {summary.emergency}", icon=":material/emergency:")
    if shown_phase.plan_exercise is not None:
        plan_draft.show(run, attempt, shown_phase)
    else:
        plan_draft.team_plan_table(shown_phase)

    st.header("Your decisions")
    for decision, offered in zip(phase.decisions, shown_phase.decisions):
        with st.container(border=True):
            st.markdown(f"**{decision.prompt}**")
            chosen = decision.option(attempt.choices.get(decision.id, ""))
            if chosen is None:
                with st.form(f"decide-{attempt.id}-{decision.id}"):
                    shown = ordering.shown_order(run.person.id, decision.id, offered.options)
                    pick = st.radio("What do you do?", [o.id for o in shown], index=None,
                                    format_func=lambda oid, d=decision: d.option(oid).text, key=f"pick-{decision.id}")
                    if st.form_submit_button("Choose"):
                        if pick is None:
                            st.error("Choose one of the options first.")
                        else:
                            try:
                                cases.choose(run.db, run.person, attempt.id, phase, decision, pick, run.now, case)
                                st.rerun()
                            except cases.CaseError as error:
                                st.error(str(error))
            else:
                st.markdown(f"You chose: *{chosen.text}*")
                badge(chosen.alignment)
                st.write(chosen.feedback)
                with st.expander("The other options"):
                    for other in ordering.shown_order(run.person.id, decision.id, offered.options):
                        if other.id != chosen.id:
                            st.markdown(f"*{other.text}* ({other.alignment} alignment): {other.feedback}")

    if phase.reflections:
        st.header("Reflect")
        for index, prompt in enumerate(phase.reflections):
            key = f"reflect-{attempt.id}-{phase.id}-{index}"
            st.text_area(prompt, value=attempt.reflections.get((phase.id, index), ""), key=key,
                         max_chars=cases.MAX_REFLECTION_CHARS, on_change=save_reflection,
                         args=(attempt.id, phase.id, index, key))
            if saved := st.session_state.get(f"{key}-saved"):
                st.caption(saved)
        st.caption("Reflections are saved as you type, each time you click or tab away from the box.")

    stories_widget.for_phase(run, phase.id)

    done = rules.phase_done(phase, attempt.choices, attempt.plan_drafts)
    last = number == len(case.phases)
    label = "Finish the case" if last else f"Continue to phase {number + 1}"
    if st.button(label, type="primary", disabled=not done, icon=":material/arrow_forward:"):
        cases.advance(run.db, run.person, attempt.id, case, run.now)
        st.rerun()
    if not done:
        st.caption("Make every decision in this phase to continue." if phase.plan_exercise is None else
                   "Draft the plan, compare it with the team's and make every decision in this phase to continue.")
