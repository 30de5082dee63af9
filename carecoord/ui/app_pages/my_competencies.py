import streamlit as st

from carecoord import clock, competency, evidence, readiness
from carecoord.people import LEAD, TRAINEE
from carecoord.store import assessments, cases, learning, observations
from carecoord.ui import content, evidence_widget, registry, session
from carecoord.ui.text import plain, table_rows


run = session.page(TRAINEE, LEAD)
LESSON_PAGE = registry.page(registry.LESSON)
me = run.person
library = content.library()

st.title("My competencies")
framework = content.require_framework(library)

standing = observations.standing(run.db, me, me, framework, run.now)
levels = standing.levels
target = competency.target_for(framework, me.roles)
progress = learning.progress(run.db, me, me)
supporting = evidence.by_competency(library, progress, learning.review_history(run.db, me, me),
                                    cases.first_choices(run.db, me, me))
rule = framework.achievement
st.write(f"Your target is **{target} {framework.levels[target - 1].name}** on every competency. "
         "A level is achieved when your lead signs it off; until then it is provisional, from observations and "
         "ratings of the last year (see *How levels are worked out* below).")
HOW_LEVELS_ARE_WORKED_OUT = (
    "- A level your lead has signed off counts (marked ✓), until the sign-off is withdrawn.\n"
    f"- Otherwise, when {competency.rule_sentence(rule)}, that level counts and waits for sign-off.\n"
    "- Otherwise the level is provisional, from ratings: an assessor's latest observation counts as an observer "
    "rating.\n"
    "- Only assessments from the last 12 months count; a corrected assessment is replaced by its correction.\n"
    "- With only self-ratings, your latest self-rating counts; with only observer ratings, the latest of those.\n"
    "- With both, your lead's observer rating counts unless your self-rating is more than 90 days newer; then "
    "your self-rating counts, but at most one level above the observer's.")
if not levels:
    # No evidence at all: say so once, with the one next step, instead of 31 empty gaps and blank tables.
    last = assessments.last_self_assessment(run.db, me)
    if last is None:
        st.info("You have not rated yourself yet. Start with a self-assessment against the framework; "
                "your levels, gaps and the modules that build them then appear here.", icon=":material/info:")
    else:
        st.info(f"Your last self-assessment, on {clock.day(last, run.timezone)}, is more than 12 months old, so it "
                "no longer counts. Rate yourself again; your levels, gaps and the modules that build them then "
                "appear here.", icon=":material/info:")
    st.page_link(registry.page(registry.SELF_ASSESSMENT), label="Start a self-assessment", icon=":material/edit_note:")
    with st.expander("How levels are worked out"):
        st.markdown(HOW_LEVELS_ARE_WORKED_OUT)
    st.stop()

st.header("By domain")
st.table([{"Domain": d.name, "At or above target": f"{d.at_target} of {d.total}",
           "Average level": "–" if d.mean_level is None else f"{d.mean_level:.1f}"}
          for d in competency.domain_summaries(framework, levels, target)])

gap_list = competency.gaps(library, levels, target)
st.header(f"Gaps to work on ({len(gap_list)})")
if not gap_list and levels:
    st.success("You are at or above target on every competency.")
for gap in gap_list:
    now_text = "no rating yet" if gap.level is None else f"now {gap.level}"
    with st.expander(f"{gap.code} {plain(gap.name)}: {now_text}, target {gap.target}"):
        if not gap.modules:
            st.write("No module builds this yet; talk with your lead.")
        for module in gap.modules:
            first = next((lesson for lesson in module.lessons if not progress.is_complete(lesson)), None)
            done, total = progress.counts(module)
            if first is None:
                st.write(f"{plain(module.title)}: complete ({done}/{total})")
            else:
                st.page_link(LESSON_PAGE, label=f"{plain(module.title)} ({done}/{total} lessons done)",
                             icon=":material/school:", query_params={"lesson": first.id})

SOURCE_LABELS = {"self": "your self-rating", "observer": "an observer's rating",
                 "self, capped by observer": "your self-rating, capped by an observer's",
                 "observations": "observations by several assessors, awaiting sign-off",
                 "signed off": "signed off by your lead"}


def _shown(level: int | None) -> str:
    return "–" if level is None else str(level)


st.header("Every competency")
rows = []
for domain in framework.domains:
    for item in domain.competencies:
        current = levels.get(item.code)
        rows.append({
            "Competency": f"{item.code} {item.name}",
            "Level now": readiness.level_label(current),
            "Target": target,
            "From": SOURCE_LABELS[current.source] if current else "no rating yet",
            "Self": _shown(current.self_level if current else None),
            "Observer": _shown(current.observer_level if current else None),
            "Lessons and cases": supporting[item.code].summary,
        })
# Seven columns on a laptop; on a phone, a wrapping table of the three a coordinator reads first.
with st.container(key="wide-every-competency"):
    st.caption("Hover over a cell to read it whole.")
    st.dataframe(rows, hide_index=True, column_config={"Competency": st.column_config.TextColumn(width="large"),
                                                       "Lessons and cases": st.column_config.TextColumn(width="medium")})
with st.container(key="narrow-every-competency"):
    st.table([{"Competency": row["Competency"], "Now / target": f"{row['Level now']} / {row['Target']}",
               "Lessons and cases": row["Lessons and cases"]} for row in rows])
with st.expander("How levels are worked out"):
    st.markdown(HOW_LEVELS_ARE_WORKED_OUT)

st.header("What each level rests on")
st.table(table_rows({"Competency": f"{item.code} {item.name}",
                     "Rests on": competency.rests_on(levels[item.code],
                                                     [o for o in standing.observed if o.code == item.code],
                                                     standing.sign_offs.get(item.code), rule, run.now.date())}
                    for item in framework.competencies if item.code in levels))
if registry.may_open(registry.MY_EVIDENCE, me):
    st.page_link(registry.page(registry.MY_EVIDENCE), label="Ask for an observation or add evidence",
                 icon=":material/visibility:")

st.header("Evidence from lessons and cases")
evidence_widget.show(framework, supporting, key="my-evidence")
