"""Loading content: the happy path, every kind of error with its line, and ids that move."""

from __future__ import annotations

from pathlib import Path

import pytest

from carecoord.content import load_library, quality
from carecoord.content.loader import MAX_FILE_BYTES
from tests.content_fixtures import LESSON_ONE, MODULE, make_content_root


@pytest.fixture
def root(tmp_path) -> Path:
    return make_content_root(tmp_path)


def lesson_file(root: Path, name: str = "01-first.md") -> Path:
    return root / "curriculum" / "01-test-module" / name


def only_error(root: Path):
    library = load_library(root)
    assert len(library.errors) == 1, [str(e) for e in library.errors]
    return library, library.errors[0]


def test_a_good_tree_loads_in_order(root):
    library = load_library(root)
    assert library.errors == ()
    assert [m.id for m in library.modules] == ["test-module"]
    assert [lesson.id for lesson in library.lessons] == ["first-lesson", "second-lesson"]
    assert library.counts()["checks"] == 2
    assert library.lesson("second-lesson").checks[0].correct_ids == frozenset({"a", "b"})
    assert library.module("test-module").intro == "An introduction."
    assert len(library.lesson("first-lesson").content_hash) == 16


def test_library_is_immutable(root):
    library = load_library(root)
    with pytest.raises(Exception):
        library.modules[0].title = "changed"  # type: ignore[misc]


def test_content_hash_changes_with_the_text(root):
    before = load_library(root).lesson("first-lesson").content_hash
    lesson_file(root).write_text(LESSON_ONE.replace("Body of the first lesson.", "Edited body."))
    assert load_library(root).lesson("first-lesson").content_hash != before


def test_bad_yaml_names_file_and_line(root):
    lesson_file(root).write_text(LESSON_ONE.replace("minutes: 10", "minutes: [10"))
    library, error = only_error(root)
    assert error.path == "curriculum/01-test-module/01-first.md"
    assert error.field == "yaml" and "not valid YAML" in error.message
    assert error.line >= 5
    assert library.lesson("second-lesson") is not None  # the rest is still served


def test_unknown_key_names_its_line(root):
    lesson_file(root).write_text(LESSON_ONE.replace("minutes: 10", "minutes: 10\ndifficulty: hard"))
    _, error = only_error(root)
    assert str(error) == "curriculum/01-test-module/01-first.md:6: difficulty: unknown key (check its spelling)"


def test_missing_required_field(root):
    lesson_file(root).write_text(LESSON_ONE.replace("title: First lesson\n", ""))
    _, error = only_error(root)
    assert error.field == "title" and error.message == "is required but missing"


def test_nested_error_points_at_the_choice(root):
    lesson_file(root).write_text(LESSON_ONE.replace("        feedback: No.\n", ""))
    error = load_library(root).errors[0]
    assert error.field == "checks.0.choices.1.feedback"
    assert error.line == 14  # the "- text: Wrong" line


def test_single_answer_check_with_two_correct_is_refused(root):
    lesson_file(root).write_text(LESSON_ONE.replace("      - text: Wrong\n", "      - text: Wrong\n        correct: true\n"))
    _, error = only_error(root)
    assert "exactly one correct choice" in error.message and error.field == "checks.0"


def test_duplicate_ids_are_refused_with_where_first_used(root):
    (root / "curriculum" / "01-test-module" / "03-copy.md").write_text(LESSON_ONE.replace("first-lesson-q1", "other-q1"))
    library, error = only_error(root)
    assert error.path.endswith("03-copy.md") and error.line == 2
    assert "already used in curriculum/01-test-module/01-first.md" in error.message
    assert [lesson.id for lesson in library.lessons].count("first-lesson") == 1


def test_duplicate_check_id_across_lessons(root):
    lesson_file(root, "02-second.md").write_text(lesson_file(root, "02-second.md").read_text()
                                                 .replace("second-lesson-q1", "first-lesson-q1"))
    _, error = only_error(root)
    assert error.field == "checks.0.id" and "already used" in error.message


def test_unknown_competency_code(root):
    (root / "curriculum" / "01-test-module" / "module.md").write_text(MODULE.replace("[FP1, CM2]", "[FP1, ZZ9]"))
    library, error = only_error(root)
    assert error.field == "competencies.1" and "unknown competency code 'ZZ9'" in error.message
    assert error.line == 8
    assert library.modules == ()  # a module that failed is not served, nor its lessons


def test_file_that_is_not_utf8(root):
    lesson_file(root).write_bytes(LESSON_ONE.encode() + b"\nCaf\xe9 au lait\n")
    _, error = only_error(root)
    assert error.field == "file" and "not UTF-8" in error.message
    assert error.line == LESSON_ONE.count("\n") + 2


def test_oversized_file(root):
    lesson_file(root).write_text(LESSON_ONE + "x" * MAX_FILE_BYTES)
    _, error = only_error(root)
    assert "the limit is" in error.message and error.line == 1


