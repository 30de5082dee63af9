"""The achievement rule and sign-off on top of the provisional level: worked examples (docs/effective-level.md)."""

from datetime import date, datetime, timedelta, timezone

import pytest

from carecoord import competency as c
from carecoord.content.models import AchievementRule

TODAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
REACH = AchievementRule()  # 3 observations, 2 assessors, 365 days, reach
MEAN = AchievementRule(combine="mean_of_latest")


def o(level, assessor, days_ago, oid, code="FP1"):
    return c.Observed(code, level, assessor, TODAY - timedelta(days=days_ago), oid)


def test_three_observations_from_two_assessors_reach_the_level():
    found = c.achieved_level([o(3, 1, 100, 1), o(3, 2, 50, 2), o(4, 1, 10, 3)], REACH, TODAY)
    assert (found.level, found.assessors, [x.observation_id for x in found.counted]) == (3, 2, [3, 2, 1])


def test_one_assessor_alone_never_achieves_however_many_times():
    assert c.achieved_level([o(4, 1, d, d) for d in (10, 20, 30, 40)], REACH, TODAY) is None


def test_two_observations_are_not_enough():
    assert c.achieved_level([o(4, 1, 10, 1), o(4, 2, 20, 2)], REACH, TODAY) is None


def test_reach_takes_the_highest_level_enough_observations_reach():
    # Levels 2, 3, 5 from three assessors: all three reach 2; only two reach 3.
    found = c.achieved_level([o(2, 1, 30, 1), o(3, 2, 20, 2), o(5, 3, 10, 3)], REACH, TODAY)
    assert found.level == 2


def test_expired_observations_do_not_count():
    # The one from 400 days ago is outside the 365-day window; the two left are not enough.
    assert c.achieved_level([o(3, 1, 400, 1), o(3, 2, 50, 2), o(3, 3, 10, 3)], REACH, TODAY) is None
    # Exactly 365 days ago is outside too (the window is the last 365 days, today included).
    assert c.achieved_level([o(3, 1, 365, 1), o(3, 2, 50, 2), o(3, 3, 10, 3)], REACH, TODAY) is None
    assert c.achieved_level([o(3, 1, 364, 1), o(3, 2, 50, 2), o(3, 3, 10, 3)], REACH, TODAY).level == 3


def test_future_observations_do_not_count():
    assert c.achieved_level([o(3, 1, -1, 1), o(3, 2, 50, 2), o(3, 3, 10, 3)], REACH, TODAY) is None


def test_mean_of_latest_rounds_down():
    # Latest three: 3, 3, 2 (mean 2.67) -> 2; the older 5 is not among the latest three.
    found = c.achieved_level([o(5, 1, 200, 1), o(2, 1, 30, 2), o(3, 2, 20, 3), o(3, 3, 10, 4)], MEAN, TODAY)
    assert (found.level, [x.observation_id for x in found.counted]) == (2, [4, 3, 2])


def test_mean_of_latest_ties_on_a_day_go_to_the_later_recorded():
    # Four on the same day: the three with the highest ids are the latest.
    found = c.achieved_level([o(1, 1, 5, 1), o(4, 2, 5, 2), o(4, 3, 5, 3), o(4, 1, 5, 4)], MEAN, TODAY)
    assert (found.level, [x.observation_id for x in found.counted]) == (4, [4, 3, 2])


def test_mean_of_latest_needs_the_assessors_among_the_latest():
    assert c.achieved_level([o(4, 2, 100, 1), o(4, 1, 20, 2), o(4, 1, 10, 3), o(4, 1, 5, 4)], MEAN, TODAY) is None


def test_erased_assessors_count_as_one():
    assert c.achieved_level([o(3, None, 30, 1), o(3, None, 20, 2), o(3, 1, 10, 3)], REACH, TODAY).assessors == 2
    assert c.achieved_level([o(3, None, 30, 1), o(3, None, 20, 2), o(3, None, 10, 3)], REACH, TODAY) is None


def test_the_rule_refuses_more_assessors_than_observations():
    with pytest.raises(ValueError):
        AchievementRule(min_observations=2, min_assessors=3)


# ---------------------------------------------------------------- standing: sign-off, observations, provisional


def provisional(level, kind=c.SELF):
    return c.Effective(level, kind, NOW - timedelta(days=5), level if kind == c.SELF else None,
                       level if kind == c.OBSERVER else None)


SIGNED = c.SignOff("FP1", 3, NOW - timedelta(days=2), "Lead", 1)
ENOUGH = [o(3, 1, 100, 1), o(3, 2, 50, 2), o(3, 3, 10, 3)]


def test_only_self_ratings_give_a_provisional_level_never_a_signed_off_one():
    result = c.standings({"FP1": provisional(4)}, [], [], REACH, TODAY)["FP1"]
    assert (result.level, result.source, result.signed_off) == (4, "self", False)


def test_observations_that_meet_the_rule_outrank_a_self_rating():
    result = c.standings({"FP1": provisional(5)}, ENOUGH, [], REACH, TODAY)["FP1"]
    assert (result.level, result.source, result.signed_off, result.self_level) == (3, "observations", False, 5)


def test_a_sign_off_counts_and_is_not_provisional():
    result = c.standings({"FP1": provisional(2)}, ENOUGH, [SIGNED], REACH, TODAY)["FP1"]
    assert (result.level, result.source, result.signed_off) == (3, "signed off", True)


def test_a_withdrawn_sign_off_falls_back_to_what_the_evidence_shows():
    # The store passes live sign-offs only: withdrawn, the observations decide again, else the ratings.
    assert c.standings({"FP1": provisional(2)}, ENOUGH, [], REACH, TODAY)["FP1"].source == "observations"
    assert c.standings({"FP1": provisional(2)}, ENOUGH[:2], [], REACH, TODAY)["FP1"].level == 2


def test_a_sign_off_alone_with_no_ratings_is_still_shown():
    result = c.standings({}, [], [SIGNED], REACH, TODAY)
    assert result["FP1"].level == 3 and result["FP1"].self_level is None


def test_nothing_at_all_is_not_enough_evidence():
    assert c.standings({}, [], [], REACH, TODAY) == {}


def test_progress_sentence_says_what_is_missing():
    assert c.progress_towards(ENOUGH[:2], REACH, TODAY, 3) == (
        "2 of 3 observations at level 3 or above, from 2 of 2 assessors, in the last 365 days")


def test_the_rule_in_words_follows_its_parameters():
    assert c.rule_sentence(REACH) == ("at least 3 observations by at least 2 different assessors in the last 365 days "
                                      "reach it")
    assert c.rule_sentence(MEAN).startswith("the mean of the latest 3 observations")


def test_what_a_level_rests_on_in_words():
    signed = c.standings({}, [], [SIGNED], REACH, TODAY)["FP1"]
    assert c.rests_on(signed, [], SIGNED, REACH, TODAY).startswith("signed off at level 3 by Lead on ")
    observed = c.standings({"FP1": provisional(5)}, ENOUGH, [], REACH, TODAY)["FP1"]
    assert c.rests_on(observed, ENOUGH, None, REACH, TODAY) == (
        "3 observations by 3 assessors reach level 3, the latest on 26 Nov 2026; provisional until a lead signs "
        "it off")
    self_only = provisional(4)
    assert c.rests_on(self_only, ENOUGH[:1], None, REACH, TODAY) == (
        "your self-rating (4); provisional, no observations at this level yet")
    assert c.rests_on(provisional(3), ENOUGH[:2], None, REACH, TODAY) == (
        "your self-rating (3); provisional, 2 of the 3 observations needed at this level")
