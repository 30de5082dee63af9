"""Read curriculum/, cases/ and competencies/ into one immutable Library.

Front matter is split off as a string and parsed with PyYAML's C safe loader (`parse_yaml`); `yaml.compose` runs
only when something is wrong, to find the line. One bad file never stops the rest from loading:
its errors are collected as `path:line: field: message`. That includes what is not a file, links that lead
nowhere or out of the content folder, files over the size limit, and YAML nested or aliased beyond reason.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from carecoord.content.models import (
    Case,
    CaseMeta,
    ContentError,
    FolderHead,
    Framework,
    InstrumentFile,
    Lesson,
    LessonMeta,
    Library,
    Module,
    ModuleMeta,
    Phase,
    PhaseMeta,
    Track,
    TracksFile,
)

MAX_FILE_BYTES = 200_000
# Lists and mappings inside each other (real content: 6). libyaml composes nodes by recursing in C, one call a
# level: 25,000 levels overflowed the stack here, a segfault that takes the app down and that no `except` catches.
MAX_DEPTH = 500
# Values in one file's YAML once its aliases are expanded (real content: at most 1,300). `*name` repeats what
# `&name` marks; nine aliases of nine aliases... make a few hundred bytes into billions of values.
MAX_VALUES = 50_000
FRAMEWORK_FILE = Path("competencies") / "framework.yaml"
CONTENT_DIRS = ("curriculum", "cases", "competencies")

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def content_root() -> Path:
    """$CARECOORD_CONTENT, else the project folder that holds curriculum/."""
    configured = os.environ.get("CARECOORD_CONTENT")
    return Path(configured) if configured else Path(__file__).resolve().parents[2]


def fingerprint(root: Path) -> str:
    """Changes whenever a content file is added, removed or edited (names, sizes, times)."""
    digest = hashlib.sha256()
    for path in _content_files(root):
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _content_files(root: Path) -> Iterable[Path]:
    for folder in CONTENT_DIRS:
        base = root / folder
        if base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.is_file() and p.suffix in (".md", ".yaml", ".yml"))


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
# The first characters after which PyYAML may read a plain scalar as something other than a string.
_MAYBE_TYPED = frozenset(start for start in _Loader.yaml_implicit_resolvers if start)


class _ContentLoader(_Loader):
    """The C safe loader, answering at once where its resolver could only say string, list or mapping.

    The parser asks the resolver about every node; for most it can only say "string" (a plain scalar
    whose first character starts no other type), "mapping" or "list". Safe to skip because the safe
    loader has no path resolvers and no resolver for every first character.
    """

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if not implicit[0] or (value and value[0] not in _MAYBE_TYPED):
                return _STR
        elif kind is yaml.MappingNode:
            return _MAP
        elif kind is yaml.SequenceNode:
            return _SEQ
        return super().resolve(kind, value, implicit)

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


assert not _Loader.yaml_path_resolvers and None not in _Loader.yaml_implicit_resolvers


def parse_yaml(text: str) -> object:
    """`yaml.safe_load`, with plain strings, mappings and lists built directly from the parsed nodes.

    PyYAML's constructor spends most of a content load building these three kinds of node (measured
    on a library ten times ours, bench/README.md); every other node (numbers, dates, booleans,
    merge keys, unusual keys) goes to the safe constructor itself, so the result is the same.
    Refused with a `yaml.YAMLError`, before any value is built: nesting deeper than MAX_DEPTH and aliases
    that expand to more than MAX_VALUES values; and, while building, a key given twice in one mapping.
    """
    if not _surely_shallow(text):
        _check_depth(text)
    loader = _ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "*" in text:  # only an alias can make the values outnumber the text's own nodes
            _check_expansion(node)
        return _build(loader, node)
    finally:
        loader.dispose()


# A flow level opens with '[' or '{' (a '[' can open two: `[a: [`); a block level takes a column at a line's
# start, of indentation or of an indicator ('- ', '? ', ': '). The longest such run that passes unchecked:
_BLOCK_RUN = 100
_DEEP_BLOCK = tuple((brk, re.compile(re.escape(brk) + "[ ?:-]{%d}" % _BLOCK_RUN))
                    for brk in ("\n", "\r", "\x85", "\u2028", "\u2029"))  # each a line break to libyaml
_DEEP_START = re.compile("[ ?:-]{%d}" % _BLOCK_RUN)


def _surely_shallow(text: str) -> bool:
    """Whether `text` surely nests no deeper than MAX_DEPTH, by the over-estimate above: 1-2% of a parse, where
    counting the events (`_check_depth`) costs 60%."""
    if 2 * (text.count("[") + text.count("{")) + _BLOCK_RUN + 2 > MAX_DEPTH or _DEEP_START.match(text):
        return False
    # `in` first: far quicker than a regex search for a line break the text does not have.
    return not any(brk in text and pattern.search(text) for brk, pattern in _DEEP_BLOCK)


def _check_depth(text: str) -> None:
    """Raise where `text` nests deeper than MAX_DEPTH, counted on libyaml's events (its parser does not recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} deep",
                                                  event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expansion(node: yaml.Node) -> None:
    """Raise when the node's values, aliases expanded, number more than MAX_VALUES. An alias is the very node it
    names, reached again; the walk stops after MAX_VALUES steps, so a bomb, or an alias inside the node it names,
    costs milliseconds."""
    left, stack = MAX_VALUES, [node]
    while stack:
        node = stack.pop()
        left -= 1
        if left < 0:
            raise yaml.composer.ComposerError(
                None, None, f"its aliases (*name) expand to more than {MAX_VALUES:,} values", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _build(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _MAP and all(isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge"
                           for key, _ in node.value):
        built = {}
        for key, value in node.value:
            name = _build(loader, key)
            if name in built:  # PyYAML keeps the last silently: a second `sets:` would hide the first
                raise yaml.constructor.ConstructorError(None, None, f"the key {name!r} appears twice here",
                                                        key.start_mark)
            built[name] = _build(loader, value)
        return built
    if tag == _SEQ:
        return [_build(loader, item) for item in node.value]
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:  # a date such as 2026-13-45, an integer of 5,000 digits
        raise yaml.constructor.ConstructorError(None, None, str(error), node.start_mark) from None


class _FileProblem(Exception):
    def __init__(self, error: ContentError):
        super().__init__(str(error))
        self.error = error


class _Source:
    """One content file's text, split into front matter and body, with line bookkeeping."""

    def __init__(self, root: Path, path: Path):
        self.rel = path.relative_to(root).as_posix()
        raw = self._read(root, path)
        try:
            # An editor's byte-order mark is no part of the text (and would hide the opening '---').
            self.text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise self.problem(line, "file", f"is not UTF-8 text (byte {error.start})") from None
        self.content_hash = hashlib.sha256(raw).hexdigest()[:16]
        self.yaml_text, self.body, self.yaml_first_line = self._split(path.suffix)

    def _read(self, root: Path, path: Path) -> bytes:
        """The file's bytes; what is not a regular file inside its content folder, or is too big, is a problem (and
        is not read: a folder or a broken link made the loader raise, a FIFO would block, a huge file fill memory)."""
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                raise self.problem(1, "file", "is a folder, not a file" if stat.S_ISDIR(info.st_mode)
                                   else "is not a regular file")
            self._check_inside(root, path)
            if info.st_size > MAX_FILE_BYTES:
                raise self.problem(1, "file", f"is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            with path.open("rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise self.problem(1, "file", f"is a link to {os.readlink(path)}, which does not exist"
                               if path.is_symlink() else "was removed while loading") from None
        except OSError as error:
            raise self.problem(1, "file", "is a link in a loop of links" if error.errno == errno.ELOOP
                               else f"cannot be read: {error.strerror}") from None
        if len(raw) > MAX_FILE_BYTES:  # grew since the stat
            raise self.problem(1, "file", f"is over {MAX_FILE_BYTES:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return raw

    def _check_inside(self, root: Path, path: Path) -> None:
        """Only what is under review in its content folder is served (the folder itself may be a link, a deployment's
        choice). Resolved only when a link lies below the folder: two realpaths a file cost more than its reading."""
        top, *below = path.relative_to(root).parts
        inner, linked = str(root / top), False
        for part in below:
            inner = os.path.join(inner, part)
            linked = linked or os.path.islink(inner)
        if linked:
            folder, target = os.path.realpath(root / top), os.path.realpath(path)
            if os.path.commonpath((folder, target)) != folder:
                raise self.problem(1, "file", f"is a link to {target}, outside {top}/")

    def _split(self, suffix: str) -> tuple[str, str, int]:
        if suffix != ".md":
            return self.text, "", 1
        lines = self.text.splitlines(keepends=True)
        if not lines or lines[0].strip() != "---":
            raise self.problem(1, "front matter", "a Markdown content file must start with a '---' line")
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                return "".join(lines[1:index]), "".join(lines[index + 1:]).strip("\n"), 2
        raise self.problem(1, "front matter", "has no closing '---' line")

    def problem(self, line: int, field: str, message: str) -> _FileProblem:
        return _FileProblem(ContentError(path=self.rel, line=line, field=field, message=message))

    def data(self) -> dict:
        try:
            data = parse_yaml(self.yaml_text)
        except RecursionError:
            raise self.problem(self.yaml_first_line, "yaml", "not valid YAML: nested too deeply") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = self.yaml_first_line + (mark.line if mark else 0)
            reason = getattr(error, "problem", None) or str(error)
            raise self.problem(line, "yaml", f"not valid YAML: {reason}") from None
        if not isinstance(data, dict):
            raise self.problem(self.yaml_first_line, "yaml", "must be a mapping of keys to values")
        return data

    def line_of(self, loc: tuple) -> int:
        """The line of the deepest YAML node that a validation error's location reaches."""
        try:
            node = yaml.compose(self.yaml_text, Loader=_Loader)
        except yaml.YAMLError:
            return self.yaml_first_line
        line = node.start_mark.line if node else 0
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == str(key)), None)
                if match is None:
                    match_key = next((k for k, _ in node.value if k.value == str(key)), None)
                    if match_key is not None:
                        line = match_key.start_mark.line
                    break
                key_node = next(k for k, v in node.value if v is match)
                line = key_node.start_mark.line
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line
            else:
                break
        return self.yaml_first_line + line

    def validate(self, model: type[BaseModel], data: dict) -> BaseModel:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            loc = tuple(first["loc"])
            field = ".".join(str(part) for part in loc) or "file"
            message = first["msg"].removeprefix("Value error, ")
            if first["type"] == "extra_forbidden":
                message = "unknown key (check its spelling)"
            elif first["type"] == "missing":
                message = "is required but missing"
                loc = loc[:-1]
            problem = self.problem(self.line_of(loc), field, message)
            problem.more = [self._describe(e) for e in error.errors(include_url=False)[1:]]
            raise problem from None

    def _describe(self, err: dict) -> ContentError:
        loc = tuple(err["loc"])
        message = ("unknown key (check its spelling)" if err["type"] == "extra_forbidden"
                   else err["msg"].removeprefix("Value error, "))
        if err["type"] == "missing":
            message, line_loc = "is required but missing", loc[:-1]
        else:
            line_loc = loc
        return ContentError(path=self.rel, line=self.line_of(line_loc),
                            field=".".join(str(p) for p in loc) or "file", message=message)


def load_library(root: Path | None = None) -> Library:
    """Load and validate everything; the cyclic garbage collector is paused meanwhile (the load makes
    many short-lived objects and no cycles: measured, 1.5 s -> 0.87 s for a library ten times ours)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_library(root)
    finally:
        if collecting:
            gc.enable()


def _load_library(root: Path | None) -> Library:
    root = Path(root) if root is not None else content_root()
    errors: list[ContentError] = []

    def collect(problem: _FileProblem) -> None:
        errors.append(problem.error)
        errors.extend(getattr(problem, "more", []))

    framework = _load_framework(root, collect)
    codes = {c.code for c in framework.competencies} if framework else set()
    retired_codes = set(framework.retired) if framework else set()
    ids = _Ids()
    modules = _load_curriculum(root, codes, retired_codes, ids, collect)
    tracks = _load_tracks(root, {m.id for m in modules}, ids, collect)
    cases = _load_cases(root, codes, retired_codes, ids, collect)
    instruments = _load_instruments(root, collect)
    return Library(root=str(root), framework=framework,
                   modules=tuple(modules), tracks=tuple(tracks), cases=tuple(cases), instruments=tuple(instruments),
                   errors=tuple(errors))


class _Ids:
    """Ids are unique across the whole library; remembers which file used each first."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def claim(self, source: _Source, item_id: str, line_loc: tuple, field: str) -> None:
        if item_id in self.seen:
            raise source.problem(source.line_of(line_loc), field,
                                 f"id {item_id!r} is already used in {self.seen[item_id]}")
        self.seen[item_id] = source.rel


def _check_codes(source: _Source, competencies: tuple[str, ...], codes: set[str], retired: set[str],
                 loc: tuple = ("competencies",)) -> None:
    for index, code in enumerate(competencies):
        field = ".".join(str(p) for p in (*loc, index))
        if code in retired:
            raise source.problem(source.line_of((*loc, index)), field, f"competency {code} is retired")
        if codes and code not in codes:
            raise source.problem(source.line_of((*loc, index)), field, f"unknown competency code {code!r}")


def _load_framework(root: Path, collect) -> Framework | None:
    path = root / FRAMEWORK_FILE
    if not os.path.lexists(path):  # a broken link is reported by _Source, not as missing
        collect(_FileProblem(ContentError(path=FRAMEWORK_FILE.as_posix(), line=1, field="file",
                                          message="is missing: modules cannot name competencies")))
        return None
    try:
        source = _Source(root, path)
        return source.validate(Framework, source.data())
    except _FileProblem as problem:
        collect(problem)
        return None


def _folder_head(root: Path, folder: Path, name: str, model: type[FolderHead], parts: str, codes: set[str], retired_codes: set[str],
                 ids: _Ids, collect):
    """Read and check a folder's head file (module.md, case.md); None, with the error kept, when it fails."""
    path = folder / name
    if not os.path.lexists(path):
        collect(_FileProblem(ContentError(path=(folder.relative_to(root) / name).as_posix(), line=1, field="file",
                                          message=f"is missing: the folder's {parts} are not served")))
        return None
    try:
        source = _Source(root, path)
        meta = source.validate(model, source.data())
        ids.claim(source, meta.id, ("id",), "id")
        _check_codes(source, meta.competencies, codes, retired_codes)
        return source, meta
    except _FileProblem as problem:
        collect(problem)
        return None


def _load_curriculum(root: Path, codes: set[str], retired_codes: set[str], ids: _Ids, collect) -> list[Module]:
    modules: list[Module] = []
    curriculum = root / "curriculum"
    folders = sorted(p for p in curriculum.iterdir() if p.is_dir()) if curriculum.is_dir() else []
    for folder in folders:
        head = _folder_head(root, folder, "module.md", ModuleMeta, "lessons", codes, retired_codes, ids, collect)
        if head is None:
            continue
        source, meta = head
        lessons: list[Lesson] = []
        for lesson_file in sorted(p for p in folder.glob("*.md") if p.name != "module.md"):
            try:
                lesson_source = _Source(root, lesson_file)
                lesson_meta: LessonMeta = lesson_source.validate(LessonMeta, lesson_source.data())
                ids.claim(lesson_source, lesson_meta.id, ("id",), "id")
                for index, check in enumerate(lesson_meta.checks):
                    ids.claim(lesson_source, check.id, ("checks", index, "id"), f"checks.{index}.id")
                lessons.append(Lesson(**lesson_meta.model_dump(), module_id=meta.id, body=lesson_source.body,
                                      path=lesson_source.rel, content_hash=lesson_source.content_hash))
            except _FileProblem as problem:
                collect(problem)
        lessons.sort(key=lambda lesson: (lesson.order, lesson.path))
        modules.append(Module(**meta.model_dump(), intro=source.body, path=source.rel,
                              content_hash=source.content_hash, lessons=tuple(lessons)))
    modules.sort(key=lambda m: (m.order, m.path))
    return modules


def _load_tracks(root: Path, module_ids: set[str], ids: _Ids, collect) -> list[Track]:
    path = root / "curriculum" / "tracks.yaml"
    if not os.path.lexists(path):
        return []
    try:
        source = _Source(root, path)
        tracks = source.validate(TracksFile, source.data()).tracks
        for t_index, track in enumerate(tracks):
            ids.claim(source, track.id, ("tracks", t_index, "id"), f"tracks.{t_index}.id")
            for m_index, module_id in enumerate(track.modules):
                if module_id not in module_ids:
                    raise source.problem(source.line_of(("tracks", t_index, "modules", m_index)),
                                         f"tracks.{t_index}.modules.{m_index}", f"no module has the id {module_id!r}")
        return list(tracks)
    except _FileProblem as problem:
        collect(problem)
        return []


def _phase_conditions(phase: Phase) -> list[tuple[tuple, tuple[str, ...]]]:
    """Every condition in a phase, with where it is in the file."""
    found = [(("consequences", i, "when"), c.when) for i, c in enumerate(phase.consequences)]
    found += [(("decisions", d, "options", o, "when"), option.when)
              for d, decision in enumerate(phase.decisions) for o, option in enumerate(decision.options)]
    found += [(("plan_of_care", "actions", i, "when"), a.when) for i, a in enumerate(phase.plan_of_care.actions)]
    found += [(("care_map", "nodes", i, "when"), n.when) for i, n in enumerate(phase.care_map.nodes)]
    found += [(("care_map", "links", i, "when"), link.when) for i, link in enumerate(phase.care_map.links)]
    return [(where, when) for where, when in found if when]


def _check_conditions(source: _Source, conditions, flags: set[str], from_where: str) -> None:
    """Refuse a condition on a flag no option can have set by then, or one that can never hold."""
    for where, when in conditions:
        field = ".".join(str(part) for part in where)
        wanted = {term.removeprefix("not ") for term in when}
        for flag in sorted(wanted - flags):
            raise source.problem(source.line_of(where), field,
                                 f"flag {flag!r} is not set by any option of {from_where}")
        for flag in sorted(flag for flag in wanted if flag in when and f"not {flag}" in when):
            raise source.problem(source.line_of(where), field,
                                 f"this condition can never hold: it needs {flag!r} both set and not set")


def _load_cases(root: Path, codes: set[str], retired_codes: set[str], ids: _Ids, collect) -> list[Case]:
    cases: list[Case] = []
    base = root / "cases"
    for folder in sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []:
        head = _folder_head(root, folder, "case.md", CaseMeta, "phases", codes, retired_codes, ids, collect)
        if head is None:
            continue
        source, meta = head
        phases: list[tuple[Phase, _Source]] = []
        for phase_file in sorted(p for p in folder.glob("*.md") if p.name != "case.md"):
            try:
                phase_source = _Source(root, phase_file)
                phase_meta: PhaseMeta = phase_source.validate(PhaseMeta, phase_source.data())
                ids.claim(phase_source, phase_meta.id, ("id",), "id")
                for d_index, decision in enumerate(phase_meta.decisions):
                    ids.claim(phase_source, decision.id, ("decisions", d_index, "id"), f"decisions.{d_index}.id")
                    _check_codes(phase_source, decision.competencies, codes, retired_codes,
                                 ("decisions", d_index, "competencies"))
                    for o_index, option in enumerate(decision.options):
                        ids.claim(phase_source, option.id, ("decisions", d_index, "options", o_index, "id"),
                                  f"decisions.{d_index}.options.{o_index}.id")
                phases.append((Phase(**phase_meta.model_dump(by_alias=True), case_id=meta.id, body=phase_source.body,
                                     path=phase_source.rel, content_hash=phase_source.content_hash), phase_source))
            except _FileProblem as problem:
                collect(problem)
        phases.sort(key=lambda pair: (pair[0].order, pair[0].path))
        kept: list[Phase] = []
        flags_so_far: set[str] = set()
        for phase, phase_source in phases:
            try:
                _check_conditions(phase_source, _phase_conditions(phase), flags_so_far, "an earlier phase")
                kept.append(phase)
            except _FileProblem as problem:
                collect(problem)
            flags_so_far |= {flag for d in phase.decisions for o in d.options for flag in o.sets}
        try:
            _check_conditions(source, [(("outcomes", i, "when"), o.when) for i, o in enumerate(meta.outcomes)],
                              flags_so_far, "any phase")
        except _FileProblem as problem:
            collect(problem)
            continue
        cases.append(Case(**meta.model_dump(), intro=source.body, path=source.rel, content_hash=source.content_hash,
                          phases=tuple(kept)))
    return cases


def _load_instruments(root: Path, collect) -> list:
    instruments = []
    base = root / "competencies" / "instruments"
    seen: dict[str, str] = {}
    for path in sorted(base.glob("*.y*ml")) if base.is_dir() else []:
        try:
            source = _Source(root, path)
            data = source.data()
            try:
                wrapped = InstrumentFile.model_validate({"instrument": data})
            except Exception:
                source.validate(_instrument_model(data), data)  # re-raise with file, line and field
                raise
            instrument = wrapped.instrument
            if instrument.id in seen:
                raise source.problem(source.line_of(("id",)), "id",
                                     f"id {instrument.id!r} is already used in {seen[instrument.id]}")
            seen[instrument.id] = source.rel
            instruments.append(instrument)
        except _FileProblem as problem:
            collect(problem)
    return instruments


def _instrument_model(data: dict):
    from carecoord.content.models import CapabilityInstrument, RelationalInstrument

    return RelationalInstrument if data.get("kind") == "relational" else CapabilityInstrument
