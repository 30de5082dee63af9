"""Ranked full-text search over lessons, case phases and the published family stories a person may read.

An in-memory SQLite FTS5 index (porter stemmer) holds every place: built once per content library,
so it is the same whichever database the app runs on. Each word is folded by `spelling.fold` before
it is indexed and before it is looked up, so "authorisation" finds "authorization". The index holds
the folded words only; snippets are cut from the original text, with the words that matched marked,
by lining up the folded words one for one with the original ones.

Stories join the index when someone who may read them searches, and each search is limited to the
stories the searcher may read at that moment, so a publication or a withdrawal shows at the next
search; stories no longer published leave the index then too.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from carecoord import permissions
from carecoord.content.models import Library
from carecoord.people import Person
from carecoord.spelling import fold
from carecoord.db import Database

MAX_QUERY_CHARS = 200
SNIPPET_WORDS = 30
# Each reads a line in one pass: no two parts can take the same characters, so a story of 20,000 dashes or
# spaces cannot make them backtrack (earlier forms took 10 s on 2,000 dashes).
_TABLE_ROW = re.compile(r"^[ \t]*\|([^\n]*)$", re.MULTILINE)  # | a | b | -> its cells
_TABLE_RULE = re.compile(r"^(?=[^\n]*---)[ \t|:-]+$", re.MULTILINE)  # the |---|:--| line under a table's head
_MARKUP = re.compile(r"[*_`#>|\[\]]+|\(https?://[^)]*\)|\[!\w+\]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_OPEN, _CLOSE = "\x01", "\x02"

LESSON, CASE, STORY = "lesson", "case", "story"


@dataclass(frozen=True)
class Place:
    """Somewhere a search can lead: a lesson, a case phase (or a case's introduction) or a story."""

    kind: str
    key: str  # the lesson id, the case id, or the story id
    title: str
    within: str  # the module, the case, or who the story is credited to
    text: str  # plain text, markup removed
    phase: str = ""  # a case phase's id
    version: str = ""  # a story's: when it was published


@dataclass(frozen=True)
class Hit:
    place: Place
    rank: float  # bm25: lower is better
    snippet: tuple[tuple[str, bool], ...]  # pieces of the text, each marked True where a searched word matched


def _table_row(match: re.Match) -> str:
    cells = match[1].rstrip(" \t").removesuffix("|")
    return " · ".join(cell.strip() for cell in cells.split("|")) + "."


def plain(markdown: str) -> str:
    """Text to index and cut snippets from: markup removed; a table row reads as its cells joined by dots."""
    text = _TABLE_ROW.sub(_table_row, _TABLE_RULE.sub(" ", markdown))
    return _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip()


@functools.lru_cache(maxsize=1 << 16)  # a library has a few thousand distinct words
def _key(word: str) -> str:
    """A word as the index holds it: folded, ASCII letters and digits only (so FTS5 splits it exactly as here)."""
    ascii_word = unicodedata.normalize("NFKD", fold(word)).encode("ascii", "ignore").decode()
    return _ASCII_WORD.sub("", ascii_word.casefold()) or "x"


def terms(query: str) -> list[str]:
    """The query's words as index keys, each once, in order."""
    keys = [_key(w) for w in _WORD.findall(query[:MAX_QUERY_CHARS]) if len(w) > 1]
    return list(dict.fromkeys(k for k in keys if len(k) > 1))


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def _indexed(text: str, spans: Sequence[tuple[int, int]]) -> str:
    return " ".join(_key(text[a:b]) for a, b in spans)


def _snippet(text: str, spans: Sequence[tuple[int, int]], highlighted: str) -> tuple[tuple[str, bool], ...]:
    """The stretch of `text` with the most matched words, cut at word boundaries."""
    marks, inside = [], False
    for token in highlighted.split(" "):
        opens, closes = token.startswith(_OPEN), token.endswith(_CLOSE)
        marks.append(inside or opens)
        inside = (inside or opens) and not closes
    if len(marks) != len(spans) or not spans:  # never expected; show the start without marks rather than fail
        return ((text[:SNIPPET_WORDS * 8].rstrip() + ("…" if len(text) > SNIPPET_WORDS * 8 else ""), False),)
    width = min(SNIPPET_WORDS, len(spans))
    counts = [sum(marks[:width])]
    for start in range(1, len(spans) - width + 1):
        counts.append(counts[-1] - marks[start - 1] + marks[start + width - 1])
    best = max(range(len(counts)), key=lambda i: (counts[i], -i))
    matched = [i for i in range(best, best + width) if marks[i]] or [best]
    middle = (matched[0] + matched[-1]) // 2  # centre the window on the matches it holds
    first = max(0, min(middle - width // 2, len(spans) - width))
    last = first + width - 1
    pieces: list[tuple[str, bool]] = [("…" if first else "", False)]
    cursor = spans[first][0]
    for index in range(first, last + 1):
        a, b = spans[index]
        if marks[index]:
            pieces += [(text[cursor:a], False), (text[a:b], True)]
            cursor = b
    pieces.append((text[cursor:spans[last][1]] + ("…" if last < len(spans) - 1 else ""), False))
    return tuple(p for p in pieces if p[0])


class Index:
    """An FTS5 index in memory. Safe to share between the app's threads."""

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE place USING fts5(title, body, kind UNINDEXED, key UNINDEXED, "
                         "tokenize = 'porter unicode61')")
        self._places: dict[int, tuple[Place, list[tuple[int, int]]]] = {}
        self._next_rowid = 1
        self._stories: dict[str, tuple[int, str]] = {}  # story id -> (rowid, version)
        self.add(places)

    def add(self, places: Iterable[Place]) -> None:
        with self._lock:
            for place in places:
                if place.kind == STORY and place.key in self._stories:
                    rowid, version = self._stories[place.key]
                    if version == place.version:
                        continue
                    self._remove(rowid)
                spans = _spans(place.text)
                rowid, self._next_rowid = self._next_rowid, self._next_rowid + 1
                self._db.execute("INSERT INTO place (rowid, title, body, kind, key) VALUES (?, ?, ?, ?, ?)",
                                 (rowid, _indexed(place.title, _spans(place.title)), _indexed(place.text, spans),
                                  place.kind, place.key))
                self._places[rowid] = (place, spans)
                if place.kind == STORY:
                    self._stories[place.key] = (rowid, place.version)

    def _remove(self, rowid: int) -> None:
        self._db.execute("DELETE FROM place WHERE rowid = ?", (rowid,))
        place, _ = self._places.pop(rowid)
        if place.kind == STORY:
            self._stories.pop(place.key, None)

    def sync_stories(self, readable: Iterable[Place], published: set[tuple[str, str]]) -> None:
        """Add the stories someone may read that are new or changed; drop any no longer published
        (`published` holds the key and version of every published story)."""
        with self._lock:
            for key, (rowid, version) in list(self._stories.items()):
                if (key, version) not in published:
                    self._remove(rowid)
        self.add(readable)

    def search(self, query: str, stories: Iterable[str] = (), limit: int = 20) -> tuple[list[Hit], bool]:
        """The best places for the query, and whether they hold every word (else: any of them)."""
        wanted = terms(query)
        if not wanted:
            return [], True
        allowed = json.dumps(list(stories))
        for joiner, every in ((" AND ", True), (" OR ", False)):
            match = joiner.join(f'"{w}"' for w in wanted)
            with self._lock:
                rows = self._db.execute(
                    f"""SELECT rowid, bm25(place, 4.0, 1.0), highlight(place, 1, '{_OPEN}', '{_CLOSE}')
                        FROM place WHERE place MATCH ?
                        AND (kind <> 'story' OR key IN (SELECT value FROM json_each(?)))
                        ORDER BY bm25(place, 4.0, 1.0), rowid LIMIT ?""", (match, allowed, limit)).fetchall()
                found = [(self._places[rowid], rank, marked) for rowid, rank, marked in rows]
            if found:
                return [Hit(place, rank, _snippet(place.text, spans, marked))
                        for (place, spans), rank, marked in found], every
            if len(wanted) == 1:
                break
        return [], True


def library_places(library: Library) -> list[Place]:
    places = []
    for module in library.modules:
        for lesson in module.lessons:
            places.append(Place(LESSON, lesson.id, lesson.title, f"{module.order}. {module.title}", plain(lesson.body)))
    for case in library.cases:
        places.append(Place(CASE, case.id, f"{case.title}: introduction", case.title, plain(case.intro)))
        for phase in case.phases:
            prompts = " ".join(plain(d.prompt) for d in phase.decisions)
            places.append(Place(CASE, case.id, phase.title, f"{case.title} · {phase.age}",
                                f"{plain(phase.body)} {prompts}".strip(), phase=phase.id))
    return places


_indexes: dict[int, tuple[Library, Index]] = {}
_indexes_lock = threading.Lock()


def index_for(library: Library) -> Index:
    """The library's index, built on first use and kept while the library is the app's current one."""
    with _indexes_lock:
        if id(library) not in _indexes:
            while len(_indexes) >= 2:  # the current library and the one being replaced
                _indexes.pop(next(iter(_indexes)))
            _indexes[id(library)] = (library, Index(library_places(library)))
        return _indexes[id(library)][1]


def find(db: Database, actor: Person, library: Library, query: str, limit: int = 20) -> tuple[list[Hit], bool]:
    """Search as this person: lessons, case phases and the published stories they may read now."""
    from carecoord.store import stories  # the store imports content models; keep this module light to import

    index = index_for(library)
    readable: list[Place] = []
    if permissions.may_read_stories(actor):
        readable = [Place(STORY, str(s.id), s.title, s.credit, plain(s.body), version=s.published_at.isoformat())
                    for s in stories.readable(db, actor)]
        index.sync_stories(readable, {(str(story_id), published_at.isoformat())
                                      for story_id, published_at in stories.published_versions(db)})
    return index.search(query, [p.key for p in readable], limit)
