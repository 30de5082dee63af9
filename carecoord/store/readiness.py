"""Team readiness: candidate ratings for every coordinator of a practice, in one query each.

Both queries return one row per assessment with its ratings packed into one string
(`code:level,...`): a practice's readiness needs tens of thousands of ratings, and handing each one
to Python as a row cost more than everything else (bench/README.md). The store then keeps, per
person, competency and kind of rater, the latest non-superseded rating, exactly as
`assessments.CANDIDATES` does for one person, and feeds the same `competency.effective_level`, so
the team view and a person's own page agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from carecoord.db import Database

from carecoord import competency, permissions
from carecoord.clock import iso, parse
from carecoord.content.models import Framework
from carecoord.people import LEAD, TRAINEE, Person
from carecoord.permissions import require
from carecoord.measures import MIN_RESPONDENTS as MIN_PEOPLE
from carecoord.readiness import Member, RoundPoint
from carecoord.store import observations

# The people on a readiness view: those with an active trainee or lead role in the practice.
TEAM = """
SELECT DISTINCT membership.person_id FROM membership JOIN person ON person.id = membership.person_id
WHERE membership.practice_id = :practice_id AND membership.active <> 0 AND membership.role IN ('trainee', 'lead')
  AND person.disabled = 0
"""

SUPERSEDED = """EXISTS (SELECT 1 FROM assessment AS newer
                      WHERE newer.supersedes_id = assessment.id AND newer.status = 'submitted')"""
PACKED_RATINGS = """(SELECT group_concat(rating.competency_code || ':' || rating.level)
                     FROM rating WHERE rating.assessment_id = assessment.id)"""

# The team's live assessments of the last year, newest first per person, each with its ratings.
TEAM_RECENT = f"""
WITH team AS ({TEAM})
SELECT assessment.person_id, assessment.id, assessment.rater_kind, assessment.submitted_at,
       {PACKED_RATINGS} AS ratings
FROM team JOIN assessment ON assessment.person_id = team.person_id
WHERE assessment.status = 'submitted' AND assessment.submitted_at > :since AND assessment.submitted_at <= :now
  AND NOT {SUPERSEDED}
ORDER BY assessment.person_id, assessment.submitted_at DESC, assessment.id DESC
"""

# Every submitted assessment of the team up to now, oldest first per person: superseded ones too,
# because they still mark when a round closed, but their ratings are not candidates.
TEAM_HISTORY = f"""
WITH team AS ({TEAM})
SELECT assessment.person_id, assessment.id, assessment.rater_kind, assessment.submitted_at,
       assessment.round_months, CASE WHEN {SUPERSEDED} THEN NULL ELSE {PACKED_RATINGS} END AS ratings
