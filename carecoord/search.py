"""Search across lessons (title and text): pure, over the loaded library."""

from __future__ import annotations

import re
from dataclasses import dataclass

from carecoord.content.models import Lesson, Library, Module

MAX_QUERY_CHARS = 200
_MARKUP = re.compile(r"[*_`#>|\[\]]+|\(https?://[^)]*\)|\[!\w+\]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Hit:
    lesson: Lesson
    module: Module
    score: int
    snippet: str


def terms(query: str) -> list[str]:
    words = re.findall(r"[\w'-]+", query.casefold()[:MAX_QUERY_CHARS])
    return [w for w in words if len(w) > 1]


def plain(markdown: str) -> str:
    return _SPACE.sub(" ", _MARKUP.sub(" ", markdown)).strip()


def snippet(text: str, term: str, width: int = 90) -> str:
    at = text.casefold().find(term)
    if at < 0:
        return text[: width * 2].rstrip() + ("…" if len(text) > width * 2 else "")
    start, end = max(0, at - width), min(len(text), at + len(term) + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def search(library: Library, query: str, limit: int = 20) -> list[Hit]:
    """Lessons whose title or text contain every word of the query; title matches rank first."""
    wanted = terms(query)
    if not wanted:
        return []
    hits = []
    for module in library.modules:
        for lesson in module.lessons:
            title, body = lesson.title.casefold(), plain(lesson.body)
            folded = body.casefold()
            if not all(t in title or t in folded for t in wanted):
                continue
            score = sum(10 * (t in title) + min(folded.count(t), 10) for t in wanted)
            first = next((t for t in wanted if t in folded), wanted[0])
            hits.append(Hit(lesson, module, score, snippet(body, first)))
    return sorted(hits, key=lambda h: (-h.score, h.module.order, h.lesson.order))[:limit]
