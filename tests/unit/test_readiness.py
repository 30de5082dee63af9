"""Team readiness: statuses against target, shares per domain, growth by round, calibration, gap readings."""

from datetime import UTC, datetime, timedelta

import pytest

from carecoord import readiness as R
from carecoord.competency import OBSERVER, SELF, Effective, Rating, effective_levels
from carecoord.content import load_library
from carecoord.measures import CapabilityDomainScore, CapabilityScore

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
FP = FRAMEWORK.domains[0]  # Family partnership: FP1, FP2, FP3


def member(pid, name, target=3):
    return R.Member(id=pid, name=name, roles=frozenset({"trainee"}), discipline="care coordinator", target=target)


def eff(level, self_level=None, observer_level=None):
    return Effective(level, "self", NOW, self_level, observer_level)


@pytest.mark.parametrize(("level", "target", "expected"), [
    (None, 3, R.NO_EVIDENCE), (1, 3, R.FAR_BELOW), (2, 3, R.BELOW), (2.5, 3, R.BELOW), (1.9, 3, R.FAR_BELOW),
    (3, 3, R.AT_TARGET), (3.9, 3, R.AT_TARGET), (4, 3, R.ABOVE), (4, 4, R.AT_TARGET), (3, 4, R.BELOW),
])
def test_status_against_target(level, target, expected):
    assert R.status(level, target) == expected


def test_count_text_hides_groups_under_3():
    assert R.count_text(1, 2) == "fewer than 3"
    assert R.count_text(2, 3) == "2 of 3 (67%)"
    assert R.count_text(0, 8) == "0 of 8 (0%)"


def test_domain_readiness_worked_example():
    codes = [c.code for c in FP.competencies]
    amara, ben, chloe, dev = member(1, "Amara"), member(2, "Ben"), member(3, "Chloe"), member(4, "Dev", target=4)
    levels = {
        1: {codes[0]: eff(3), codes[1]: eff(4), codes[2]: eff(2)},  # mean 3.0: at target 3
        2: {codes[0]: eff(2), codes[1]: eff(3), codes[2]: eff(3)},  # mean 2.67: below
        # Chloe: no evidence at all
        4: {codes[0]: eff(4), codes[1]: eff(4), codes[2]: eff(3)},  # mean 3.67, target 4: below
    }
    fp = R.domain_readiness(LIBRARY, [amara, ben, chloe, dev], levels)[0]
    assert fp.code == "FP"
    assert (fp.at_target, fp.team, fp.without_evidence) == (1, 4, 1)
    assert fp.text == "1 of 4 (25%)"
    below = {m.name: value for m, value in fp.below}
    assert below["Chloe"] is None
    assert below["Ben"] == pytest.approx(8 / 3) and below["Dev"] == pytest.approx(11 / 3)
    assert "Amara" not in below
    assert {m.id for m in fp.modules} == {m.id for code in codes for m in LIBRARY.modules_building(code)}
    assert fp.modules  # the framework's first domain is built by at least one module

    two = R.domain_readiness(LIBRARY, [amara, ben], levels)[0]
    assert two.share is None and two.text == "fewer than 3"


def rating(code, level, kind, when):
    return Rating(code=code, level=level, rater_kind=kind, assessed_at=when)


def point(pid, round_months, as_of, ratings):
    """A person at a round close, with the levels the store works out from these candidates."""
    return R.RoundPoint(pid, round_months, as_of, 3, effective_levels(ratings, as_of))


def test_growth_by_round_counts_people_at_target_at_each_round():
    codes = [c.code for c in FP.competencies]
    start = NOW - timedelta(days=200)
    points = []
    for pid, level in ((1, 2), (2, 2), (3, 4)):  # baseline: one of three at target
        points.append(point(pid, 0, start, [rating(c, level, SELF, start) for c in codes]))
    later = start + timedelta(days=95)
    for pid in (1, 2, 3):
        ratings = [rating(c, 4, SELF, later) for c in codes]
        if pid == 1:
            # An observer rated person 1 at 2 ten days before: the observer rating stands (< 90 days newer self).
            ratings += [rating(c, 2, OBSERVER, later - timedelta(days=10)) for c in codes]
        points.append(point(pid, 3, later, ratings))
    points.append(point(4, 6, later, [rating(c, 5, SELF, later) for c in codes]))
    shares = {(s.round_months, s.domain): s for s in R.growth_by_round(FRAMEWORK, points)}
    assert shares[(0, "FP")].text == "1 of 3 (33%)"
    assert shares[(3, "FP")].text == "2 of 3 (67%)"
    assert shares[(6, "FP")].share is None  # one person: not shown
    assert (0, "CM") not in shares  # nobody has evidence there