FROM team JOIN assessment ON assessment.person_id = team.person_id
WHERE assessment.status = 'submitted' AND assessment.submitted_at <= :now
ORDER BY assessment.person_id, assessment.submitted_at, assessment.id
"""


def _unpack(packed: str | None) -> list[tuple[str, int]]:
    """`FP1:3,FP2:4` as [("FP1", 3), ("FP2", 4)] (one split: the fastest way measured)."""
    if not packed:
        return []
    parts = iter(packed.replace(":", ",").split(","))
    return [(code, int(level)) for code, level in zip(parts, parts)]


# Per kind of rater, per competency: the latest rating as (level, time as stored, assessment id).
Found = dict[str, dict[str, tuple[int, str, int]]]


def _nothing_found() -> Found:
    return {competency.SELF: {}, competency.OBSERVER: {}}


class _Latest:
    """Per person: the latest rating per competency and kind of rater."""

    def __init__(self) -> None:
        self.found: Found = _nothing_found()

    def keep_first(self, kind: str, submitted_at: str, assessment_id: int, packed: str | None) -> None:
        """Rows arrive newest first: the first rating seen for a (competency, kind) is the latest."""
        found = self.found[kind]
        for code, level in _unpack(packed):
            if code not in found:
                found[code] = (level, submitted_at, assessment_id)


class _Ratings:
    """Builds `competency.Rating`s once per (competency, assessment) and parses each time once."""

    def __init__(self) -> None:
        self.times: dict[str, datetime] = {}
        self.made: dict[tuple[str, str, int], competency.Rating] = {}

    def __call__(self, code: str, kind: str, level: int, submitted_at: str, assessment_id: int) -> competency.Rating:
        key = (code, kind, assessment_id)
        rating = self.made.get(key)
        if rating is None:
            rating = self.made[key] = competency.Rating(code=code, level=level, rater_kind=kind,
                                                        assessed_at=self.moment(submitted_at),
                                                        assessment_id=assessment_id)
        return rating

    def moment(self, stored: str) -> datetime:
        found = self.times.get(stored)
        if found is None:
            found = self.times[stored] = parse(stored)
        return found

    def all(self, latest: _Latest) -> list[competency.Rating]:
        return [self(code, kind, *value) for kind, found in latest.found.items() for code, value in found.items()]


def _recent(db: Database, practice_id: int, now: datetime) -> dict[int, _Latest]:
    latest: dict[int, _Latest] = {}
    for person_id, assessment_id, kind, submitted_at, packed in db.execute(
            TEAM_RECENT, {"practice_id": practice_id, "since": iso(now - competency.STALE_AFTER), "now": iso(now)}):
        entry = latest.get(person_id)
        if entry is None:
            entry = latest[person_id] = _Latest()
        entry.keep_first(kind, submitted_at, assessment_id, packed)
    return latest


def team_members(db: Database, actor: Person, practice_id: int, framework: Framework) -> list[Member]:
    """The practice's trainees and leads, each with the target for their roles in this practice."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    rows = db.query(
        """SELECT person.id, person.display_name AS name, group_concat(membership.role) AS roles,
                  max(CASE WHEN membership.role = 'trainee' THEN membership.discipline END) AS trainee_discipline,
                  max(membership.discipline) AS any_discipline
           FROM membership JOIN person ON person.id = membership.person_id
           WHERE membership.practice_id = :practice_id AND membership.active <> 0 AND person.disabled = 0
             AND membership.role IN ('trainee', 'lead')
           GROUP BY person.id ORDER BY person.display_name""",
        {"practice_id": practice_id},
    )
    members = []
    for r in rows:
        roles = frozenset(r["roles"].split(","))
        members.append(Member(id=r["id"], name=r["name"], roles=roles,
                              discipline=r["trainee_discipline"] or r["any_discipline"] or "",
                              target=competency.target_for(framework, roles & {TRAINEE, LEAD})))
    return members


