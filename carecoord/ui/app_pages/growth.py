import streamlit as st

from carecoord import charts, competency, evidence
from carecoord.limits import parse_id
from carecoord.people import LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts, assessments, cases, learning
from carecoord.ui import chart, content, evidence_widget, session
from carecoord.wording import count

run = session.page(TRAINEE, LEAD)
me = run.person
library = content.library()
framework = library.framework

st.title("Growth")
subject = me
asked = st.query_params.get("person")
asked_id = parse_id(asked)
if asked and asked_id is None:
    st.error("That link does not name a person: open Growth from the menu.")
    st.stop()
team = assessments.trainees_to_observe(run.db, me)
if team:
    choices = [me, *team]
    default = next((i for i, p in enumerate(choices) if p.id == asked_id), 0)
    subject = st.selectbox(f"Whose growth: yours, or one of the {count(len(team), 'trainee')} you lead", choices,
                           index=default, format_func=lambda p: "Me" if p.id == me.id else p.display_name)
elif asked_id is not None and asked_id != me.id:
    try:
        subject = accounts.view_person(run.db, me, asked_id)
    except PermissionDenied:
        st.error("You can only see your own growth.")
        st.stop()



def _level(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def show_evidence() -> None:
    """Lessons and case decisions beside the ratings, each with how it counted."""
    if framework is None:
        return
    st.header("Evidence from lessons and cases")
    evidence_widget.show(framework, evidence.by_competency(
        library, learning.progress(run.db, me, subject), learning.review_history(run.db, me, subject),
        cases.first_choices(run.db, me, subject)), key=f"evidence-{subject.id}")


history = assessments.domain_history(run.db, me, subject)
if not history or framework is None:
    if subject.id == me.id and team:
        st.info("You have no submitted assessments yet. Choose a trainee above to see their growth.")
    else:
        st.info("No submitted assessments yet. Growth appears here after the first self-assessment.")
    show_evidence()
    st.stop()

names = {d.code: d.name for d in framework.domains}
rows = [{"domain": names.get(p.domain, p.domain), "date": p.submitted_at.date().isoformat(), "level": p.mean_level,
         "rater": "Self" if p.rater_kind == competency.SELF else "Observer",
         "round": competency.round_label(p.round_months)} for p in history]
st.caption("Mean level per domain at each assessment (1 Novice to 5 Expert). Solid lines with circles are "
           "self-assessments; dashed lines with squares are observer ratings.")
chart.show_fitted(charts.growth_chart, rows, key="growth", title=f"{subject.display_name}: level by domain over time",
                  domain_order=tuple(d.name for d in framework.domains), wide={"columns": 3, "panel_width": 220},
                  narrow={"columns": 1, "panel_width": 250})

self_points = [p for p in history if p.rater_kind == competency.SELF]
if self_points:
    first_id, last_id = self_points[0].assessment_id, self_points[-1].assessment_id
    baseline = {p.domain: p.mean_level for p in self_points if p.assessment_id == first_id}
    latest = {p.domain: p.mean_level for p in self_points if p.assessment_id == last_id}
    observer = {}
    for p in history:
        if p.rater_kind == competency.OBSERVER:
            observer[p.domain] = p.mean_level
    st.header("First and latest self-assessment")
    compared = [{"Domain": names[d.code], "First": baseline.get(d.code), "Latest": latest.get(d.code),
                 "Change": round(latest[d.code] - baseline[d.code], 2) if d.code in latest and d.code in baseline
                 else None, "Latest observer": observer.get(d.code)} for d in framework.domains]
    with st.container(key="wide-first-and-latest"):
        st.dataframe(compared, hide_index=True)
    with st.container(key="narrow-first-and-latest"):  # a phone: a wrapping table, every figure in view
        st.table([{"Domain": row["Domain"],
                   "Self, first → latest": f"{_level(row['First'])} → {_level(row['Latest'])}",
                   "Observer": _level(row["Latest observer"])} for row in compared])

with st.expander("The chart as a table"):
    st.dataframe([{"Date": r["date"], "Round": r["round"], "Rated by": r["rater"], "Domain": r["domain"],
                   "Mean level": r["level"]} for r in rows], hide_index=True)

show_evidence()
