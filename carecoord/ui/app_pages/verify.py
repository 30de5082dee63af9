"""Anyone, signed in or not, checks a credential this installation issued (the router lets this page through)."""

import streamlit as st

from carecoord import badges, clock, public, published
from carecoord.ui import content, session
from carecoord.ui.text import plain

run = session.current()


st.title("Verify a credential")
st.write("Check an Open Badges credential that this programme issued: who issued it, that nobody has changed it "
         "since, that it is in date, and that it has not been revoked. You do not need an account.")
addresses = public.addresses()
if addresses is None:
    st.info("This installation does not issue credentials, so there is nothing here to check them against.")
    st.stop()

upload = st.file_uploader("The badge image (.png) or the credential file (.jwt)", type=["png", "jwt", "txt"])
pasted = st.text_area("Or paste the credential's text", max_chars=20_000, height=100)
if not st.button("Verify", type="primary"):
    st.stop()

try:
    token = badges.credential_text(upload.getvalue()) if upload is not None else pasted.strip()
except ValueError as error:
    st.error(f"That file cannot be read as a credential: {error}")
    st.stop()
if not token:
    st.error("Choose a badge image or a credential file, or paste the credential's text.")
    st.stop()

result = badges.verify(token, fetch_json=published.local_fetch(run.db, content.library()), now=run.now,
                       trusted_issuers={addresses.issuer})
if result.ok:
    document = result.credential
    achievement = document["credentialSubject"]["achievement"]
    holder = badges.holder_name(document)
    st.success(f"Valid: {plain(achievement['name'])}" + (f", awarded to {plain(holder)}" if holder else "")
               + f", issued by {plain(document['issuer'].get('name', ''))} on "
               f"{clock.day(clock.parse(document['validFrom']))}.", icon=":material/verified:")
else:
    st.error(f"Not valid: {plain(result.reason)}", icon=":material/gpp_bad:")
st.header("What was checked")
for name, passed, detail in result.checks:
    st.markdown(f"{':material/check:' if passed else ':material/close:'} **{plain(name)}**: {plain(detail)}")
