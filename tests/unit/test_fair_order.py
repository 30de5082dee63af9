"""Choices in a fair order: shuffled per person and item, stable on a revisit, answers kept by id."""

from collections import Counter
from dataclasses import dataclass

import pytest

from carecoord import learning, ordering
from carecoord.content import load_library
from carecoord.content.models import Check, Choice
from carecoord.content.quality import gives_away_by_length, length_cues
from tests.content_fixtures import make_content_root


@dataclass(frozen=True)
class Item:
    name: str
    fixed_order: bool = False


FOUR = [Item("a"), Item("b"), Item("c"), Item("d")]


def names(items):
    return "".join(item.name for item in items)


def test_the_same_person_sees_the_same_order_every_time():
    first = names(ordering.shown_order(7, "q1", FOUR))
    assert all(names(ordering.shown_order(7, "q1", FOUR)) == first for _ in range(5))
    assert sorted(first) == list("abcd")  # a reordering, nothing lost or doubled


def test_orders_differ_between_people_and_between_items():
    by_person = {names(ordering.shown_order(person, "q1", FOUR)) for person in range(40)}
    by_item = {names(ordering.shown_order(7, f"q{n}", FOUR)) for n in range(40)}
    assert len(by_person) > 10 and len(by_item) > 10  # of 24 possible orders


def test_over_many_people_each_choice_is_first_about_equally_often():
    # 4000 people: each of 4 choices should be first about 1000 times; a fair shuffle stays within
    # +-15% (the standard deviation is about 27, so this fails only on a real bias).
    firsts = Counter(ordering.shown_order(person, "q1", FOUR)[0].name for person in range(4000))
    assert set(firsts) == set("abcd")
    assert all(850 <= n <= 1150 for n in firsts.values()), firsts
    lasts = Counter(ordering.shown_order(person, "q1", FOUR)[-1].name for person in range(4000))
    assert all(850 <= n <= 1150 for n in lasts.values()), lasts


def test_a_fixed_choice_keeps_its_place():
    items = [Item("a"), Item("b"), Item("c"), Item("none", fixed_order=True)]
    orders = {names(ordering.shown_order(person, "q1", items)) for person in range(50)}
    assert all(order.endswith("none") for order in orders) and len(orders) > 3


def check(*choices, multiple=False):
    return Check(id="q", prompt="?", multiple=multiple, choices=choices)


def test_choices_without_ids_are_named_by_their_letter_and_ids_may_be_given():
    plain = check(Choice(text="Yes", correct=True, feedback="."), Choice(text="No", feedback="."))
    assert [c.id for c in plain.choices] == ["a", "b"] and plain.correct_ids == {"a"}
    named = check(Choice(id="call-first", text="Call", correct=True, feedback="."),
                  Choice(text="Wait", feedback="."))
    assert [c.id for c in named.choices] == ["call-first", "b"]
    with pytest.raises(ValueError, match="choice ids repeat"):
        check(Choice(id="b", text="Yes", correct=True, feedback="."), Choice(text="No", feedback="."))


def test_feedback_follows_the_order_shown_and_old_answers_by_position_still_read():
    three = check(Choice(text="A", correct=True, feedback="1"), Choice(text="B", correct=True, feedback="2"),
                  Choice(text="C", feedback="3"), multiple=True)
    result = learning.mark(three, frozenset({"a", "b"}), shown=("c", "b", "a"))
    assert result.correct and [text for text, _, _ in result.feedback] == ["B", "A"]
    # An answer stored before choices had ids holds file positions: position 1 is choice "b".
    assert learning.recorded_choices(three, [0, 1]) == {"a", "b"}
    assert learning.recorded_choices(three, ["c"]) == {"c"}
    assert learning.recorded_choices(three, [9]) == frozenset()  # a position the check no longer has


@pytest.mark.parametrize(("lengths", "gives_away"), [
    ([(121, True), (100, False), (40, False)], True),    # 121 > 1.2 x 100
    ([(120, True), (100, False), (40, False)], False),   # exactly 20% longer: allowed
    ([(200, False), (100, True)], False),                # the longest is wrong
    ([(130, True), (100, True), (50, False)], True),     # multi-answer: the longest is right and stands out
])
def test_the_length_rule_with_worked_examples(lengths, gives_away):
    assert gives_away_by_length(lengths) is gives_away


def test_validate_names_the_file_and_line_of_a_check_that_gives_itself_away(tmp_path):
    root = make_content_root(tmp_path)
    lesson = root / "curriculum" / "01-test-module" / "01-first.md"
    lesson.write_text(lesson.read_text().replace("      - text: Right\n",
                                                 "      - text: Right, and a long explanation of why\n"))
    cues = length_cues(load_library(root))
    assert [(c.path, c.field) for c in cues] == [("curriculum/01-test-module/01-first.md", "first-lesson-q1")]
    assert cues[0].line == lesson.read_text().splitlines().index("  - id: first-lesson-q1") + 1