def test_missing_front_matter(root):
    lesson_file(root).write_text("Just a body, no front matter.\n")
    _, error = only_error(root)
    assert error.field == "front matter"


def test_folder_without_module_file(root):
    (root / "curriculum" / "02-orphan").mkdir()
    (root / "curriculum" / "02-orphan" / "01-x.md").write_text(LESSON_ONE)
    _, error = only_error(root)
    assert error.path == "curriculum/02-orphan/module.md"


def test_retired_and_renamed_ids_are_known(root):
    known = load_library(root).known_ids()
    assert known["old-lesson"] == "retired"
    assert known["first-lesson-draft"] == "first-lesson"
    assert known["older-module"] == "test-module"
    assert known["first-lesson-q1"] == "first-lesson-q1"
    assert "never-existed" not in known


def test_neighbours_follow_the_path(root):
    library = load_library(root)
    first, second = library.lessons
    assert library.neighbours(first) == (None, second)
    assert library.neighbours(second) == (first, None)


FRAMEWORK = Path(__file__).parents[2] / "competencies" / "framework.yaml"


def test_framework_rejects_a_missing_anchor(root):
    text = FRAMEWORK.read_text()
    start = text.index("anchors:", text.index("code: FP1"))
    line_5 = text.index("          5:", start)
    end = text.index("\n", line_5)
    (root / "competencies" / "framework.yaml").write_text(text[:line_5] + text[end + 1:])
    library = load_library(root)
    assert library.framework is None
    assert any(e.field.endswith("anchors") and "each level 1-5" in e.message for e in library.errors)


def test_framework_rejects_a_level_outside_the_scale(root):
    text = FRAMEWORK.read_text().replace("targets:\n  trainee: 3", "targets:\n  trainee: 6", 1)
    assert "trainee: 6" in text
    (root / "competencies" / "framework.yaml").write_text(text)
    library = load_library(root)
    assert library.framework is None
    assert any(e.field == "targets" and "1-5" in e.message for e in library.errors)


def test_the_framework_says_what_each_version_changed():
    framework = load_library().framework
    assert framework.version == 2
    assert [change.version for change in framework.history] == [1, 2]
    assert "level 5" in framework.history[-1].summary.lower()


def test_a_framework_whose_history_stops_short_of_its_version_is_refused(root):
    text = FRAMEWORK.read_text().replace("version: 2\n", "version: 3\n", 1)
    (root / "competencies" / "framework.yaml").write_text(text)
    library = load_library(root)
    assert library.framework is None
    assert any("newest history entry is version 2" in e.message for e in library.errors)


def test_a_module_without_a_review_date_is_warned_about_and_one_with_it_is_not(root):
    assert [(w.path, w.field) for w in quality.unreviewed(load_library(root))] == [
        ("curriculum/01-test-module/module.md", "test-module")]
    module = root / "curriculum" / "01-test-module" / "module.md"
    module.write_text(module.read_text().replace("retired: [old-lesson]", "retired: [old-lesson]\nreviewed: 2026-12-07"))
    library = load_library(root)
    assert quality.unreviewed(library) == [] and str(library.modules[0].reviewed) == "2026-12-07"


TRICKY_YAML = """\
title: Plain words
count: 12
ratio: 0.5
hex: 0x1F
flag: yes
off: false
nothing: ~
empty:
when: 2026-03-01
stamp: 2026-03-01 12:30:00
quoted: "12"
folded: >
  two
  lines
base: &base {a: 1, b: two}
merged:
  <<: *base
  b: three
alias: *base
list: [1, "2", three, null, [nested, {k: v}]]
1: numeric key
"""


@pytest.mark.parametrize("text", [TRICKY_YAML, "", "just a string", "- a\n- b\n", "? [complex, key]\n: value\n"])
def test_parse_yaml_gives_what_safe_load_gives(text):
    import yaml

    from carecoord.content.loader import parse_yaml

    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError as error:
        with pytest.raises(yaml.YAMLError):
            parse_yaml(text)
        assert "unhashable" in str(error)  # the complex key, refused by both
        return
    assert parse_yaml(text) == expected


def test_parse_yaml_gives_what_safe_load_gives_for_every_content_file():
    import yaml

    from carecoord.content.loader import CONTENT_DIRS, content_root, parse_yaml

    checked = 0
    for folder in CONTENT_DIRS:
        for path in sorted((content_root() / folder).rglob("*")):
            if path.suffix in (".yaml", ".yml"):
                text = path.read_text(encoding="utf-8")
            elif path.suffix == ".md":
                text = path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n")
            else:
                continue
            assert parse_yaml(text) == yaml.safe_load(text), path
            checked += 1
    assert checked >= 90


def test_self_referencing_yaml_is_refused_with_its_file(root):
    lesson_file(root).write_text(LESSON_ONE.replace("minutes: 10", "minutes: &loop [*loop]"))
    library, error = only_error(root)
    assert error.path == "curriculum/01-test-module/01-first.md" and error.field in ("yaml", "minutes")
    assert library.lesson("second-lesson") is not None
