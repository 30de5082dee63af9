"""Scoring the practice instruments against hand-computed worked examples (docs/measures.md)."""

import pytest

from carecoord import measures as M
from carecoord.content import load_library
from carecoord.content.models import CapabilityInstrument
from carecoord.measures import SurveyResponse, ThemeAnswer

LIBRARY = load_library()
CAPABILITY = LIBRARY.instrument("practice-capability")
RC = LIBRARY.instrument("relational-coordination")
CC, NURSE, PARTNER = "care coordinator", "nurse", "family partner"


# ---------------------------------------------------------------- capability


@pytest.mark.parametrize(("level", "complete", "points"),
                         [(1, False, 1), (1, True, 2), (2, False, 3), (3, True, 6), (4, False, 7), (4, True, 8)])
def test_theme_points_are_two_per_level_less_one_if_partial(level, complete, points):
    assert M.theme_points(level, complete) == points


@pytest.mark.parametrize("level", [0, 5])
def test_theme_levels_outside_1_to_4_are_refused(level):
    with pytest.raises(ValueError):
        M.theme_points(level, True)


def test_capability_percent_worked_example():
    # Four themes: L2 partial (3), L3 complete (6), L1 complete (2), L4 partial (7) = 18 points.
    # (18 - 4) / (7 * 4) * 100 = 14 / 28 * 100 = 50.
    assert M.capability_percent([3, 6, 2, 7]) == pytest.approx(50.0)
    assert M.capability_percent([1] * 25) == 0
    assert M.capability_percent([8] * 25) == 100
    assert M.capability_percent([]) is None


SMALL = CapabilityInstrument.model_validate({
    "id": "small", "kind": "capability", "title": "Small", "modelled_on": "a test",
    "domains": [
        {"id": "a", "title": "A", "themes": [
            {"id": "a1", "title": "A1", "levels": {1: "x", 2: "x", 3: "x", 4: "x"}},
            {"id": "a2", "title": "A2", "levels": {1: "x", 2: "x", 3: "x", 4: "x"}}]},
        {"id": "b", "title": "B", "themes": [
            {"id": "b1", "title": "B1", "levels": {1: "x", 2: "x", 3: "x", 4: "x"}}]},
    ],
})


def test_capability_domains_and_overall_worked_example():
    answers = {"a1": ThemeAnswer(2, False), "a2": ThemeAnswer(3, True), "b1": ThemeAnswer(4, False)}
    score = M.score_capability(SMALL, answers)
    # A: 3 + 6 = 9 points over 2 themes: (9 - 2) / 14 * 100 = 50.
    assert score.domain("a").percent == pytest.approx(50.0)
    # B: 7 points over 1 theme: (7 - 1) / 7 * 100 = 85.71.
    assert score.domain("b").percent == pytest.approx(600 / 7)
    # Overall over all 3 themes (not the mean of the domains): (16 - 3) / 21 * 100 = 61.90.
    assert score.overall == pytest.approx(1300 / 21)
    assert score.complete


def test_capability_scores_wait_for_every_theme_of_their_scope():
    score = M.score_capability(SMALL, {"a1": ThemeAnswer(2, False), "b1": ThemeAnswer(1, True)})
    assert score.domain("a").percent is None and score.domain("a").answered == 1
    assert score.domain("b").percent == pytest.approx(100 / 7)
    assert score.overall is None and not score.complete


def test_the_real_capability_instrument_scores_0_to_100():
    assert len(CAPABILITY.domains) == 6 and len(CAPABILITY.themes) == 25
    top = M.score_capability(CAPABILITY, {t.id: ThemeAnswer(4, True) for t in CAPABILITY.themes})
    bottom = M.score_capability(CAPABILITY, {t.id: ThemeAnswer(1, False) for t in CAPABILITY.themes})
    assert top.overall == 100 and all(d.percent == 100 for d in top.domains)
    assert bottom.overall == 0 and all(d.percent == 0 for d in bottom.domains)


# ---------------------------------------------------------------- relational coordination


def scores(*values):
    return dict(zip(("frequency", "timeliness", "accuracy", "problem_solving", "shared_goals", "shared_knowledge",
                     "mutual_respect"), values, strict=True))


def flat(value):
    return scores(*[value] * 7)


