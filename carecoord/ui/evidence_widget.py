"""One competency's evidence from lessons and cases, each piece with how it counted (My competencies, Growth)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from carecoord import evidence
from carecoord.content.models import Framework
from carecoord.ui.text import plain, table_rows

EXPLAINED = ("A module counts when every lesson is done and every check was answered right at the first try or "
             "later in a review. A case decision counts by the option chosen the first time: strong in full, "
             "partial half, weak not at all. This evidence sits beside the ratings; it does not set a level.")


def show(framework: Framework, supporting: Mapping[str, evidence.CompetencyEvidence], key: str) -> None:
    st.caption(EXPLAINED)
    names = {c.code: f"{c.code} {c.name}" for c in framework.competencies}
    code = st.selectbox("Competency", list(names), format_func=names.get, key=key)
    found = supporting[code]
    if found.modules:
        st.dataframe(table_rows({"Module": f"{m.module.order}. {m.module.title}", "How it counted": m.how}
                                for m in found.modules), hide_index=True, width="stretch")
    else:
        st.caption("No module builds this competency yet.")
    if found.decisions:
        st.dataframe(table_rows({"Case": d.case.title, "Decision": d.decision.prompt, "Chosen": d.option.text,
                                 "How it counted": d.how} for d in found.decisions),
                     hide_index=True, width="stretch",
                     column_config={"Decision": st.column_config.TextColumn(width="medium"),
                                    "Chosen": st.column_config.TextColumn(width="medium")})
    else:
        st.caption(f"No case decision for {plain(code)} made yet.")
