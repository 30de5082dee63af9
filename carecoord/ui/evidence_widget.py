"""One competency's evidence from lessons and cases, each piece with how it counted (My competencies, Growth)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from carecoord import evidence
from carecoord.content.models import Framework
from carecoord.ui.text import table_rows

EXPLAINED = ("A module counts when every lesson is done and every check was answered right at the first try or "
             "later in a review. A case decision counts by the option chosen the first time: strong in full, "
             "partial half, weak not at all. This evidence sits beside the ratings; it does not set a level.")


def show(framework: Framework, supporting: Mapping[str, evidence.CompetencyEvidence], key: str) -> None:
    st.caption(EXPLAINED)
    names = {c.code: f"{c.code} {c.name}" for c in framework.competencies}
    code = st.selectbox("Competency", list(names), format_func=names.get, key=key)
    found = supporting[code]
    # Tables that wrap: on a phone, "how it counted" stays in view beside each piece.
    if found.modules:
        st.table(table_rows({"Module": f"{m.module.order}. {m.module.title}", "How it counted": m.how}
                            for m in found.modules))
    else:
        st.caption("No module builds this competency yet.")
    if found.decisions:
        st.table(table_rows({"Case and phase": f"{d.phase.title} ({d.case.title})", "Chosen": d.option.text,
                             "How it counted": d.how} for d in found.decisions))
    else:
        st.caption("No case decision made so far evidences this competency.")
