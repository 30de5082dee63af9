"""How observations, requests and sign-offs are drawn wherever they appear (trainee, assessor, lead)."""

from __future__ import annotations

import streamlit as st

from carecoord import clock
from carecoord.content.models import Framework
from carecoord.store.observations import Observation, Request, REQUEST_STATUS_LABELS
from carecoord.ui.text import plain


def competency_label(framework: Framework, code: str) -> str:
    item = framework.competency(code)
    return f"{code} {item.name}" if item else code


def level_label(framework: Framework, level: int) -> str:
    return f"{level} {framework.levels[level - 1].name}"


def observation_card(framework: Framework, observation: Observation, timezone: str, *, show_person: bool,
                     show_assessor: bool = True) -> None:
    """One observation as a bordered card: when, where, who, the levels, what was seen and what next."""
    with st.container(border=True):
        who = []
        if show_person:
            who.append(plain(observation.person_name))
        if show_assessor:
            who.append(f"observed by {plain(observation.assessor_name)} ({observation.assessor_as.lower()})")
        st.markdown(f"**{clock.day(observation.observed_on)}** · {plain(observation.setting)}"
                    + (" · " + ", ".join(who) if who else ""))
        for code, level in observation.levels.items():
            st.markdown(f"- {plain(competency_label(framework, code))}: **{level_label(framework, level)}**")
        st.markdown(f"**What was seen:** {plain(observation.what_seen)}")
        st.markdown(f"**One thing to do next:** {plain(observation.next_step)}")
        if observation.withdrawn_at:
            st.caption(f"Withdrawn on {clock.day(observation.withdrawn_at, timezone)}: "
                       f"{plain(observation.withdrawn_reason)}. It no longer counts.")


def request_line(framework: Framework, request: Request, now, timezone: str, *, for_assessor: bool) -> str:
    """A request in one line of Markdown."""
    who = plain(request.person_name) if for_assessor else plain(request.assessor_name)
    what = "; ".join(plain(competency_label(framework, code)) for code in request.codes)
    kind = "a review of portfolio evidence" if request.portfolio_item_id else "an observation"
    asked = clock.day(request.created_at, timezone)
    if for_assessor:
        return f"**{who}** asked on {asked} for {kind}: {what}"
    return f"**{REQUEST_STATUS_LABELS[request.state(now)]}**: asked {who} on {asked} for {kind} of {what}"
