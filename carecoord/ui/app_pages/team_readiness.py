import streamlit as st

from carecoord import clock, competency, export, readiness, team_charts
from carecoord.content.models import CapabilityInstrument
from carecoord.people import LEAD
from carecoord.store import accounts, measures as measure_store, readiness as readiness_store
from carecoord.ui import chart, content, registry, session, waiting, tables
from carecoord.ui.text import plain, table_rows

run = session.page(LEAD)
me = run.person
library = content.library()
content.styles()  # includes the print style that leaves the navigation out

st.title("Team readiness")
waiting.show_on_landing(run, registry.TEAM_READINESS)
framework = content.require_framework(library)
practices = [p for p in accounts.practices_for(run.db, me) if p.id in me.practice_ids(LEAD)]
if not practices:
    st.info("You do not lead a practice yet.")
    st.stop()
practice = practices[0] if len(practices) == 1 else st.selectbox("Practice", practices, format_func=lambda p: p.name)

members = readiness_store.team_members(run.db, me, practice.id, framework)
if not members:
    st.info(f"{plain(practice.name)} has no care coordinators or leads yet. Add them on the People page.")
    st.stop()
levels = readiness_store.team_levels(run.db, me, practice.id, run.now, framework)
targets = sorted({m.target for m in members})
st.write(
    f"**{plain(practice.name)}**: {len(members)} care coordinators and leads, each at their level now against the "
    "target for their role (the level their own *My competencies* page shows): "
    + ", ".join(f"{t} {framework.levels[t - 1].name}" for t in targets) + "."
)
st.caption(f"As of {clock.day(run.now, run.timezone)}. To print this page, use your browser's Print command: the navigation "
           "is left out of the printout.")

# ---------------------------------------------------------------- heatmap

view = st.segmented_control("Show", ["By competency", "By domain"], default="By competency", required=True,
                            key="readiness_view")
cells, table = [], []
if view == "By domain":
    for member in members:
        mine = levels.get(member.id, {})
        row = {"Person": member.name, "Target": member.target}
        for domain in framework.domains:
            value = readiness.domain_mean(domain, mine)
            state = readiness.status(value, member.target)
            cells.append({"person": member.name, "column": domain.code, "status": state, "target": member.target,
                          "label": "–" if value is None else f"{value:.1f}",
                          "detail": f"{domain.name}: " + ("not enough evidence" if value is None
                                                          else f"mean level {value:.1f}")})
            row[domain.name] = "–" if value is None else f"{value:.1f}"
        table.append(row)
    columns, column_title = framework.domains, "Domain (mean level)"
    st.caption("Domains: " + " · ".join(f"**{d.code}** {d.name}" for d in framework.domains))
else:
    for member in members:
        mine = levels.get(member.id, {})
        row = {"Person": member.name, "Target": member.target}
        for item in framework.competencies:
            current = mine.get(item.code)
            state = readiness.status(current.level if current else None, member.target)
            label = readiness.level_label(current)
            cells.append({"person": member.name, "column": item.code, "status": state, "target": member.target,
                          "label": label,
                          "detail": f"{item.code} {item.name}: " + (f"{current.level} ({readiness.basis(current)})"
                                                                    if current else "not enough evidence")})
            row[item.code] = label
        table.append(row)
    columns, column_title = framework.competencies, "Competency"
with st.container(key="wide-heatmap"):
    chart.show(team_charts.readiness_heatmap, cells, title=f"Team readiness {view.lower()}", width="content",
               column_title=column_title, many_columns=len(columns) > 12)
    st.caption("Each cell is a person's level now against the target for their role: blue above target, green at "
               "target, orange up to one level below, red more than one level below, grey *not enough evidence* (no "
               "self-assessment or observer rating in the last 12 months). A dash means not enough evidence. "
               "A level with ✓ is signed off by a lead; every other level is provisional. Hover "
               "over a cell for the competency's name.")
with st.container(key="narrow-heatmap"):  # 31 columns do not fit a phone: one row per person instead
    st.table(table_rows(readiness.person_summaries(framework, members, levels)))
    st.caption("A dash means not enough evidence; ✓ marks a level a lead has signed off. The whole grid is in the "
               "table below, and on a wider screen.")
signed = sum(e.signed_off for mine in levels.values() for e in mine.values())
shown_levels = sum(len(mine) for mine in levels.values())
st.caption(f"Signed off: {signed} of the {shown_levels} levels shown. Leads sign levels off on the Sign-off page "
           "once observations by several assessors show them.")
with st.expander("The heatmap as a table"):
    st.dataframe(table_rows(table), hide_index=True)

# Made when the button is pressed, not on every run of the page.
st.download_button("Download readiness (CSV)", lambda: export.to_csv(readiness.export_rows(framework, members, levels)),
                   icon=":material/download:",
                   file_name=f"team-readiness-{run.now:%Y-%m-%d}.csv", mime="text/csv", on_click="ignore")

# ---------------------------------------------------------------- by domain

by_domain = readiness.domain_readiness(library, members, levels)
st.header("By domain: who is at target and what builds it")
st.caption("A person is at target in a domain when the mean of their levels on its competencies reaches their "
           "target. People without enough evidence count as not yet at target.")
