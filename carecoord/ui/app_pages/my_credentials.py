"""The learner's credentials: what they have earned, and the signed badge to carry to another employer."""

import json

import streamlit as st

from carecoord import badges, clock, credentials, public
from carecoord.store import credentials as held
from carecoord.ui import content, session
from carecoord.ui.registry import LEARNERS
from carecoord.ui.text import plain


@st.cache_data(show_spinner=False, max_entries=256)
def baked_badge(title: str, token: str) -> bytes:
    """The badge image with the credential inside: the same for the same credential, so drawn once."""
    return badges.bake_png(badges.badge_png(title), token)


run = session.page(*LEARNERS)
me = run.person
library = content.library()

st.title("My credentials")
st.write("A credential is a signed record of something you achieved here, in the Open Badges format that "
         "other employers and learning systems read: a module you completed with every check right (at the "
         "first try or later in a review), and each competency level a lead signed off.")
# Catch up on anything earned while signing was off, or before this page existed.
held.award_modules(run.db, me, library, run.now)
held.issue_waiting(run.db, library, run.now, person_id=me.id)
mine = held.credentials_of(run.db, me, me)
if not mine:
    st.info("Nothing yet. Complete a module with every check right, or have a competency signed off, and it "
            "appears here.")
    st.stop()
if not held.can_issue():
    st.caption("This installation cannot sign credentials yet, so what you have earned is listed here and will be "
               "signed as soon as an administrator sets it up.")

for item in mine:
    name = credentials.title(item.kind, item.achievement_key, library)
    with st.container(border=True):
        st.markdown(f"**{plain(name)}**")
        if item.revoked_at:
            st.caption(f"Earned {clock.day(item.earned_at, run.timezone)}; revoked {clock.day(item.revoked_at, run.timezone)}: "
                       f"{plain(item.revoked_reason)}")
            continue
        if not item.issued or item.token is None:
            st.caption(f"Earned {clock.day(item.earned_at, run.timezone)}; waiting to be signed.")
            continue
        st.caption(f"Earned {clock.day(item.earned_at, run.timezone)}; signed {clock.day(item.issued_at, run.timezone)}.")
        stem = f"carecoord-{item.achievement_key.replace('/', '-level-')}"
        badge, jwt, readable = st.columns(3)
        badge.download_button("Badge image", baked_badge(name, item.token), f"{stem}.png", "image/png",
                              key=f"png-{item.id}", icon=":material/image:")
        jwt.download_button("Credential file", item.token, f"{stem}.jwt", "application/jwt", key=f"jwt-{item.id}",
                            icon=":material/key:")
        readable.download_button("What it says (JSON)", json.dumps(badges.unverified_claims(item.token), indent=2),
                                 f"{stem}.json", "application/json", key=f"json-{item.id}",
                                 icon=":material/data_object:")

if (addresses := public.addresses()) is not None:
    st.caption(f"Anyone can check a credential at {addresses.verify_page}, or with `carecoord verify FILE`. The "
               "badge image and the credential file carry the same signed credential; the JSON is a readable copy "
               "that cannot be verified on its own.")
