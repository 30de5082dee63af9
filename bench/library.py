"""A synthetic content library N times the real one: every module, lesson and case copied with new ids.

The copies are the real files byte for byte except that each id that must be unique across the
library (module, lesson, check, case, phase, decision, option, track) gets a suffix, so loading
them costs what N real libraries of this shape would.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from carecoord.content import load_library
from carecoord.content.loader import CONTENT_DIRS

_ID_LINE = re.compile(r"^(\s*(?:-\s+)?id:\s*)([\w.-]+)(\s*)$", re.MULTILINE)
_LIST_ITEM = re.compile(r"^(\s*-\s+)([\w.-]+)(\s*)$", re.MULTILINE)


def _claimed_ids(source: Path) -> set[str]:
    library = load_library(source)
    if library.errors:
        raise ValueError(f"the real library has errors: {library.errors[0]}")
    ids = {m.id for m in library.modules} | {t.id for t in library.tracks}
    for lesson in library.lessons:
        ids |= {lesson.id, *(check.id for check in lesson.checks)}
    for case in library.cases:
        ids.add(case.id)
        for phase in case.phases:
            ids.add(phase.id)
            for decision in phase.decisions:
                ids |= {decision.id, *(option.id for option in decision.options)}
    return ids


def _rename(text: str, ids: set[str], suffix: str, pattern: re.Pattern = _ID_LINE) -> str:
    return pattern.sub(lambda m: m.group(1) + m.group(2) + (suffix if m.group(2) in ids else "") + m.group(3), text)


def synthetic_library(source: Path, target: Path, copies: int = 10) -> Path:
    """Write `copies` copies of the content under `source` into `target` (which must not exist)."""
    ids = _claimed_ids(source)
    target.mkdir(parents=True)
    for folder in CONTENT_DIRS:
        (target / folder).mkdir()
    shutil.copytree(source / "competencies", target / "competencies", dirs_exist_ok=True)
    tracks_file = source / "curriculum" / "tracks.yaml"
    tracks_text = tracks_file.read_text(encoding="utf-8") if tracks_file.exists() else ""
    tracks = []
    for copy in range(copies):
        suffix = "" if copy == 0 else f"-x{copy}"
        for kind in ("curriculum", "cases"):
            for folder in sorted(p for p in (source / kind).iterdir() if p.is_dir()):
                out = target / kind / (folder.name + suffix)
                out.mkdir()
                for path in sorted(folder.glob("*.md")):
                    (out / path.name).write_text(_rename(path.read_text(encoding="utf-8"), ids, suffix),
                                                 encoding="utf-8")
        if tracks_text:
            body = re.split(r"(?m)^tracks:[ \t]*$", tracks_text, maxsplit=1)[1]
            tracks.append(_rename(_rename(body, ids, suffix), ids, suffix, _LIST_ITEM))
    if tracks_text:
        (target / "curriculum" / "tracks.yaml").write_text("tracks:" + "".join(tracks), encoding="utf-8")
    return target


def content_files(root: Path) -> list[Path]:
    return sorted(p for folder in CONTENT_DIRS for p in (root / folder).rglob("*") if p.is_file())