def team_candidates(db: Database, actor: Person, practice_id: int, now: datetime
                    ) -> dict[int, list[competency.Rating]]:
    """Candidate ratings per person for the whole team (the latest self and observer rating of the
    last year per competency), from one query."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    make = _Ratings()
    return {person_id: make.all(latest) for person_id, latest in _recent(db, practice_id, now).items()}


def team_levels(db: Database, actor: Person, practice_id: int, now: datetime, framework: Framework | None = None
                ) -> dict[int, dict[str, competency.Effective]]:
    """Everyone's level on every competency with evidence: the same rule as their own page.

    With the framework, the whole rule (`observations.levels`): sign-offs, then observations under the
    framework's achievement rule, then the provisional level from ratings with the latest observation as
    an observer rating. Without it, ratings alone (what the rounds' history uses).
    """
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    levels = _Levels()
    recent = _recent(db, practice_id, now)
    if framework is None:
        found = {person_id: levels(latest.found, now) for person_id, latest in recent.items()}
        return {person_id: mine for person_id, mine in found.items() if mine}
    rule = framework.achievement
    seen = observations.team_observed(db, actor, practice_id, now, rule.window_days)
    signed = observations.team_sign_offs(db, actor, practice_id)
    found, moments = {}, {}
    for person_id in recent.keys() | seen.keys() | signed.keys():
        latest = recent.get(person_id) or _Latest()
        _add_observed(latest, seen.get(person_id, ()), moments)
        found[person_id] = competency.standings(levels(latest.found, now), seen.get(person_id, ()),
                                                signed.get(person_id, ()), rule, now.date())
    return {person_id: mine for person_id, mine in found.items() if mine}


def _add_observed(latest: _Latest, seen, moments: dict) -> None:
    """Each competency's latest observation stands as an observer rating where it is newer than the latest
    rating by an observer (ids negated to keep them apart from assessments). `seen` comes newest first
    (team_observed), so the first per competency is its latest; `moments` keeps each day's stored form."""
    observer = latest.found[competency.OBSERVER]
    done = set()
    for item in seen:
        if item.code in done:
            continue
        done.add(item.code)
        moment = moments.get(item.observed_on)
        if moment is None:
            moment = moments[item.observed_on] = iso(datetime.combine(item.observed_on, time(), tzinfo=UTC))
        current = observer.get(item.code)
        if current is None or current[1] < moment:
            observer[item.code] = (item.level, moment, -item.observation_id)


class _Levels:
    """The rule applied to each competency's latest self and observer rating, as (level, time, id).

    The rule sees only those two candidates, and its answer does not depend on which competency it
    is: competencies with the same two candidates (same levels, same assessments; usually all those
    rated in the same assessments) share one answer instead of asking the rule again.
    """

    def __init__(self) -> None:
        self.make = _Ratings()
        self.now: datetime | None = None
        self.answers: dict[tuple, competency.Effective | None] = {}  # for self.now

    def __call__(self, found: Found, now: datetime) -> dict[str, competency.Effective]:
        if now != self.now:
            self.now, self.answers = now, {}
        mine: dict[str, competency.Effective] = {}
        own_found, observed_found = found[competency.SELF], found[competency.OBSERVER]
        for code in own_found.keys() | observed_found.keys():
            own = own_found.get(code)
            observed = observed_found.get(code)
            # With one candidate of each kind, the rule reads levels and times only: candidates that differ
            # by assessment or observation id alone share an answer.
            key = (own and own[:2], observed and observed[:2])
            answer = self.answers.get(key, _UNASKED)
            if answer is _UNASKED:
                candidates = [self.make(code, kind, *value) for kind, value in ((competency.SELF, own),
                                                                                (competency.OBSERVER, observed))
                              if value]
                answer = self.answers[key] = competency.effective_level(candidates, now)
            if answer is not None:
                mine[code] = answer
        return mine


_UNASKED = object()


def round_points(db: Database, actor: Person, practice_id: int, members: list[Member], now: datetime
                 ) -> list[RoundPoint]:
    """Each team member at the close of each of their rounds, with their effective levels as of then.

    A round closes at the person's last submitted assessment in it; as of then, the candidates are
    the latest non-superseded self and observer rating per competency submitted up to that moment,
    and the effective-level rule (with its year's cut-off) is applied as of the close.
    """
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    targets = {m.id: m.target for m in members}
    history: dict[int, list[tuple]] = {}
    for row in db.execute(TEAM_HISTORY, {"practice_id": practice_id, "now": iso(now)}):
        if row[0] in targets:
            history.setdefault(row[0], []).append(row)
    levels = _Levels()
    points = []
    for person_id, rows in history.items():
        closes: dict[int, str] = {}
        for _, _, _, submitted_at, round_months, _ in rows:
            closes[round_months] = max(closes.get(round_months, submitted_at), submitted_at)
        latest = _nothing_found()
        position = 0
        mine = {}
        for round_months, as_of in sorted(closes.items(), key=lambda item: (item[1], item[0])):
            while position < len(rows) and rows[position][3] <= as_of:
                _, assessment_id, kind, submitted_at, _, packed = rows[position]
                # Oldest first: each rating replaces the one before.
                latest[kind].update({code: (level, submitted_at, assessment_id) for code, level in _unpack(packed)})
                position += 1
            moment = levels.make.moment(as_of)
            mine[round_months] = RoundPoint(person_id, round_months, moment, targets[person_id],
                                            levels(latest, moment))
        points += [mine[r] for r in sorted(mine)]
    return points


# ---------------------------------------------------------------- across the organisation


@dataclass(frozen=True)
class OrganisationPoint:
    """Mean level in one domain at one round, over every live assessment of that kind in the organisation."""

    round_months: int
    domain: str  # the domain code
    people: int
    mean_level: float | None  # None when fewer than 3 people were assessed in the round

    @property
    def shown(self) -> bool:
        return self.mean_level is not None


# The running sums that triggers keep current (carecoord/migrations/performance.py): reading them
# costs the same however many years of assessments the organisation holds.
ORGANISATION_GROWTH = """
SELECT growth_domain.round_months, growth_domain.domain, growth_people.people,
       growth_domain.level_sum * 1.0 / growth_domain.ratings AS mean_level
FROM growth_domain JOIN growth_people ON growth_people.rater_kind = growth_domain.rater_kind
                                     AND growth_people.round_months = growth_domain.round_months
WHERE growth_domain.rater_kind = :rater_kind AND growth_domain.ratings > 0
ORDER BY growth_domain.round_months, growth_domain.domain
"""


def organisation_growth(db: Database, actor: Person, rater_kind: str = competency.SELF) -> list[OrganisationPoint]:
    """Mean level per domain per round across the whole organisation (no names; fewer than 3 people hidden).

    Over every live (submitted, not superseded) assessment of that kind; the mean is over their
    ratings in the domain, and `people` counts the people assessed in the round.
    """
    require(permissions.may_view_organisation_growth(actor),
            "Only leads and administrators see growth across the organisation.")
    return [OrganisationPoint(r["round_months"], r["domain"], r["people"],
                              round(float(r["mean_level"]), 2) if r["people"] >= MIN_PEOPLE else None)
            for r in db.query(ORGANISATION_GROWTH, {"rater_kind": rater_kind})]
