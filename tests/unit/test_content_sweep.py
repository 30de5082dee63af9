"""Every real content file loads, and the curriculum meets its own standard (no filler)."""

import re

import pytest

from carecoord.content import load_library, quality

LIBRARY = load_library()
MIN_LESSON_WORDS = 350
CALLOUT = re.compile(r"^> \[!NOTE\]\s*\n> \*\*Family perspective\.\*\*", re.MULTILINE)
YEAR = re.compile(r"\b(19|20)\d{2}\b")


def prose_words(markdown: str) -> int:
    text = "\n".join(line for line in markdown.splitlines() if not line.lstrip().startswith("|"))
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def test_every_content_file_loads_without_error():
    assert [str(e) for e in LIBRARY.errors] == []


def test_nothing_in_the_library_gives_its_answer_away_or_waits_for_review():
    assert [str(w) for w in quality.warnings(LIBRARY)] == []


def test_the_curriculum_is_complete():
    counts = LIBRARY.counts()
    assert counts["modules"] >= 20 and counts["lessons"] >= 80 and counts["checks"] >= 160
    assert counts["cases"] >= 4 and all(len(case.phases) >= 3 for case in LIBRARY.cases)
    assert 10 <= counts["domains"] and 25 <= counts["competencies"] <= 35
    assert [m.order for m in LIBRARY.modules] == sorted(m.order for m in LIBRARY.modules)


@pytest.mark.parametrize("module", LIBRARY.modules, ids=lambda m: m.id)
def test_each_module_meets_the_standard(module):
    assert 3 <= len(module.lessons) <= 6
    assert sum(len(lesson.checks) for lesson in module.lessons) >= 4
    assert any(YEAR.search(source) for source in module.sources), "name at least one source with its year"
    assert module.competencies and module.objectives
    assert len(module.facilitator_notes.split()) >= 150, "facilitator notes for a team session"


@pytest.mark.parametrize("lesson", LIBRARY.lessons, ids=lambda lesson: lesson.id)
def test_each_lesson_is_substantial_with_a_family_perspective(lesson):
    assert prose_words(lesson.body) >= MIN_LESSON_WORDS
    assert CALLOUT.search(lesson.body), "needs a '> [!NOTE]' callout starting '**Family perspective.**'"
    for check in lesson.checks:
        assert all(len(choice.feedback.split()) >= 5 for choice in check.choices), "explain every choice"
