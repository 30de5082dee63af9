"""A knowledge check drawn inside a form, and its feedback: shared by the lesson page and the review."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from carecoord import learning
from carecoord.content.models import Check, Choice


def inputs(heading: str, check: Check, shown: Sequence[Choice], recorded: frozenset[str], key: str
           ) -> tuple[frozenset[str], bool]:
    """The prompt, the choices in the order shown and the send button; call inside `st.form`.
    Returns the choices ticked and whether they were sent. The boxes start at `recorded`."""
    st.markdown(f"**{heading}**")
    if check.multiple:
        st.caption("Choose every answer that applies.")
        ticked = {choice.id: st.checkbox(choice.text, value=choice.id in recorded, key=f"{key}-{choice.id}")
                  for choice in shown}
        chosen = frozenset(choice_id for choice_id, on in ticked.items() if on)
    else:
        ids = [choice.id for choice in shown]
        picked = st.radio("Your answer", ids, index=next((ids.index(i) for i in recorded if i in ids), None),
                          key=f"{key}-radio", format_func=lambda i: check.choice(i).text,
                          label_visibility="collapsed")
        chosen = frozenset() if picked is None else frozenset({picked})
    return chosen, st.form_submit_button("Check answer")


def feedback(check: Check, chosen: frozenset[str], shown: Sequence[Choice], wrong: str) -> learning.CheckResult:
    """Right or not, then every choice's feedback in the order shown."""
    result = learning.mark(check, chosen, tuple(c.id for c in shown))
    if result.correct:
        st.success("Right.", icon=":material/check_circle:")
    else:
        st.warning(wrong, icon=":material/info:")
    for text, correct, note in result.feedback:
        st.markdown(f"{'✓' if correct else '✗'} *{text}* — {note}")
    return result
