"""Team readiness: candidate ratings for every coordinator of a practice, in one query each.

`TEAM_CANDIDATES` is `assessments.CANDIDATES` for a whole practice (partitioned by person too);
both feed the same `competency.effective_levels`, so the team view and a person's own page agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from carecoord import competency, permissions
from carecoord.clock import iso, parse
from carecoord.content.models import Framework
from carecoord.people import LEAD, TRAINEE, Person
from carecoord.permissions import require
from carecoord.readiness import Member, RoundPoint

# The people on a readiness view: those with an active trainee or lead role in the practice.
TEAM = """
SELECT DISTINCT membership.person_id FROM membership JOIN person ON person.id = membership.person_id
WHERE membership.practice_id = :practice_id AND membership.active AND membership.role IN ('trainee', 'lead')
  AND NOT person.disabled
"""

TEAM_CANDIDATES = f"""
WITH team AS ({TEAM}),
live AS (
    SELECT assessment.person_id, rating.competency_code AS code, rating.level, assessment.rater_kind,
           assessment.submitted_at, assessment.id AS assessment_id,
           row_number() OVER (PARTITION BY assessment.person_id, rating.competency_code, assessment.rater_kind
                              ORDER BY assessment.submitted_at DESC, assessment.id DESC) AS recency
    FROM team JOIN assessment ON assessment.person_id = team.person_id
    JOIN rating ON rating.assessment_id = assessment.id
    WHERE assessment.status = 'submitted'
      AND assessment.submitted_at > :since AND assessment.submitted_at <= :now
      AND NOT EXISTS (SELECT 1 FROM assessment AS newer
                      WHERE newer.supersedes_id = assessment.id AND newer.status = 'submitted')
)
SELECT person_id, code, level, rater_kind, submitted_at, assessment_id FROM live WHERE recency = 1
"""

# For each person and round: the close of the round (their last assessment in it) and, as of
# then, the latest non-superseded self and observer rating per competency. The year's cut-off is
# applied by the effective-level rule itself.
ROUND_CANDIDATES = f"""
WITH team AS ({TEAM}),
points AS (
    SELECT assessment.person_id, assessment.round_months, max(assessment.submitted_at) AS as_of
    FROM team JOIN assessment ON assessment.person_id = team.person_id
    WHERE assessment.status = 'submitted' AND assessment.submitted_at <= :now
    GROUP BY assessment.person_id, assessment.round_months
),
live AS (
    SELECT points.person_id, points.round_months, points.as_of, rating.competency_code AS code, rating.level,
           assessment.rater_kind, assessment.submitted_at, assessment.id AS assessment_id,
           row_number() OVER (PARTITION BY points.person_id, points.round_months, rating.competency_code,
                                           assessment.rater_kind
                              ORDER BY assessment.submitted_at DESC, assessment.id DESC) AS recency
    FROM points JOIN assessment ON assessment.person_id = points.person_id
    JOIN rating ON rating.assessment_id = assessment.id
    WHERE assessment.status = 'submitted' AND assessment.submitted_at <= points.as_of
      AND NOT EXISTS (SELECT 1 FROM assessment AS newer
                      WHERE newer.supersedes_id = assessment.id AND newer.status = 'submitted')
)
SELECT person_id, round_months, as_of, code, level, rater_kind, submitted_at, assessment_id
FROM live WHERE recency = 1 ORDER BY person_id, round_months
"""


def team_members(db: Database, actor: Person, practice_id: int, framework: Framework) -> list[Member]:
    """The practice's trainees and leads, each with the target for their roles in this practice."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    rows = db.query(
        """SELECT person.id, person.display_name AS name, group_concat(membership.role) AS roles,
                  max(CASE WHEN membership.role = 'trainee' THEN membership.discipline END) AS trainee_discipline,
                  max(membership.discipline) AS any_discipline
           FROM membership JOIN person ON person.id = membership.person_id
           WHERE membership.practice_id = :practice_id AND membership.active AND NOT person.disabled
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
    """Candidate ratings per person for the whole team, from one query."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    found: dict[int, list[competency.Rating]] = {}
    for r in db.query(TEAM_CANDIDATES, {"practice_id": practice_id, "since": iso(now - competency.STALE_AFTER),
                                        "now": iso(now)}):
        found.setdefault(r["person_id"], []).append(competency.Rating(
            code=r["code"], level=r["level"], rater_kind=r["rater_kind"], assessed_at=parse(r["submitted_at"]),
            assessment_id=r["assessment_id"]))
    return found


def team_levels(db: Database, actor: Person, practice_id: int, now: datetime
                ) -> dict[int, dict[str, competency.Effective]]:
    """Everyone's effective level on every competency with evidence: the same rule as their own page."""
    return {person_id: competency.effective_levels(ratings, now)
            for person_id, ratings in team_candidates(db, actor, practice_id, now).items()}


def round_points(db: Database, actor: Person, practice_id: int, members: list[Member], now: datetime
                 ) -> list[RoundPoint]:
    """Each team member at the close of each of their rounds, with the candidate ratings as of then."""
    require(permissions.may_view_team(actor, practice_id), "Only the practice's leads can see team readiness.")
    targets = {m.id: m.target for m in members}
    grouped: dict[tuple[int, int], tuple[datetime, list[competency.Rating]]] = {}
    for r in db.query(ROUND_CANDIDATES, {"practice_id": practice_id, "now": iso(now)}):
        key = (r["person_id"], r["round_months"])
        if key not in grouped:
            grouped[key] = (parse(r["as_of"]), [])
        grouped[key][1].append(competency.Rating(
            code=r["code"], level=r["level"], rater_kind=r["rater_kind"], assessed_at=parse(r["submitted_at"]),
            assessment_id=r["assessment_id"]))
    return [RoundPoint(person_id, round_months, as_of, targets[person_id], tuple(ratings))
            for (person_id, round_months), (as_of, ratings) in grouped.items() if person_id in targets]
