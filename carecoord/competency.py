"""Where a person stands on each competency: rounds, the effective-level rule, gaps. Pure functions.

The one rule for "where is this person now" is `effective_level`; every screen (a trainee's own
pages and their lead's team views) uses it, so they cannot disagree. See docs/effective-level.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from statistics import mean
from typing import Literal, NamedTuple

from carecoord.clock import day, local_date
from carecoord.content.models import AchievementRule, Framework, Library, Module

SELF = "self"
OBSERVER = "observer"
RaterKind = Literal["self", "observer"]

EVIDENCE_KINDS = {
    "knows": "Knows (I have read or been taught about it)",
    "knows_how": "Knows how (I can explain how I would do it)",
    "shows_how": "Shows how (I have done it in practice or role-play)",
    "does": "Does (I do it in my everyday work)",
}
# The same four kinds in an observer's words: what they saw, not what the trainee knows of themselves.
OBSERVED_EVIDENCE_KINDS = {
    "knows": "Knows (could tell me what it involves)",
    "knows_how": "Knows how (explained to me how they would do it)",
    "shows_how": "Shows how (I saw them do it in a simulation, role-play or with support)",
    "does": "Does (I saw them do it in their everyday work)",
}


def evidence_kinds(rater_kind: str) -> dict[str, str]:
    """The evidence choices in the rater's own words."""
    return OBSERVED_EVIDENCE_KINDS if rater_kind == OBSERVER else EVIDENCE_KINDS


MAX_NOTE_CHARS = 1000

STALE_AFTER = timedelta(days=365)  # older ratings are not evidence of where someone is now
OBSERVER_STANDS_FOR = timedelta(days=90)  # a later self-rating within this does not override an observer
REASSESS_AFTER = timedelta(days=90)


class Rating(NamedTuple):
    """One candidate rating of one competency, as the store returns it.

    A named tuple rather than a frozen dataclass: a team's history builds tens of thousands of
    these per page, and a tuple is made several times faster (bench/README.md).
    """

    code: str
    level: int
    rater_kind: RaterKind
    assessed_at: datetime
    assessment_id: int = 0
    superseded: bool = False


@dataclass(frozen=True)
class Effective:
    level: int
    source: Literal["self", "observer", "self, capped by observer", "observations", "signed off"]
    as_of: datetime
    self_level: int | None
    observer_level: int | None
    signed_off: bool = False  # everything else is provisional until a named person signs it off

    @property
    def calibration(self) -> int | None:
        """Self minus observer: positive when the person rates themselves higher."""
        if self.self_level is None or self.observer_level is None:
            return None
        return self.self_level - self.observer_level


def effective_level(ratings: Iterable[Rating], now: datetime) -> Effective | None:
    """The level that counts now for ONE competency, or None when there is not enough evidence.

    1. Superseded ratings and ratings older than a year are ignored.
    2. The latest self-rating and the latest observer rating are found.
    3. Only one kind: it counts.
    4. Both: the observer rating counts unless the self-rating is more than 90 days newer; then the
       self-rating counts, but at most one level above the observer's.
    """
    # One pass (a team's readiness asks this hundreds of times per page: bench/README.md).
    latest_self = latest_observer = None
    for r in ratings:
        if r.superseded or r.assessed_at > now or now - r.assessed_at >= STALE_AFTER:
            continue
        if r.rater_kind == SELF:
            if latest_self is None or _order(r) > _order(latest_self):
                latest_self = r
        elif latest_observer is None or _order(r) > _order(latest_observer):
            latest_observer = r
    self_level = latest_self.level if latest_self else None
    observer_level = latest_observer.level if latest_observer else None
    if latest_self is None and latest_observer is None:
        return None
    if latest_observer is None:
        return Effective(latest_self.level, SELF, latest_self.assessed_at, self_level, None)
    if latest_self is None or latest_self.assessed_at - latest_observer.assessed_at <= OBSERVER_STANDS_FOR:
        return Effective(latest_observer.level, OBSERVER, latest_observer.assessed_at, self_level, observer_level)
    if latest_self.level > latest_observer.level + 1:
        return Effective(latest_observer.level + 1, "self, capped by observer", latest_self.assessed_at,
                         self_level, observer_level)
    return Effective(latest_self.level, SELF, latest_self.assessed_at, self_level, observer_level)


def _order(rating: Rating) -> tuple[datetime, int]:
    return rating.assessed_at, rating.assessment_id


def effective_levels(ratings: Iterable[Rating], now: datetime) -> dict[str, Effective]:
    """`effective_level` for every competency that has candidate ratings.

    The rule's answer does not depend on which competency it is, so competencies with the same
    candidates (usually all those rated in the same assessments) share one answer.
    """
    by_code: dict[str, list[Rating]] = {}
    for rating in ratings:
        by_code.setdefault(rating.code, []).append(rating)
    answers: dict[tuple, Effective | None] = {}
    result = {}
    for code, rows in by_code.items():
        key = tuple(r[1:] for r in rows)  # each rating without its competency code
        if key not in answers:
            answers[key] = effective_level(rows, now)
        if (value := answers[key]) is not None:
            result[code] = value
    return result


