import streamlit as st

from carecoord import charts
from carecoord.people import LEAD
from carecoord.ui import chart, content, session, tables

run = session.page(LEAD)
library = content.library()

st.title("Curriculum map")
st.write("Which modules build which competencies, so you can see where coverage is thin.")
framework = content.require_framework(library)

rows = [{"module": f"{m.order}. {m.title}", "competency": c.code, "name": c.name,
         "domain": framework.domain_of(c.code).name, "builds": c.code in m.competencies}
        for m in library.modules for c in framework.competencies]
# 31 columns of cells cannot fit a phone: there the map is a wrapping list of the codes each module builds.
with st.container(key="wide-map"):
    chart.show(charts.curriculum_map_chart, rows)
    st.caption("Hover over a cell for the competency's name. The same map as a table:")
with st.container(key="narrow-map"):
    st.table([{"Module": f"{m.order}. {m.title}",
               "Builds": ", ".join(c.code for c in framework.competencies if c.code in m.competencies) or "–"}
              for m in library.modules])
with st.expander("The map as a table: what each module builds"):
    st.dataframe([{"Module": f"{m.order}. {m.title}",
                   "Builds": "; ".join(f"{c.code} {c.name}" for c in framework.competencies if c.code in m.competencies)
                   or "–"} for m in library.modules], hide_index=True,
                 column_config={"Builds": st.column_config.TextColumn(width="large")})

st.header("Coverage by competency")
coverage = [{"Competency": f"{c.code} {c.name}", "Domain": framework.domain_of(c.code).name,
             "Modules": len(library.modules_building(c.code)),
             "Which": "; ".join(m.title for m in library.modules_building(c.code))} for c in framework.competencies]
thin = [row for row in coverage if row["Modules"] <= 1]
if thin:
    st.warning("Thin coverage (built by one module or none): " + ", ".join(r["Competency"] for r in thin),
               icon=":material/warning:")
tables.wide_and_narrow("coverage", coverage, lambda row: {
    "Competency": row["Competency"], "Built by": f"{row['Modules']}: {row['Which']}" if row["Which"] else "none"})

st.header("Coverage by domain")
st.table([{"Domain": d.name, "Competencies": len(d.competencies),
           "Modules building any of them": sum(any(c.code in m.competencies for c in d.competencies)
                                               for m in library.modules)} for d in framework.domains])
