"""Markdown to safe HTML, for lessons and for anything people write.

Raw HTML is escaped, never passed through; links and images may only point to http(s), mailto,
relative or in-page addresses, so `javascript:`, `vbscript:` and `data:` come out as plain text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

MAX_RENDER_CHARS = 200_000
_SAFE_LINK = re.compile(r"^(https?:|mailto:|#|/|\./|\.\./|[^:/?#]+($|[/?#]))", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


def _renderer() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "alerts": True, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    return md


_MD = _renderer()


def render(text: str) -> str:
    """HTML for Markdown text. Refuses oversized input rather than spending a page run on it."""
    if len(text) > MAX_RENDER_CHARS:
        raise ValueError(f"Text is too long to show ({len(text):,} characters; the limit is {MAX_RENDER_CHARS:,}).")
    return _MD.render(text)


@lru_cache(maxsize=2048)
def render_cached(item_id: str, content_hash: str, text: str) -> str:
    """Content bodies are rendered on first view and kept by (id, content hash)."""
    return render(text)
