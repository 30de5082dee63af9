"""The effective-level rule, rounds, gaps: worked examples (docs/effective-level.md)."""

from datetime import date, timedelta

import pytest

from carecoord import competency as c
from carecoord.content import load_library

LIBRARY = load_library()


def r(level, kind, when, *, superseded=False, aid=0, code="FP1"):
    return c.Rating(code=code, level=level, rater_kind=kind, assessed_at=when, assessment_id=aid,
                    superseded=superseded)


def test_no_rating_at_all_is_not_enough_evidence(now):
    assert c.effective_level([], now) is None


def test_only_self_ratings_the_latest_counts(now):
    result = c.effective_level([r(2, c.SELF, now - timedelta(days=200)), r(3, c.SELF, now - timedelta(days=10))], now)
    assert (result.level, result.source, result.observer_level) == (3, "self", None)


def test_only_observer(now):
    result = c.effective_level([r(2, c.OBSERVER, now - timedelta(days=30))], now)
    assert (result.level, result.source) == (2, "observer")


def test_both_on_the_same_day_the_observer_counts(now):
    result = c.effective_level([r(4, c.SELF, now), r(3, c.OBSERVER, now)], now)
    assert (result.level, result.source, result.calibration) == (3, "observer", 1)


def test_self_newer_but_within_90_days_of_the_observer(now):
    ratings = [r(2, c.OBSERVER, now - timedelta(days=100)), r(4, c.SELF, now - timedelta(days=20))]
    assert c.effective_level(ratings, now).level == 2  # 80 days apart: the observer still stands


def test_observer_old_and_self_recent_the_self_counts_capped_one_above(now):
    ratings = [r(2, c.OBSERVER, now - timedelta(days=300)), r(5, c.SELF, now - timedelta(days=5))]
    result = c.effective_level(ratings, now)
    assert (result.level, result.source) == (3, "self, capped by observer")
    ratings = [r(2, c.OBSERVER, now - timedelta(days=300)), r(3, c.SELF, now - timedelta(days=5))]
    assert c.effective_level(ratings, now).level == 3


def test_self_recent_may_be_below_an_old_observer(now):
    ratings = [r(4, c.OBSERVER, now - timedelta(days=300)), r(2, c.SELF, now - timedelta(days=5))]
    assert c.effective_level(ratings, now).level == 2


def test_superseded_ratings_do_not_count(now):
    ratings = [r(2, c.SELF, now - timedelta(days=10), aid=1),
               r(5, c.SELF, now - timedelta(days=9), superseded=True, aid=2)]
    assert c.effective_level(ratings, now).level == 2


def test_ratings_older_than_a_year_are_not_evidence(now):
    assert c.effective_level([r(4, c.SELF, now - timedelta(days=365))], now) is None
    assert c.effective_level([r(4, c.SELF, now - timedelta(days=364))], now).level == 4


def test_same_day_ties_are_broken_by_assessment_order(now):
    ratings = [r(2, c.SELF, now, aid=7), r(3, c.SELF, now, aid=8)]
    assert c.effective_level(ratings, now).level == 3


@pytest.mark.parametrize("started, submitted, expected", [
    (date(2026, 1, 15), date(2026, 1, 15), 0),
    (date(2026, 1, 15), date(2026, 4, 14), 0),
    (date(2026, 1, 15), date(2026, 4, 15), 3),
    (date(2026, 1, 15), date(2026, 10, 20), 9),
    (date(2026, 1, 15), date(2027, 1, 15), 12),
    (date(2026, 1, 15), date(2028, 1, 14), 12),
    (date(2026, 1, 15), date(2028, 1, 15), 24),
    (date(2026, 1, 31), date(2026, 4, 30), 0),  # the 31st never comes in April
    (date(2026, 5, 1), date(2026, 3, 1), 0),  # before starting: baseline
])
def test_rounds(started, submitted, expected):
    assert c.round_for(started, submitted) == expected


def test_round_labels():
    assert [c.round_label(m) for m in (0, 3, 12, 24)] == ["Baseline", "3 months", "12 months", "24 months"]


def test_reassessment_is_suggested_after_90_days(now):
    assert c.reassessment_due(None, now)
    assert not c.reassessment_due(now - timedelta(days=89), now)
    assert c.reassessment_due(now - timedelta(days=90), now)


def test_targets_by_role():
    framework = LIBRARY.framework
    assert c.target_for(framework, {"trainee"}) == 3
    assert c.target_for(framework, {"lead", "trainee"}) == 4
    assert c.target_for(framework, set()) == 3


def test_gaps_biggest_first_with_the_modules_that_build_them(now):
    levels = {"FP1": c.Effective(1, "self", now, 1, None), "FP2": c.Effective(2, "self", now, 2, None),
              "FP3": c.Effective(3, "self", now, 3, None)}
    found = c.gaps(LIBRARY, levels, target=3)
    codes = [g.code for g in found]
    assert "FP3" not in codes
    assert codes.index("FP1") < codes.index("FP2")
    assert found[0].level is None and found[0].size == 3  # no evidence is the biggest gap
    fp1 = next(g for g in found if g.code == "FP1")
    assert fp1.modules and all("FP1" in m.competencies for m in fp1.modules)


def test_domain_summaries(now):
    levels = {"FP1": c.Effective(2, "self", now, 2, None), "FP2": c.Effective(4, "self", now, 4, None)}
    fp = c.domain_summaries(LIBRARY.framework, levels, target=3)[0]
    assert (fp.code, fp.mean_level, fp.rated, fp.total, fp.at_target) == ("FP", 3.0, 2, 3, 1)


def test_ninety_days_are_counted_in_the_practice_time_zone():
    from datetime import UTC, datetime

    last = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)  # the evening of 31 December in Chicago
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)  # 31 March everywhere
    assert not c.reassessment_due(last, now, "UTC")  # 1 January to 31 March: 89 days
    assert c.reassessment_due(last, now, "America/Chicago")  # 31 December to 31 March: 90 days
