"""Content that must not take the app down: odd entries in the folders and hostile YAML each become one
`file:line: problem` error while the rest of the library is served."""

from __future__ import annotations

import re
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from carecoord import cli
from carecoord.content import ContentError, Library, load_library
from carecoord.content.loader import MAX_FILE_BYTES
from tests.content_fixtures import LESSON_ONE, make_content_root

MODULE_DIR = Path("curriculum") / "01-test-module"
# Billion laughs: 9 levels of nine aliases each would expand to 9**9 strings; 7 levels keep the unfixed loader's
# run of this test to about a second.
BOMB = "".join(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['lol'] * 9)}]\n"
               for prev, name in zip([None, "a", "b", "c", "d", "e"], "abcdefg"))


@pytest.fixture
def root(tmp_path) -> Path:
    return make_content_root(tmp_path)


def errors_by_path(root: Path) -> tuple[Library, dict[str, ContentError]]:
    library = load_library(root)
    return library, {error.path: error for error in library.errors}


def served(library: Library) -> list[str]:
    return [lesson.id for lesson in library.lessons]


def test_a_folder_named_like_a_content_file(root):
    (root / MODULE_DIR / "03-notes.md").mkdir()
    (root / "competencies" / "instruments").mkdir()
    (root / "competencies" / "instruments" / "drafts.yaml").mkdir()
    library, errors = errors_by_path(root)
    assert set(errors) == {f"{MODULE_DIR}/03-notes.md", "competencies/instruments/drafts.yaml"}
    assert all(e.line == 1 and e.field == "file" and "folder" in e.message for e in errors.values())
    assert served(library) == ["first-lesson", "second-lesson"]


def test_a_folder_named_module_md(root):
    shutil.copytree(root / MODULE_DIR, root / "curriculum" / "02-other")
    (root / "curriculum" / "02-other" / "module.md").unlink()
    (root / "curriculum" / "02-other" / "module.md").mkdir()
    library, errors = errors_by_path(root)
    assert list(errors) == ["curriculum/02-other/module.md"]
    assert "folder" in errors["curriculum/02-other/module.md"].message
    assert served(library) == ["first-lesson", "second-lesson"]


def test_a_dangling_link(root):
    (root / MODULE_DIR / "03-gone.md").symlink_to("no-such-file.md")
    library, errors = errors_by_path(root)
    assert list(errors) == [f"{MODULE_DIR}/03-gone.md"]
    assert "no-such-file.md" in errors[f"{MODULE_DIR}/03-gone.md"].message
    assert served(library) == ["first-lesson", "second-lesson"]


def test_a_dangling_link_as_module_md_is_not_called_missing(root):
    (root / MODULE_DIR / "module.md").unlink()
    (root / MODULE_DIR / "module.md").symlink_to("moved.md")
    _, errors = errors_by_path(root)
    assert "moved.md" in errors[f"{MODULE_DIR}/module.md"].message


def test_links_in_a_loop_and_a_link_to_a_folder(root):
    (root / MODULE_DIR / "03-a.md").symlink_to("04-b.md")
    (root / MODULE_DIR / "04-b.md").symlink_to("03-a.md")
    (root / MODULE_DIR / "05-here.md").symlink_to(".")
    library, errors = errors_by_path(root)
    assert set(errors) == {f"{MODULE_DIR}/03-a.md", f"{MODULE_DIR}/04-b.md", f"{MODULE_DIR}/05-here.md"}
    assert "loop" in errors[f"{MODULE_DIR}/03-a.md"].message and "folder" in errors[f"{MODULE_DIR}/05-here.md"].message
    assert served(library) == ["first-lesson", "second-lesson"]


