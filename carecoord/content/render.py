"""Markdown to safe HTML, for lessons and for anything people write.

Raw HTML is escaped, never passed through. Links may go only to http(s) and mailto addresses;
`javascript:`, `vbscript:`, `data:`, `file:` and every other scheme come out as plain text.
Content (lessons, cases, instruments) is trusted and may also link within the app (a relative path
or an #anchor); text people write may not, so a link in a story always shows where it goes.

Images: a remote image would make every reader's browser call another server when the page opens,
so content shows only images from the app's own server (a relative path) and the alt text for any
other; text people write shows no images at all, only their alt text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

MAX_RENDER_CHARS = 200_000
# markdown-it checks every link and image address, after normalising it (percent-encoding), here.
_WEB_OR_MAIL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# A relative path or in-page anchor: no scheme before the first / ? #, and not //host (another server).
_IN_APP = re.compile(r"^(#|/(?!/)|\./|\.\./|[^:/?#]+($|[/?#]))")


def _user_link(url: str) -> bool:
    return bool(_WEB_OR_MAIL.match(url))


def _content_link(url: str) -> bool:
    return bool(_WEB_OR_MAIL.match(url) or _IN_APP.match(url))


def _alt_text(self, tokens, idx, options, env) -> str:
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _local_image(self, tokens, idx, options, env) -> str:
    if _IN_APP.match(str(tokens[idx].attrGet("src") or "")):
        return self.image(tokens, idx, options, env)
    return _alt_text(self, tokens, idx, options, env)


def _scrollable_table(self, tokens, idx, options, env) -> str:
    # A table wider than a phone scrolls sideways (the styles), so the keyboard must be able to reach it.
    tokens[idx].attrSet("tabindex", "0")
    return self.renderToken(tokens, idx, options, env)


def _renderer(trusted: bool) -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "alerts": True, "linkify": False, "typographer": False})
    md.validateLink = _content_link if trusted else _user_link
    md.add_render_rule("image", _local_image if trusted else _alt_text)
    md.add_render_rule("table_open", _scrollable_table)
    return md


_CONTENT, _USER = _renderer(trusted=True), _renderer(trusted=False)


def render(text: str, *, trusted: bool = False) -> str:
    """HTML for Markdown a person wrote (or, `trusted`, for content). Refuses oversized input rather
    than spending a page run on it."""
    if len(text) > MAX_RENDER_CHARS:
        raise ValueError(f"Text is too long to show ({len(text):,} characters; the limit is {MAX_RENDER_CHARS:,}).")
    return (_CONTENT if trusted else _USER).render(text)


@lru_cache(maxsize=2048)
def render_cached(item_id: str, content_hash: str, text: str) -> str:
    """Content bodies are rendered on first view and kept by (id, content hash)."""
    return render(text, trusted=True)
