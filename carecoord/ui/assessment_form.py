"""The domain-by-domain assessment form, shared by self-assessment and observer rating."""

from __future__ import annotations

import streamlit as st

from carecoord import competency
from carecoord.content.models import Library
from carecoord.people import Person
from carecoord.store import assessments
from carecoord.ui import session
from carecoord.ui.forms import field_errors, flash, show_field_error
from carecoord.ui.text import plain

SUBMITTED = {competency.SELF: "Assessment submitted. See where you stand on My competencies and My growth.",
             competency.OBSERVER: "Observer rating submitted."}


def level_name(library: Library, level: int) -> str:
    return f"{level} {library.framework.levels[level - 1].name}"


def stepper(run: session.Run, library: Library, subject: Person, rater_kind: str,
            compare: dict[str, competency.Effective] | None = None) -> None:
    """Draw the step the draft is on; every "Save and next domain" is saved at once."""
    framework = library.framework
    draft = assessments.open_draft(run.db, run.person, subject, rater_kind, framework, run.now)
    domains = framework.domains
    step = min(draft.step, len(domains))
    if draft.supersedes_id:
        st.info("You are correcting an earlier assessment: it keeps its round, and this one replaces it.")
    st.progress(step / len(domains), text=f"Step {min(step + 1, len(domains))} of {len(domains)}"
                if step < len(domains) else "Review and submit")
    if step < len(domains):
        _domain_step(run, library, draft, step, compare)
    else:
        _review(run, library, draft, subject)


def _domain_step(run, library, draft, step, compare) -> None:
    domain = library.framework.domains[step]
    st.header(plain(domain.name))
    if domain.description:
        st.caption(domain.description)
    errors = field_errors(f"assessment-{draft.id}")
    with st.form(f"domain-{draft.id}-{domain.code}"):
        answers: dict[str, tuple] = {}
        for item in domain.competencies:
            st.markdown(f"**{item.code} · {item.name}**")
            if item.description:
                st.caption(item.description)
            with st.expander("What each level looks like"):
                for level, anchor in sorted(item.anchors.items()):
                    st.markdown(f"**{level_name(library, level)}.** {anchor}")
            if compare is not None:
                _calibration_hint(library, compare.get(item.code))
            saved = draft.answers.get(item.code)
            level = st.radio(f"Level for {item.code}", [1, 2, 3, 4, 5], horizontal=True,
                             index=saved.level - 1 if saved else None, key=f"lvl-{draft.id}-{item.code}",
                             format_func=lambda lv: level_name(library, lv))
            # An observer says what they saw, in observer wording, and chooses it (no default to agree with).
            kinds = competency.evidence_kinds(draft.rater_kind)
            observer = draft.rater_kind == competency.OBSERVER
            evidence = st.selectbox(f"What you saw for {item.code}" if observer else f"Evidence for {item.code}",
                                    list(kinds), index=list(kinds).index(saved.evidence_kind) if saved else
                                    (None if observer else 0), placeholder="Choose what you saw",
                                    format_func=kinds.get, key=f"ev-{draft.id}-{item.code}")
            note = st.text_area(f"Evidence note for {item.code} (optional)", value=saved.note if saved else "",
                                max_chars=competency.MAX_NOTE_CHARS, key=f"note-{draft.id}-{item.code}", height=80)
            show_field_error(errors, item.code)
            answers[item.code] = (level, evidence, note)
            st.divider()
        show_field_error(errors)
        back, forward = st.columns(2)
        go_back = back.form_submit_button("Back", disabled=step == 0)
        save = forward.form_submit_button("Save and next domain", type="primary")
    if go_back:
        assessments.go_to_step(run.db, run.person, draft.id, step - 1)
        st.rerun()
    if save:
        unanswered = [code for code, (level, _, _) in answers.items() if level is None]
        unseen = [code for code, (_, evidence, _) in answers.items() if evidence is None]
        if unanswered:
            errors.set(unanswered[0], f"Choose a level for {unanswered[0]} before saving this domain.")
        elif unseen:
            errors.set(unseen[0], f"Choose what you saw for {unseen[0]} before saving this domain.")
        else:
            with errors.catch():
                assessments.save_step(
                    run.db, run.person, draft.id, library.framework.domains[step],
                    {code: assessments.Answer(level, evidence, note or "")
                     for code, (level, evidence, note) in answers.items()}, step + 1)
        st.rerun()


def _calibration_hint(library: Library, theirs: competency.Effective | None) -> None:
    if theirs is None or theirs.self_level is None:
        st.caption("No recent self-rating to compare with.")
    else:
        st.caption(f"Their latest self-rating: {level_name(library, theirs.self_level)}.")


def _review(run, library, draft, subject) -> None:
    st.header("Review and submit")
    st.write("Check your answers. Once submitted, an assessment is dated and cannot be changed; "
             "a mistake is put right by a correction that replaces it.")
    rows = []
    for domain in library.framework.domains:
        for item in domain.competencies:
            answer = draft.answers.get(item.code)
            rows.append({"Domain": domain.name, "Competency": f"{item.code} {item.name}",
                         "Level": level_name(library, answer.level) if answer else "not rated",
                         "Evidence": competency.evidence_kinds(draft.rater_kind)[answer.evidence_kind].split(" (")[0]
                         if answer else "–"})
    st.dataframe(rows, hide_index=True)
    errors = field_errors(f"submit-{draft.id}")
    show_field_error(errors)
    back, submit = st.columns(2)
    if back.button("Back to the last domain"):
        assessments.go_to_step(run.db, run.person, draft.id, len(library.framework.domains) - 1)
        st.rerun()
    if submit.button("Submit assessment", type="primary"):
        with errors.catch():
            assessments.submit(run.db, run.person, draft.id, library.framework, subject, run.now)
            flash("assessment", SUBMITTED[draft.rater_kind])
        st.rerun()