tables.wide_and_narrow(
    "by-domain", ({"Domain": d.name, "At or above target now": d.text, "Below target": len(d.below) - d.without_evidence,
                  "Not enough evidence": d.without_evidence} for d in by_domain),
    lambda row: {"Domain": row["Domain"], "At or above target now": row["At or above target now"],
                 "Below / not enough evidence": f"{row['Below target']} / {row['Not enough evidence']}"})
st.write("**Who is below target, and the modules that build the domain**")
for d in by_domain:
    if not d.below:
        continue
    with st.expander(f"{d.name}: {len(d.below)} not yet at target"):
        people_col, modules_col = st.columns(2)
        people_col.markdown("\n".join(f"- {plain(m.name)}: " + ("not enough evidence" if v is None
                                                                 else f"mean {v:.1f}, target {m.target}")
                                       for m, v in d.below))
        modules_col.markdown("\n".join(f"- {plain(m.title)}" for m in d.modules)
                             or "No module builds this domain yet.")

# ---------------------------------------------------------------- over rounds

st.header("Team growth over rounds")
points = readiness_store.round_points(run.db, me, practice.id, members, run.now)
shares = readiness.growth_by_round(framework, points)
shown = [s for s in shares if s.share is not None]
if not shares:
    st.info("Growth appears here once team members have submitted self-assessments.")
else:
    st.caption("Of the people assessed in each round (baseline, 3, 6, 9, 12 months after they started), the share "
               "at or above target in each domain, using each person's level at the end of that round. Each point "
               "says how many people it holds; rounds with fewer than 3 people assessed are not shown.")
    if shown:
        chart.show_fitted(team_charts.share_by_round_chart,
                          [{"domain": s.domain_name, "round": competency.round_label(s.round_months),
                            "round_months": s.round_months, "share": round(100 * s.share, 1), "text": s.text,
                            "people": s.people} for s in shown],
                          key="share-by-round", domain_order=tuple(d.name for d in framework.domains),
                          wide={"columns": 3, "panel_width": 240}, narrow={"columns": 1, "panel_width": 260})
    with st.expander("Growth over rounds as a table"):
        st.dataframe([{"Round": competency.round_label(s.round_months), "Domain": s.domain_name,
                       "People assessed": s.people,
                       "At or above target": s.text if s.share is not None else "fewer than 3 assessed"}
                      for s in shares], hide_index=True)

# ---------------------------------------------------------------- calibration

st.header("Self and observer calibration")
person_calibration, domain_calibration = readiness.calibration(framework, members, levels)
compared = [p for p in person_calibration if p.compared]
if not compared:
    st.info("No one has both a self-rating and an observer rating yet. Rate a trainee to compare.")
else:
    st.caption("Self minus observer over the competencies where a person has both: above zero, they rate "
               "themselves higher than observed. Large differences are worth a conversation, not a verdict.")
    tables.wide_and_narrow(
        "calibration", ({"Person": p.member.name, "Competencies compared": p.compared,
                         "Self minus observer": round(p.mean_difference, 2), "Reading": p.reading} for p in compared),
        lambda row: {"Person": row["Person"],
                     "Self minus observer": f"{row['Self minus observer']:+.2f}: {row['Reading']}"})
    if unobserved := [plain(p.member.name) for p in person_calibration if not p.compared]:
        st.caption("No observer rating in the last 12 months yet: " + ", ".join(unobserved) + ".")
    st.table([{"Domain": d.name, "People compared": d.people if d.people >= 3 else "fewer than 3",
               "Mean self minus observer": "fewer than 3" if d.mean_difference is None
               else f"{d.mean_difference:+.2f}"} for d in domain_calibration])

# ---------------------------------------------------------------- people and system gaps

st.header("People gaps and system gaps")
capability = next((i for i in library.instruments if isinstance(i, CapabilityInstrument)), None)
latest = None
if capability is not None:
    results = measure_store.capability_results(run.db, me, practice.id, capability)
    latest = results[-1] if results else None
if latest is None:
    st.info("No practice capability self-assessment has been closed yet; record one on the Practice measures page "
            "to see which gaps are in the practice's systems.")
titles = {d.id: d.title for d in capability.domains} if capability else {}
gaps = readiness.people_and_system_gaps(by_domain, latest[1] if latest else None, titles)
st.caption("Each competency domain (people) beside the practice capability domain that supports it (systems"
           + (f", self-assessment of {clock.day(latest[0].administered_on)}" if latest else "")
           + f"). A people gap: under {round(100 * readiness.PEOPLE_GAP_BELOW)}% of the team at target. A system "
           f"gap: the capability score is under {readiness.SYSTEM_GAP_BELOW:.0f} of 100.")
# Tables that wrap, so no column hides off the right edge: five columns on a laptop, three on a phone
# (five do not fit 390 px, and a table that scrolls sideways is a region a keyboard cannot reach).
with st.container(key="wide-gaps"):
    st.table(readiness.gap_rows(gaps))
with st.container(key="narrow-gaps"):
    st.table(readiness.gap_rows(gaps, narrow=True))