def test_calibration_per_person_and_per_domain():
    codes = [c.code for c in FP.competencies]
    people = [member(i, f"P{i}") for i in range(1, 5)]
    levels = {
        1: {codes[0]: eff(3, 4, 3), codes[1]: eff(3, 4, 3)},  # +1, +1
        2: {codes[0]: eff(2, 2, 3)},  # -1
        3: {codes[0]: eff(3, 3, 3)},  # 0
        4: {codes[0]: eff(3, 3, None)},  # no observer
    }
    per_person, per_domain = R.calibration(FRAMEWORK, people, levels)
    by_name = {p.member.name: p for p in per_person}
    assert by_name["P1"].mean_difference == 1 and by_name["P1"].reading == "rates self higher than observed"
    assert by_name["P2"].reading == "rates self lower than observed"
    assert by_name["P3"].reading == "close to observed"
    assert by_name["P4"].compared == 0 and by_name["P4"].reading == "no observer rating yet"
    fp = next(d for d in per_domain if d.code == "FP")
    assert fp.people == 3 and fp.mean_difference == pytest.approx(0.0)  # (1 - 1 + 0) / 3
    cm = next(d for d in per_domain if d.code == "CM")
    assert cm.people == 0 and cm.mean_difference is None


def capability(**percents):
    domains = tuple(CapabilityDomainScore(i, i, 1, 1, p) for i, p in percents.items())
    return CapabilityScore(domains, len(domains), len(domains), 50.0)


def readiness_row(code, at, team):
    return R.DomainReadiness(code, code, team, at, 0, (), ())


def test_people_gaps_and_system_gaps():
    rows = [readiness_row("FP", 1, 10), readiness_row("IM", 8, 10), readiness_row("AS", 2, 10),
            readiness_row("PP", 9, 10), readiness_row("RL", 1, 2)]
    score = capability(**{"family-partnership": 70.0, "data-and-improvement": 20.0, "population-and-needs": 30.0,
                          "leadership-and-capacity": 80.0, "community-and-cross-system": 10.0})
    verdicts = {g.code: g.verdict for g in R.people_and_system_gaps(rows, score, {})}
    assert verdicts == {"FP": "people gap", "IM": "system gap", "AS": "people and system gap", "PP": "no gap",
                        "RL": "system gap (too few people to judge)"}
    unmeasured = {g.code: g.verdict for g in R.people_and_system_gaps(rows[:2], None, {})}
    assert unmeasured == {"FP": "people gap (capability not measured)", "IM": "no people gap (capability not measured)"}


def test_every_competency_domain_links_to_a_real_capability_domain():
    capability_ids = {d.id for d in LIBRARY.instrument("practice-capability").domains}
    assert set(R.CAPABILITY_LINKS) == {d.code for d in FRAMEWORK.domains}
    assert set(R.CAPABILITY_LINKS.values()) <= capability_ids


def test_export_rows_give_every_person_every_competency_with_its_source():
    codes = [c.code for c in FP.competencies]
    amara, chloe = member(1, "Amara"), member(3, "Chloe")
    lead = R.Member(id=5, name="Lena", roles=frozenset({"lead", "trainee"}), discipline="nurse", target=4)
    levels = {1: {codes[0]: Effective(4, "self, capped by observer", NOW, 5, 3)}}
    rows = R.export_rows(FRAMEWORK, [amara, chloe, lead], levels)
    assert len(rows) == 3 * len(FRAMEWORK.competencies)
    first = rows[0]
    assert (first["Person"], first["Competency code"], first["Level now"], first["Target"]) == ("Amara", codes[0], 4, 3)
    assert (first["From"], first["Signed off"], first["Self"], first["Observer"], first["As of"]) == (
        "self-rating capped by an observer's, provisional", "no, provisional", 5, 3, NOW.date().isoformat())
    assert first["Against target"] == R.ABOVE
    second = rows[1]
    assert (second["Level now"], second["From"], second["Against target"]) == (None, "not enough evidence",
                                                                             R.NO_EVIDENCE)
    assert {r["Role"] for r in rows if r["Person"] == "Lena"} == {"Care coordinator (trainee), Practice lead"}


def test_person_summaries_put_the_heatmap_in_one_row_per_person():
    codes = [c.code for c in FRAMEWORK.competencies]
    amara, chloe = member(1, "Amara"), member(3, "Chloe")  # target 3
    levels = {1: {codes[0]: Effective(4, "signed off", NOW, None, None, signed_off=True),
                  codes[1]: Effective(1, "self", NOW, 1, None), codes[2]: Effective(2, "observer", NOW, None, 2)}}
    amara_row, chloe_row = R.person_summaries(FRAMEWORK, [amara, chloe], levels)
    assert amara_row["At target"] == f"1 of {len(codes)} (1 signed off)"
    # No evidence is furthest below, then the lowest levels: the first codes without evidence come first.
    assert amara_row["Furthest below"] == f"{codes[3]} –, {codes[4]} –, {codes[5]} –"
    assert chloe_row == {"Person": "Chloe", "At target": f"0 of {len(codes)}",
                         "Furthest below": f"{codes[0]} –, {codes[1]} –, {codes[2]} –"}
