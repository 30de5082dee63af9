"""Search: the spelling fold, the ranked index and its snippets, worked by hand on small texts and on the real library."""

import pytest

from carecoord import search
from carecoord.content import load_library
from carecoord.spelling import fold
from carecoord.ui.text import marked

REAL = load_library()


@pytest.mark.parametrize(("british", "american"), [
    ("authorisation", "authorization"), ("organised", "organized"), ("recognising", "recognizing"),
    ("behaviour", "behavior"), ("behavioural", "behavioral"), ("paediatric", "pediatric"),
    ("orthopaedic", "orthopedic"), ("haemorrhage", "hemorrhage"), ("hypoglycaemia", "hypoglycemia"),
    ("apnoea", "apnea"), ("oedema", "edema"), ("oesophagus", "esophagus"), ("counselling", "counseling"),
    ("counsellor", "counselor"), ("programme", "program"), ("centre", "center"), ("analyse", "analyze"),
    ("paralysed", "paralyzed"), ("enrolment", "enrollment"), ("practise", "practice"), ("judgement", "judgment"),
    ("colour", "color"), ("Favourite", "favorite"), ("licence", "license"), ("catalogue", "catalog"),
])
def test_both_spellings_fold_to_one(british, american):
    assert fold(british) == fold(american)


@pytest.mark.parametrize("word", ["exercise", "advise", "supervisor", "promise", "size", "four", "hour", "your",
                                  "otherwise", "raise", "noise", "expertise"])
def test_words_spelled_alike_everywhere_are_left_alone(word):
    assert fold(word) == word


def place(key, title, text, kind=search.LESSON, version=""):
    return search.Place(kind, key, title, "Module", text, version=version)


PLACES = [
    place("payers", "Payers and equipment", "Prior authorization for a feeding pump can take weeks; "
                                            "ask the supplier who files it."),
    place("teams", "Working in teams", "The coordinator organised a meeting. Coordinating means one lead. "
                                       "Authorisation is mentioned once here."),
    place("maps", "Care maps", "A map drawn with the family at the kitchen table."),
]


def test_either_spelling_finds_both_and_the_snippet_keeps_each_text_as_written():
    index = search.Index(PLACES)
    for query in ("authorisation", "authorization", "AUTHORISATIONS"):
        hits, every = index.search(query)
        assert every and {h.place.key for h in hits} == {"payers", "teams"}
    teams = next(h for h in index.search("authorization")[0] if h.place.key == "teams")
    assert ("Authorisation", True) in teams.snippet  # marked, and spelled as the lesson spells it


def test_stems_match_and_a_title_outranks_the_text():
    index = search.Index(PLACES)
    assert [h.place.key for h in index.search("coordinated")[0]] == ["teams"]
    assert [h.place.key for h in index.search("organizing")[0]] == ["teams"]
    index.add([place("payers-2", "Authorization, step by step", "Who files what, and when.")])
    assert index.search("authorization")[0][0].place.key == "payers-2"


def test_every_word_first_then_any_word():
    index = search.Index(PLACES)
    hits, every = index.search("kitchen pump")
    assert not every and {h.place.key for h in hits} == {"maps", "payers"}
    assert index.search("kitchen table")[0][0].place.key == "maps"
    assert index.search("zzqxv") == ([], True)


def test_the_snippet_is_the_stretch_with_the_matches_cut_at_words():
    words = [f"w{i}" for i in range(100)]
    words[60] = "needle"
    index = search.Index([place("long", "Long", " ".join(words))])
    [hit] = index.search("needle")[0]
    text = "".join(piece for piece, _ in hit.snippet)
    assert text.startswith("…w45 ") and text.endswith(" w74…")  # 30 words, the match in the middle
    assert [piece for piece, strong in hit.snippet if strong] == ["needle"]
    assert marked(hit.snippet).count("**needle**") == 1


@pytest.mark.parametrize("query", ['"', "NEAR(a b)", "a* OR b", "NOT care", "care AND", "title:map", "^map",
                                   "(((", "\x00map", "map" * 100_000, "'; DROP TABLE place; --", "-map", "+map"])
def test_hostile_queries_find_or_do_not_but_never_raise(query):
    index = search.Index(PLACES)
    hits, _ = index.search(query)
    assert all(isinstance(h.place, search.Place) for h in hits)
    assert len(index.search("map")[0]) == 1  # the index is intact


def test_stories_are_limited_to_those_the_searcher_may_read_and_leave_when_unpublished():
    index = search.Index(PLACES)
    story = place("7", "Coming home", "Our binder of medicines.", kind=search.STORY, version="v1")
    index.sync_stories([story], {("7", "v1")})
    assert index.search("binder", stories=["7"])[0][0].place.key == "7"
    assert index.search("binder", stories=["8"])[0] == []  # indexed, but not readable by this searcher
    index.sync_stories([], set())  # withdrawn: gone from the index itself
    assert index.search("binder", stories=["7"])[0] == []
    index.sync_stories([story, story], {("7", "v1")})  # added once, however often it is offered
    assert len(index.search("binder", stories=["7"])[0]) == 1


def test_the_real_library_finds_lessons_and_case_phases_by_either_spelling():
    index = search.index_for(REAL)
    assert search.index_for(REAL) is index  # built once per library
    british = {(h.place.kind, h.place.key, h.place.phase) for h in index.search("prior authorisation")[0]}
    american = {(h.place.kind, h.place.key, h.place.phase) for h in index.search("prior authorization")[0]}
    assert british == american
    assert ("lesson", "beyond-health-payers-equipment", "") in british  # spelled "authorization" there
    assert any(kind == "lesson" and "equipment-and-home-nursing" in key for kind, key, _ in british)  # "-isation"
    assert any(h.place.kind == "case" and h.place.phase for h in index.search("seizure action plan")[0])


def test_plain_text_loses_markup_and_table_rules():
    assert search.plain("**bold** and [link](https://example.org)\n|---|:--:|\n| a | b |") == "bold and link a · b."


@pytest.mark.parametrize("text", ["-" * 20_000 + "x", "|" + " " * 20_000 + "x", "-\n" * 10_000 + "x", "|" * 20_000])
def test_a_story_made_to_backtrack_is_indexed_at_once(text):
    """Story bodies are written by people: 20,000 dashes once took the table-rule pattern hours (10 s at 2,000).
    Run apart, so a pattern that backtracks fails this test instead of stalling the suite."""
    import subprocess
    import sys

    code = f"from carecoord import search; search.Index([search.Place('story', '1', 't', 'w', {text!r})])"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=20)