# ---------------------------------------------------------------- observations and sign-off


class Observed(NamedTuple):
    """One competency rated in one observation, as the store returns it."""

    code: str
    level: int
    assessor_id: int | None  # None once the assessor's account is erased
    observed_on: date
    observation_id: int


@dataclass(frozen=True)
class Achievement:
    """A level the observations show is achieved, with the observations it rests on (latest first)."""

    level: int
    counted: tuple[Observed, ...]
    assessors: int

    @property
    def as_of(self) -> date:
        return max(o.observed_on for o in self.counted)


def fresh_observations(observations: Iterable[Observed], rule: AchievementRule, today: date) -> list[Observed]:
    """Observations inside the rule's window up to today, latest first (ties: the later recorded)."""
    since = today - timedelta(days=rule.window_days)
    return _latest_first(o for o in observations if since < o.observed_on <= today)


def _assessors(observations: Iterable[Observed]) -> int:
    # Erased assessors count together as one: their observations stay, but cannot be told apart.
    return len({o.assessor_id for o in observations})


def achieved_level(observations: Iterable[Observed], rule: AchievementRule, today: date) -> Achievement | None:
    """The level ONE competency's observations show is achieved under the programme's rule, or None.

    reach: the highest level that at least `min_observations` observations from at least
    `min_assessors` assessors in the window reach (at or above it).
    mean_of_latest: the latest `min_observations` observations in the window, when they come from
    at least `min_assessors` assessors: their mean, rounded down (2.67 is not yet 3).
    """
    if len(observations := list(observations)) < rule.min_observations:
        return None  # most competencies of most people: decided without looking further
    since = today - timedelta(days=rule.window_days)
    fresh = [o for o in observations if since < o.observed_on <= today]
    if len(fresh) < rule.min_observations:
        return None
    if rule.combine == "mean_of_latest":
        latest = _latest_first(fresh)[:rule.min_observations]
        if _assessors(latest) < rule.min_assessors:
            return None
        return Achievement(int(sum(o.level for o in latest) // len(latest)), tuple(latest), _assessors(latest))
    # Highest level first, the observations reaching it growing as the level falls: one pass, not one per level.
    by_level: dict[int, list[Observed]] = {}
    for o in fresh:
        by_level.setdefault(o.level, []).append(o)
    reaching: list[Observed] = []
    assessors: set[int | None] = set()
    for level in range(max(by_level), 0, -1):
        at_level = by_level.get(level, ())
        reaching.extend(at_level)
        assessors.update(o.assessor_id for o in at_level)
        if len(reaching) >= rule.min_observations and len(assessors) >= rule.min_assessors:
            return Achievement(level, tuple(_latest_first(reaching)), len(assessors))
    return None


def _latest_first(observations: Iterable[Observed]) -> list[Observed]:
    return sorted(observations, key=lambda o: (o.observed_on, o.observation_id), reverse=True)


def rests_on(current: Effective, seen: Iterable[Observed], sign_off: SignOff | None, rule: AchievementRule,
             today: date) -> str:
    """What one competency's level rests on and why it counts, in a sentence (every screen that shows a
    level can show this)."""
    if current.signed_off and sign_off is not None:
        return f"signed off at level {sign_off.level} by {sign_off.signed_by_name} on {day(sign_off.signed_at)}"
    seen = list(seen)
    found = achieved_level(seen, rule, today) if current.source == "observations" else None
    if found is not None:
        return (f"{len(found.counted)} observations by {found.assessors} assessors reach level {found.level}, the "
                f"latest on {day(found.as_of)}; provisional until a lead signs it off")
    counted = {"self": f"your self-rating ({current.self_level})",
               "observer": f"an observer's rating ({current.observer_level})",
               "self, capped by observer": f"your self-rating ({current.self_level}), at most one level above an "
                                           f"observer's ({current.observer_level})"}
    reaching = [o for o in fresh_observations(seen, rule, today) if o.level >= current.level]
    towards = ("no observations at this level yet" if not reaching else
               f"{len(reaching)} of the {rule.min_observations} observations needed at this level")
    return f"{counted.get(current.source, current.source)}; provisional, {towards}"


def rule_sentence(rule: AchievementRule) -> str:
    """When a level is achieved, in words: "a level is achieved when ..." is followed by this."""
    if rule.combine == "mean_of_latest":
        return (f"the mean of the latest {rule.min_observations} observations in the last {rule.window_days} days, "
                f"by at least {rule.min_assessors} different assessors, rounded down, reaches it")
    return (f"at least {rule.min_observations} observations by at least {rule.min_assessors} different assessors "
            f"in the last {rule.window_days} days reach it")


def progress_towards(observations: Iterable[Observed], rule: AchievementRule, today: date, level: int) -> str:
    """Where the observations stand against the rule for one level, in a sentence."""
    fresh = fresh_observations(observations, rule, today)
    reaching = [o for o in fresh if o.level >= level]
    return (f"{len(reaching)} of {rule.min_observations} observations at level {level} or above, from "
            f"{_assessors(reaching)} of {rule.min_assessors} assessors, in the last {rule.window_days} days")


class SignOff(NamedTuple):
    code: str
    level: int
    signed_at: datetime
    signed_by_name: str
    sign_off_id: int


def standing(provisional: Effective | None, achievement: Achievement | None, sign_off: SignOff | None
             ) -> Effective | None:
    """The level that counts for one competency: a live sign-off; else what the observations show under
    the rule; else the provisional level from ratings (`effective_level`). Only a sign-off is not provisional."""
    self_level = provisional.self_level if provisional else None
    observer_level = provisional.observer_level if provisional else None
    if sign_off is not None:
        return Effective(sign_off.level, "signed off", sign_off.signed_at, self_level, observer_level, signed_off=True)
    if achievement is not None:
        as_of = datetime.combine(achievement.as_of, time(), tzinfo=timezone.utc)
        return Effective(achievement.level, "observations", as_of, self_level, observer_level)
    return provisional


def standings(provisional: dict[str, Effective], observations: Iterable[Observed], sign_offs: Iterable[SignOff],
              rule: AchievementRule, today: date) -> dict[str, Effective]:
    """`standing` for every competency with any evidence."""
    by_code: dict[str, list[Observed]] = {}
    for observation in observations:
        by_code.setdefault(observation.code, []).append(observation)
    signed = {s.code: s for s in sign_offs}
    result = {}
    for code in provisional.keys() | by_code.keys() | signed.keys():
        seen = by_code.get(code)
        # A sign-off decides on its own; otherwise too few observations cannot reach any level.
        achieved = (achieved_level(seen, rule, today)
                    if code not in signed and seen and len(seen) >= rule.min_observations else None)
        found = standing(provisional.get(code), achieved, signed.get(code))
        if found is not None:
            result[code] = found
    return result


# ---------------------------------------------------------------- rounds


ROUND_MONTHS = (0, 3, 6, 9, 12)


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (a month is reached on the same day of the month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


def round_for(started_on: date, submitted_on: date) -> int:
    """The round an assessment belongs to, in months since starting: 0 (baseline), 3, 6, 9, 12, 24, 36, ..."""
    months = months_between(started_on, submitted_on)
    if months < 12:
        return max(r for r in ROUND_MONTHS if r <= months)
    return 12 * (months // 12)


def round_label(round_months: int) -> str:
    return "Baseline" if round_months == 0 else f"{round_months} months"


def reassessment_due(last_submitted: datetime | None, now: datetime, timezone: str = "UTC") -> bool:
    """A self-assessment is suggested when there is none, or from the 90th day after the last,
    counting calendar days in the practice's time zone."""
    if last_submitted is None:
        return True
    return (local_date(now, timezone) - local_date(last_submitted, timezone)).days >= REASSESS_AFTER.days


# ---------------------------------------------------------------- summaries and gaps


def target_for(framework: Framework, roles: Iterable[str]) -> int:
    """The highest target among the person's roles (a lead who is also a trainee aims at the lead's)."""
    targets = [framework.targets[r] for r in roles if r in framework.targets]
    return max(targets) if targets else framework.targets.get("trainee", 3)


@dataclass(frozen=True)
class DomainSummary:
    code: str
    name: str
    mean_level: float | None  # over competencies with evidence
    rated: int
    total: int
    at_target: int


def domain_summaries(framework: Framework, levels: dict[str, Effective], target: int) -> list[DomainSummary]:
    summaries = []
    for domain in framework.domains:
        found = [levels[c.code].level for c in domain.competencies if c.code in levels]
        summaries.append(DomainSummary(
            code=domain.code, name=domain.name, mean_level=round(mean(found), 2) if found else None,
            rated=len(found), total=len(domain.competencies), at_target=sum(level >= target for level in found),
        ))
    return summaries


@dataclass(frozen=True)
class Gap:
    code: str
    name: str
    level: int | None  # None: not enough evidence
    target: int
    modules: tuple[Module, ...]

    @property
    def size(self) -> int:
        return self.target - (self.level or 0)


def gaps(library: Library, levels: dict[str, Effective], target: int) -> list[Gap]:
    """Competencies below target, biggest gap first (no evidence counts as the biggest)."""
    framework = library.framework
    found = []
    for competency in framework.competencies if framework else ():
        current = levels.get(competency.code)
        if current is None or current.level < target:
            found.append(Gap(code=competency.code, name=competency.name,
                             level=current.level if current else None, target=target,
                             modules=library.modules_building(competency.code)))
    return sorted(found, key=lambda g: (-g.size, g.code))
