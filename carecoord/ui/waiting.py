"""The short "Waiting for you" list at the top of each role's landing page.

One line per kind of work that waits for this person, each a link to where it is done; what waits
is worked out by carecoord.waiting (the same list `carecoord remind` mails). Nothing waiting: one
line that says so.
"""

from __future__ import annotations

import streamlit as st

from carecoord import waiting
from carecoord.ui import content, registry, session


def items(run: session.Run) -> list[waiting.Waiting]:
    """What waits for the signed-in person now, most pressing first, linking only to pages they may open."""
    found = waiting.items(run.db, run.person, content.library(), run.now, run.timezone)
    return [item for item in found if registry.may_open(item.page, run.person)]


def show_on_landing(run: session.Run, page: str) -> None:
    """The list, under its heading, when `page` is where this person lands; one line when nothing waits."""
    if registry.landing_for(run.person) != page:
        return
    found = items(run)
    st.header("Waiting for you", anchor=False)
    if not found:
        st.caption("Nothing is waiting for you right now.")
        return
    for item in found:
        st.page_link(registry.page(item.page), label=item.text, icon=item.icon)
