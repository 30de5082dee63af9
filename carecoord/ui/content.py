"""The content library for pages: loaded once per change of the files, and safe Markdown display."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import streamlit as st

from carecoord.content import Framework, Library, content_root, fingerprint, load_library
from carecoord.content.render import render, render_cached

# Styles for rendered Markdown (callouts, tables) and for printing a page without navigation.
_STYLE = """<style>
.cc-md .markdown-alert { border-left: 4px solid #0B6E69; background: #F1F5F4; padding: .4rem 1rem;
  margin: 1rem 0; border-radius: 4px; }
.cc-md .markdown-alert-title { font-weight: 600; margin-bottom: .2rem; }
.cc-md .markdown-alert-warning, .cc-md .markdown-alert-caution { border-left-color: #B35900; background: #FFF6EC; }
.cc-md .markdown-alert-tip { border-left-color: #2A6FB0; background: #EEF4FA; }
.cc-md table { border-collapse: collapse; margin: .6rem 0; display: block; overflow-x: auto; }
.cc-md th, .cc-md td { border: 1px solid #C9D6D4; padding: .3rem .6rem; vertical-align: top; text-align: left;
  overflow-wrap: normal; hyphens: auto; min-width: 6.5rem; }  /* whole words; a wide table scrolls on a phone */
.cc-md { line-height: 1.6; max-width: 46rem; overflow-wrap: anywhere; }
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], .stButton { display: none !important; }
}
</style>"""


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(root: str, files_fingerprint: str) -> Library:
    library = load_library(Path(root))
    # The library and the modules imported so far live as long as the server: moved out of the
    # cyclic garbage collector's sight, its full passes no longer walk them on a page's run
    # (the readiness page's p95 under AppTest fell from 333 to about 230 ms).
    gc.freeze()
    return library


# Looking at every content file's size and time costs a few milliseconds (ten times that for a
# library ten times ours); a page runs on every click, so the files are looked at no more often than
# this, and an edit shows within that many seconds.
CHECK_EVERY_S = 2.0
_checked: dict[str, tuple[float, str]] = {}  # content root -> (when looked at, fingerprint)
_checked_lock = threading.Lock()


def library() -> Library:
    """The library for the current content files (reloaded only when a file changes)."""
    root = str(content_root())
    with _checked_lock:
        seen = _checked.get(root)
        if seen is None or time.monotonic() - seen[0] >= CHECK_EVERY_S:
            seen = _checked[root] = (time.monotonic(), fingerprint(Path(root)))
    return _load(root, seen[1])


def require_framework(library: Library) -> Framework:
    """The competency framework, or a message and the end of the page when it could not be loaded."""
    if library.framework is None:
        st.error("The competency framework could not be loaded; ask an administrator to check Manage > Content.")
        st.stop()
    return library.framework


# Drawn on every page by the router: captions dark enough for WCAG AA contrast (axe color-contrast);
# page sections are h2 and their parts h3 (axe heading-order), at sizes that keep the page calm.
BASE_STYLE = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4A5857 !important; opacity: 1 !important; }
[data-testid="stHeading"] h2 { font-size: 1.6rem; }
[data-testid="stHeading"] h3 { font-size: 1.3rem; }
/* A link in a page (a lesson, a search result) wraps instead of being cut off on a phone. */
[data-testid="stMain"] [data-testid="stPageLink-NavLink"] > span, [data-testid="stMain"] [data-testid="stPageLink-NavLink"] p {
  white-space: normal; }
/* A chart drawn twice by chart.show_fitted: the wide form on a laptop, the narrow one on a phone. */
@media (max-width: 640px) { [class*="st-key-wide-"] { display: none; } }
@media (min-width: 641px) { [class*="st-key-narrow-"] { display: none; } }
</style>"""


def styles() -> None:
    st.html(_STYLE)


def base_styles() -> None:
    st.html(BASE_STYLE)


def markdown(item_id: str, content_hash: str, text: str) -> None:
    """Show content Markdown (cached by id and hash)."""
    st.html(f'<div class="cc-md">{render_cached(item_id, content_hash, text)}</div>')


def user_markdown(text: str) -> None:
    """Show Markdown a person wrote: raw HTML escaped, unsafe links refused, size bounded."""
    try:
        html = render(text)
    except ValueError as error:
        st.error(str(error))
        return
    st.html(f'<div class="cc-md">{html}</div>')
