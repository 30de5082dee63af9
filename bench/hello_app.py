"""The hello-world baseline for `bench.browser`: two one-line pages in Streamlit's own sidebar navigation.

Served exactly as the app is (`streamlit run`, same flags, same folder and so the same .streamlit/config.toml).
Two pages rather than one so that a sidebar click has a hello-world counterpart taking the same path as the
app's sidebar links: a client-side page switch that reruns the script for another page of `st.navigation`
(a rerun button would time a widget-triggered rerun of the same page instead).
"""

import streamlit as st

st.navigation([st.Page(lambda: st.write("Hello world"), title="Hello", url_path="hello", default=True),
               st.Page(lambda: st.write("Hello world"), title="World", url_path="world")]).run()
