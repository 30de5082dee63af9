import streamlit as st

from carecoord import clock, competency, permissions, readiness
from carecoord.people import LEAD
from carecoord.store import observations
from carecoord.ui import content, session
from carecoord.ui.forms import field_errors, flash, show_field_error, show_flash
from carecoord.ui.observation_cards import competency_label, level_label, observation_card
from carecoord.ui.text import plain, table_rows

run = session.page(LEAD)
me = run.person
library = content.library()

st.title("Sign-off")
framework = content.require_framework(library)
show_flash("sign-off")
errors = field_errors("sign-off")
rule = framework.achievement
st.caption(f"A level is ready for sign-off when {competency.rule_sentence(rule)}. Your sign-off makes it count as "
           "achieved; until then every level is provisional.")

team = [p for p in observations.trainees_to_observe(run.db, me) if permissions.may_sign_off(me, p)]
if not team:
    st.info("There are no trainees in the practices you lead yet.")
    st.stop()
trainee = st.selectbox("Trainee", team, format_func=lambda p: p.display_name)
standing = observations.standing(run.db, me, trainee, framework, run.now)
levels = standing.levels
seen = observations.observations_of(run.db, me, trainee)
live = [o for o in seen if o.withdrawn_at is None]
records = observations.sign_offs_of(run.db, me, trainee)
signed = [s for s in records if s.withdrawn_at is None]

# ---------------------------------------------------------------- ready

ready = [(item, levels[item.code]) for item in framework.competencies
         if item.code in levels and levels[item.code].source == "observations"]
st.header("Ready for sign-off")
if not ready:
    st.caption(f"No competency of {plain(trainee.display_name)} meets the rule without a sign-off yet.")
else:
    rows = []
    for item, e in ready:
        found = competency.achieved_level([o for o in standing.observed if o.code == item.code], rule,
                                          run.now.date())
        rows.append({"Competency": competency_label(framework, item.code),
                     "Observations show": level_label(framework, e.level),
                     "Evidence": f"{len(found.counted)} observations by {found.assessors} assessors"})
    st.table(table_rows(rows))

# ---------------------------------------------------------------- sign off

st.header(f"Sign off a competency for {plain(trainee.display_name)}")
unsigned = [c.code for c in framework.competencies if c.code not in {s.code for s in signed}]
ready_codes = [item.code for item, _ in ready]
code = st.selectbox("Competency", unsigned, index=unsigned.index(ready_codes[0]) if ready_codes else 0,
                    format_func=lambda c: competency_label(framework, c), key=f"sign-code-{trainee.id}")
about = [o for o in live if code in o.levels]
if not about:
    st.caption("There are no observations of this competency to rest a sign-off on yet.")
else:
    shown = levels.get(code)
    with st.form("sign-off", border=False):
        level = st.selectbox("Level achieved", [1, 2, 3, 4, 5], format_func=lambda n: level_label(framework, n),
                             index=(shown.level - 1) if shown else 0)
        evidence = st.multiselect("The observations it rests on", about, default=about[:rule.min_observations],
                                  format_func=lambda o: f"{clock.day(o.observed_on)}, {o.assessor_name}: "
                                                        f"{level_label(framework, o.levels[code])}")
        show_field_error(errors, "evidence")
        rationale = st.text_area("Why you sign it off", max_chars=observations.RATIONALE_MAX, height=80,
                                 placeholder="What the observations show together, in a sentence or two")
        show_field_error(errors, "rationale")
        if st.form_submit_button("Sign off", type="primary"):
            with errors.catch():
                observations.sign_off(run.db, me, trainee, framework, run.now, code=code, level=level,
                                      rationale=rationale, evidence=[o.id for o in evidence])
                flash("sign-off", f"Signed off {code} at level {level} for {plain(trainee.display_name)}.")
            st.rerun()
    if shown is not None:
        st.caption(f"Level now: {level_label(framework, shown.level)}, {readiness.basis(shown)}."
                   + (f" Their self-rating: {shown.self_level}." if shown.self_level else ""))
    with st.expander(f"Every observation of {code} ({len(about)})"):
        for observation in about:
            observation_card(framework, observation, run.timezone, show_person=False)
show_field_error(errors)

# ---------------------------------------------------------------- signed

st.header("Signed off")
if not signed:
    st.caption(f"Nothing is signed off for {plain(trainee.display_name)} yet.")
else:
    st.table(table_rows({"Competency": competency_label(framework, s.code), "Level": level_label(framework, s.level),
                         "Signed off": f"{clock.day(s.signed_at, run.timezone)} by {s.signed_by_name}",
                         "Why": s.rationale} for s in signed))
    with st.expander("Withdraw a sign-off"):
        target = st.selectbox("Sign-off", signed, format_func=lambda s: f"{s.code} at level {s.level}")
        reason = st.text_input("Why it is withdrawn", max_chars=observations.RATIONALE_MAX, key="withdraw-sign-off")
        show_field_error(errors, "reason")
        if st.button("Withdraw the sign-off"):
            with errors.catch():
                observations.withdraw_sign_off(run.db, me, target.id, reason, run.now)
                flash("sign-off", f"Withdrew the sign-off of {target.code}. The level is provisional again.")
            st.rerun()
withdrawn = [s for s in records if s.withdrawn_at is not None]
if withdrawn:
    st.subheader("Withdrawn sign-offs")
    st.table(table_rows({"Competency": s.code, "Level": s.level,
                         "Withdrawn": clock.day(s.withdrawn_at, run.timezone), "Why": s.withdrawn_reason}
                        for s in withdrawn))
