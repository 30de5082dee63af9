"""Item statistics worked by hand on six learners and three checks."""

import math

import pytest

from carecoord import item_analysis as IA
from carecoord.content import load_library

REAL = load_library()
A, B, C = [c for lesson in REAL.lessons for c in lesson.checks if not c.multiple][:3]
RIGHT = {"A": "RRRWWW", "B": "RRWRWW", "C": "RWRWWR"}  # learners 1-6, in order


def answers(pattern=RIGHT, learners=6):
    made = []
    for name, check in (("A", A), ("B", B), ("C", C)):
        wrong = next(c.id for c in check.choices if not c.correct)
        for n in range(learners):
            right = pattern[name][n] == "R"
            made.append(IA.FirstAnswer(f"p{n}", check.id, check.correct_ids if right else frozenset({wrong}), right))
    return made


def stats_of(found, check):
    return next(s for s in found if s.check.id == check.id)


def test_facility_discrimination_and_wrong_picks_by_hand():
    # A: right for learners 1-3. Their share right on B and C: 1, 1/2, 1/2 (mean 2/3); learners 4-6: 1/2, 0, 1/2
    # (mean 1/3). All six: mean 1/2, SD sqrt(1/12); p = 1/2. r = (2/3 - 1/3) / sqrt(1/12) * 1/2 = 1/sqrt(3).
    a = stats_of(IA.analyse(REAL, answers()), A)
    assert (a.answered, a.facility) == (6, 0.5)
    assert a.discrimination == pytest.approx(1 / math.sqrt(3))
    first_wrong = next(c.id for c in A.choices if not c.correct)
    assert dict(a.wrong_picks)[first_wrong] == 3 and sum(n for _, n in a.wrong_picks) == 3
    assert a.flags() == []


def test_point_biserial_is_none_when_nothing_varies():
    assert IA.point_biserial([(True, 0.5), (True, 0.2)]) is None
    assert IA.point_biserial([(True, 0.5), (False, 0.5)]) is None
    assert IA.point_biserial([(True, 1.0), (False, 0.0)]) == pytest.approx(1.0)


def test_fewer_than_five_learners_show_no_figures():
    found = IA.analyse(REAL, answers(learners=4))
    a = stats_of(found, A)
    assert (a.answered, a.facility, a.discrimination, a.wrong_picks, a.shown, a.flags()) == (4, None, None, (), False, [])
    assert stats_of(found, REAL.lessons[-1].checks[-1]).answered == 0
    assert [IA.shown_count(n) for n in (0, 1, 4, 5, 12)] == ["0", "fewer than 5", "fewer than 5", "5", "12"]


def test_flags_name_what_an_author_should_look_at():
    easy = {"A": "RRRRRRRRRR", "B": "RRRRRWWWWW", "C": "RRRRWRWWWW"}
    misleading = {"A": "WWWWWRRRRR", "B": "RRRRRWWWWW", "C": "RRRRWRWWWW"}  # the weaker learners get it right
    assert stats_of(IA.analyse(REAL, answers(easy, 10)), A).flags() == ["too easy"]
    flags = stats_of(IA.analyse(REAL, answers(misleading, 10)), A).flags()
    assert "does not separate" in flags
    hard = {"A": "RWWWWWWWWW", "B": "RRRRRWWWWW", "C": "RRRRWRWWWW"}
    assert stats_of(IA.analyse(REAL, answers(hard, 10)), A).flags() == [
        "too hard", "a wrong choice is picked more than the right one"]


def test_the_csv_rows_hide_small_wrong_choice_groups_and_neutralise_formulas():
    from carecoord import export

    rows = IA.rows([stats_of(IA.analyse(REAL, answers()), A)])
    first_wrong = next(c.id for c in A.choices if not c.correct)
    assert rows[0]["Wrong choices picked"].startswith(f"{first_wrong}: fewer than 5")
    assert (rows[0]["Answered"], rows[0]["Right first time"], rows[0]["Separates"]) == (6, "50%", "0.58")
    text = export.to_csv([{**rows[0], "Question": "=HYPERLINK(1)"}])
    assert "=HYPERLINK" not in text.replace("'=HYPERLINK", "")
