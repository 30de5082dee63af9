"""Warnings about content that works but gives its answer away, or has not been reviewed.

Choices are shown shuffled (carecoord.ordering), so position no longer cues the answer; length
still does. A right choice (or a case's strong option) that is the longest by more than 20% over
the next longest can be picked without reading the lesson. These are warnings, not errors: the
content loads, and `carecoord validate` lists them so that authors rewrite the choices.
"""

from __future__ import annotations

import re
from pathlib import Path

from carecoord.content.models import ContentError, Library

LONGEST_BY = 1.2  # the rule the issue set; do not loosen it to silence warnings


def gives_away_by_length(lengths: list[tuple[int, bool]]) -> bool:
    """(length, is the answer) per choice: is the longest an answer, longer than the next by more than 20%?"""
    ordered = sorted(lengths, key=lambda item: item[0], reverse=True)
    if len(ordered) < 2:
        return False
    (longest, is_answer), (next_longest, _) = ordered[0], ordered[1]
    return is_answer and longest > LONGEST_BY * next_longest


def length_cues(library: Library) -> list[ContentError]:
    """Every check whose right choice, and every decision whose strong option, stands out by length."""
    root = Path(library.root)
    found = []
    for lesson in library.lessons:
        for check in lesson.checks:
            if gives_away_by_length([(len(c.text), c.correct) for c in check.choices]):
                found.append(_warning(root, lesson.path, check.id, "the right choice is the longest by more than "
                                      "20%: it can be picked without reading; make the choices alike in length"))
    for case in library.cases:
        for phase in case.phases:
            for decision in phase.decisions:
                if gives_away_by_length([(len(o.text), o.alignment == "strong") for o in decision.options]):
                    found.append(_warning(root, phase.path, decision.id, "the strong option is the longest by "
                                          "more than 20%: it can be picked without reading; make the options "
                                          "alike in length"))
    return found


def unreviewed(library: Library) -> list[ContentError]:
    """Every module and case without a `reviewed:` date: nobody has read it against docs/content-checklist.md."""
    root = Path(library.root)
    return [_warning(root, folder.path, folder.id, "no `reviewed:` date: read it against "
                     "docs/content-checklist.md and record the date")
            for folder in (*library.modules, *library.cases) if folder.reviewed is None]


def warnings(library: Library) -> list[ContentError]:
    """Everything `carecoord validate` warns about."""
    return length_cues(library) + unreviewed(library)


def _warning(root: Path, path: str, item_id: str, message: str) -> ContentError:
    try:
        text = (root / path).read_text(encoding="utf-8")
    except OSError:
        text = ""
    match = re.search(rf"^[ \t]*(?:-[ \t]*)?id:[ \t]*{re.escape(item_id)}[ \t]*$", text, re.MULTILINE)
    line = text.count("\n", 0, match.start()) + 1 if match else 1
    return ContentError(path=path, line=line, field=item_id, message=message)