def test_a_link_out_of_the_content_folder_is_refused(tmp_path):
    # The content folders themselves may be links (a deployment's choice); a file may not lead out of its folder.
    root = make_content_root(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(root / "curriculum", elsewhere)
    (root / "curriculum").symlink_to(elsewhere)
    secret = tmp_path / "secret.md"
    secret.write_text(LESSON_ONE.replace("first-lesson", "third-lesson"))
    (root / MODULE_DIR / "03-outside.md").symlink_to(secret)
    library, errors = errors_by_path(root)
    assert list(errors) == [f"{MODULE_DIR}/03-outside.md"]
    assert "outside curriculum/" in errors[f"{MODULE_DIR}/03-outside.md"].message
    assert served(library) == ["first-lesson", "second-lesson"]


def test_a_huge_file_is_not_read_into_memory(root):
    with open(root / MODULE_DIR / "03-huge.md", "wb") as file:
        file.truncate(64 * 1024 * 1024)  # sparse: no disk used
    tracemalloc.start()
    try:
        library, errors = errors_by_path(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"the limit is {MAX_FILE_BYTES:,}" in errors[f"{MODULE_DIR}/03-huge.md"].message
    assert peak < 16 * 1024 * 1024
    assert served(library) == ["first-lesson", "second-lesson"]


def test_a_byte_order_mark_is_accepted(root):
    lesson = root / MODULE_DIR / "01-first.md"
    lesson.write_bytes(b"\xef\xbb\xbf" + lesson.read_bytes())
    framework = root / "competencies" / "framework.yaml"
    framework.write_bytes(b"\xef\xbb\xbf" + framework.read_bytes())
    library = load_library(root)
    assert library.errors == () and library.framework is not None
    assert served(library) == ["first-lesson", "second-lesson"]
    assert library.lesson("first-lesson").body.startswith("## Heading")


def test_an_alias_bomb_is_refused_quickly(root):
    (root / MODULE_DIR / "01-first.md").write_text("---\n" + BOMB + LESSON_ONE.removeprefix("---\n"))
    started = time.perf_counter()
    library, errors = errors_by_path(root)
    assert time.perf_counter() - started < 2.0  # a safety bound, not a speed target
    error = errors[f"{MODULE_DIR}/01-first.md"]
    assert error.field == "yaml" and "alias" in error.message and 2 <= error.line <= 8
    assert served(library) == ["second-lesson"]


def test_aliases_that_expand_modestly_still_load(root):
    lesson = LESSON_ONE.replace("      - text: Wrong\n        feedback: No.\n",
                                "      - &wrong {text: Wrong, feedback: No.}\n      - *wrong\n")
    (root / MODULE_DIR / "01-first.md").write_text(lesson)
    library = load_library(root)
    assert library.errors == ()
    assert [c.text for c in library.lesson("first-lesson").checks[0].choices] == ["Right", "Wrong", "Wrong"]


@pytest.mark.parametrize("nesting", [" " + "[" * 40_000 + "]" * 40_000, "\n" + "- " * 40_000 + "x",
                                     "".join("\n" + " " * i + "a:" for i in range(1, 600)) + " 1"],
                         ids=["flow", "block", "indented"])
def test_deep_nesting_is_refused_without_crashing(root, nesting):
    # libyaml composes recursively in C: 25,000 levels overflowed its stack (a segfault, not an exception).
    (root / MODULE_DIR / "01-first.md").write_text(LESSON_ONE.replace("minutes: 10", "minutes: 10\ndeep:" + nesting))
    # Many brackets that nest nothing (links in a string) still load.
    second = root / MODULE_DIR / "02-second.md"
    second.write_text(second.read_text().replace("prompt: Pick all the right ones.",
                                                 "prompt: 'Pick all the right ones: " + "[a](b) " * 400 + "'"))
    library, errors = errors_by_path(root)
    error = errors[f"{MODULE_DIR}/01-first.md"]
    assert error.field == "yaml" and "deep" in error.message
    assert list(errors) == [f"{MODULE_DIR}/01-first.md"], [str(e) for e in library.errors]
    assert served(library) == ["second-lesson"]


@pytest.mark.parametrize("value", ["2026-13-45", "1" * 5000], ids=["no-such-date", "5000-digits"])
def test_a_value_yaml_cannot_build_is_an_error_not_a_crash(root, value):
    (root / MODULE_DIR / "01-first.md").write_text(LESSON_ONE.replace("minutes: 10", f"minutes: {value}"))
    library, errors = errors_by_path(root)
    error = errors[f"{MODULE_DIR}/01-first.md"]
    assert error.field == "yaml" and error.line == 5
    assert served(library) == ["second-lesson"]


def test_validate_prints_one_line_per_problem_and_no_traceback(root, capsys):
    (root / MODULE_DIR / "03-notes.md").mkdir()
    (root / MODULE_DIR / "04-gone.md").symlink_to("no-such-file.md")
    (root / MODULE_DIR / "05-bomb.md").write_text("---\n" + BOMB + "---\n")
    assert cli.main(["validate", "--content", str(root)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = [line for line in out.splitlines() if not line.startswith("warning:")]  # the module's review date
    assert len(lines) == 3, lines
    assert all(re.fullmatch(rf"{MODULE_DIR}/0[345]-\w+\.md:\d+: \w+: .+", line) for line in lines), lines
    assert "2 lessons" in err