# Three care coordinators rate nurses (ties 4.0, 3.0, 5.0), two of them also family partners and
# themselves; four nurses rate care coordinators (ties 2, 2, 3, 3).
WORKED = [
    SurveyResponse(CC, {NURSE: scores(5, 4, 4, 3, 4, 3, 5), PARTNER: flat(4), CC: flat(1)}),
    SurveyResponse(CC, {NURSE: scores(3, 3, 4, 4, 2, 3, 2), PARTNER: flat(2), CC: flat(1)}),
    SurveyResponse(CC, {NURSE: flat(5), CC: flat(1)}),
    SurveyResponse(NURSE, {CC: flat(2)}),
    SurveyResponse(NURSE, {CC: flat(2)}),
    SurveyResponse(NURSE, {CC: flat(3)}),
    SurveyResponse(NURSE, {CC: flat(3)}),
]


def worked_result(responses=WORKED):
    tallies, _ = M.tally(responses)
    return M.score_relational(RC, tallies, len(responses))


def test_matrix_cells_are_mean_ties_with_their_subscales():
    result = worked_result()
    cell = result.cell(CC, NURSE)
    assert cell.tie.respondents == 3
    assert cell.tie.value == pytest.approx((4 + 3 + 5) / 3)  # ties 28/7, 21/7, 35/7
    assert cell.communication.value == pytest.approx((16 + 14 + 20) / 12)  # 4.1667
    assert cell.relationship.value == pytest.approx((12 + 7 + 15) / 9)  # 3.7778
    assert result.cell(NURSE, CC).tie.value == pytest.approx(2.5)
    assert result.cell(CC, CC).tie.value == pytest.approx(1.0)  # within a discipline: shown in the matrix


def test_index_and_subscales_are_means_over_cross_discipline_ties():
    result = worked_result()
    # Seven cross-discipline ties in shown cells: 4, 3, 5 (to nurses) and 2, 2, 3, 3 (to coordinators).
    # The mean of ties (22/7 = 3.14), not the mean of the two cell means (3.25); the coordinators'
    # ratings of their own discipline (1.0) are left out.
    assert result.index.value == pytest.approx(22 / 7)
    assert result.communication.value == pytest.approx((50 + 40) / (12 + 16))  # 3.2143
    assert result.relationship.value == pytest.approx((34 + 30) / (9 + 12))  # 3.0476
    assert result.dimensions["frequency"].value == pytest.approx((5 + 3 + 5 + 2 + 2 + 3 + 3) / 7)
    assert result.pairs_pooled == 2
    assert result.rated_by_others[NURSE].value == pytest.approx(4.0)
    assert result.rated_by_others[CC].value == pytest.approx(2.5)


def test_nothing_from_fewer_than_3_respondents_is_shown():
    result = worked_result()
    partner = result.cell(CC, PARTNER)
    assert partner.tie.respondents == 2 and not partner.tie.shown and partner.tie.text() == "fewer than 3"
    assert not result.rated_by_others[PARTNER].shown
    # The hidden cell (mean 3.0) is not pooled into the index either, so it cannot be worked out by subtraction.
    assert result.index.value == pytest.approx(22 / 7)


def test_two_respondents_hide_a_cell_and_the_third_shows_it():
    two = worked_result(WORKED[:2])
    assert not two.cell(CC, NURSE).tie.shown
    assert not two.index.shown and two.index.text() == "fewer than 3"
    assert not two.communication.shown and not two.relationship.shown
    three = worked_result(WORKED[:3])
    assert three.cell(CC, NURSE).tie.value == pytest.approx(4.0)
    assert three.index.value == pytest.approx(4.0)


def test_frequency_is_scored_as_coded_so_about_right_is_best():
    frequency = RC.dimensions[0]
    assert frequency.id == "frequency"
    best = max(frequency.options, key=lambda o: o.score)
    assert best.label == "About the right amount" and best.score == 5
    assert [o.score for o in frequency.options] == [1, 3, 5, 4, 2]


@pytest.mark.parametrize(("response", "message"), [
    (SurveyResponse(CC, {NURSE: {"frequency": 3}}), "all seven"),
    (SurveyResponse(CC, {"astronaut": flat(3)}), "not one of"),
    (SurveyResponse(CC, {NURSE: flat(6)}), "from 1 to 5"),
    (SurveyResponse(CC, {}), "at least one"),
    (SurveyResponse(" ", {NURSE: flat(3)}), "discipline"),
])
def test_incomplete_or_strange_answers_are_refused(response, message):
    with pytest.raises(ValueError, match=message):
        M.check_response(RC, response)


def test_bands():
    assert (M.band(3.2), M.band(3.5), M.band(4.0), M.band(4.3), M.band(None)) == (
        "weak", "moderate", "moderate", "strong", "")
