"""Summary tables for organisation-wide growth, kept current by triggers in the writing transaction.

Organisation-wide growth (mean level per domain and round over every live self-assessment) read
as one GROUP BY over the ratings took 11x a bare scan of the ratings table at scale L (bench/README.md).
These tables hold the running sums instead: per kind of rater, round and domain, how many ratings
and their total; per person, kind and round, how many live assessments; per kind and round, how
many people. Triggers on `assessment` keep them current in the same transaction as every write,
whatever path made it (the app's submit, a correction, the demo, the bulk import, deleting a
person), so the figures are never stale and never cached.

"Live" is the rule used everywhere: submitted and not superseded by a submitted correction.
- A draft becoming submitted adds its ratings; if it corrects another assessment, that one's are
  taken away (a correction replaces what it corrects).
- Deleting a live submitted assessment takes its ratings away; deleting a correction gives the
  assessment it corrected back (it is live again). Ratings are still there in BEFORE DELETE.
Submitted assessments and their ratings cannot otherwise change (see migrations/assessments.py).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from carecoord.db import execute_script

migrations = Migrations("carecoord.performance")

# The domain of a competency is the first two letters of its code, as in `domain_history`.
DOMAIN = "substr(rating.competency_code, 1, 2)"


def _change(assessment: str, sign: int, *, unless_corrected: bool = False, postgresql: bool = False) -> str:
    """Statements that add (sign 1) or take away (sign -1) one submitted assessment's contribution;
    with unless_corrected, nothing when a submitted correction has already taken it away.

    With postgresql, the same statements as PostgreSQL wants them: a column in ON CONFLICT's SET
    names its table (bare, it is ambiguous with `excluded`), and the GROUP BY lists every column selected.
    """
    def own(table: str, column: str) -> str:
        return f"{table}.{column}" if postgresql else column

    group_by = f"a.rater_kind, a.round_months, {DOMAIN}" if postgresql else DOMAIN
    this = f"a.id = {assessment}"
    if unless_corrected:
        this += (f" AND NOT EXISTS (SELECT 1 FROM assessment AS newer WHERE newer.supersedes_id = {assessment}"
                 " AND newer.status = 'submitted')")
    person_round = """(SELECT assessments FROM growth_person WHERE person_id = a.person_id
                         AND rater_kind = a.rater_kind AND round_months = a.round_months)"""
    if sign > 0:
        people = f"""
        INSERT INTO growth_people (rater_kind, round_months, people)
        SELECT a.rater_kind, a.round_months, 1 FROM assessment AS a
        WHERE {this} AND a.status = 'submitted' AND coalesce({person_round}, 0) = 0
        ON CONFLICT (rater_kind, round_months) DO UPDATE SET people = {own('growth_people', 'people')} + 1;
        INSERT INTO growth_person (person_id, rater_kind, round_months, assessments)
        SELECT a.person_id, a.rater_kind, a.round_months, 1 FROM assessment AS a
        WHERE {this} AND a.status = 'submitted'
        ON CONFLICT (person_id, rater_kind, round_months) DO UPDATE SET assessments = {own('growth_person', 'assessments')} + 1;"""
    else:
        people = f"""
        UPDATE growth_person SET assessments = assessments - 1
        WHERE (person_id, rater_kind, round_months) IN (
            SELECT a.person_id, a.rater_kind, a.round_months FROM assessment AS a
            WHERE {this} AND a.status = 'submitted');
        UPDATE growth_people SET people = people - 1
        WHERE (rater_kind, round_months) IN (
            SELECT a.rater_kind, a.round_months FROM assessment AS a
            WHERE {this} AND a.status = 'submitted' AND {person_round} = 0);
        DELETE FROM growth_person WHERE assessments = 0 AND (person_id, rater_kind, round_months) IN (
            SELECT a.person_id, a.rater_kind, a.round_months FROM assessment AS a WHERE {this});"""
    return people + f"""
        INSERT INTO growth_domain (rater_kind, round_months, domain, ratings, level_sum)
        SELECT a.rater_kind, a.round_months, {DOMAIN}, {sign} * count(*), {sign} * sum(rating.level)
        FROM assessment AS a JOIN rating ON rating.assessment_id = a.id
        WHERE {this} AND a.status = 'submitted'
        GROUP BY {group_by}
        ON CONFLICT (rater_kind, round_months, domain)
        DO UPDATE SET ratings = {own('growth_domain', 'ratings')} + excluded.ratings, level_sum = {own('growth_domain', 'level_sum')} + excluded.level_sum;"""


LIVE = """assessment.status = 'submitted' AND NOT EXISTS (
    SELECT 1 FROM assessment AS newer WHERE newer.supersedes_id = assessment.id AND newer.status = 'submitted')"""


@migrations()
def m001_growth_summary(db: Database) -> None:
    execute_script(
        db,
        f"""
        CREATE TABLE growth_domain (
            rater_kind TEXT NOT NULL,
            round_months INTEGER NOT NULL,
            domain TEXT NOT NULL,
            ratings INTEGER NOT NULL,
            level_sum INTEGER NOT NULL,
            PRIMARY KEY (rater_kind, round_months, domain)
        ) WITHOUT ROWID;
        CREATE TABLE growth_person (
            person_id INTEGER NOT NULL,
            rater_kind TEXT NOT NULL,
            round_months INTEGER NOT NULL,
            assessments INTEGER NOT NULL,
            PRIMARY KEY (person_id, rater_kind, round_months)
        ) WITHOUT ROWID;
        CREATE TABLE growth_people (
            rater_kind TEXT NOT NULL,
            round_months INTEGER NOT NULL,
            people INTEGER NOT NULL,
            PRIMARY KEY (rater_kind, round_months)
        ) WITHOUT ROWID;

        INSERT INTO growth_domain (rater_kind, round_months, domain, ratings, level_sum)
        SELECT assessment.rater_kind, assessment.round_months, {DOMAIN}, count(*), sum(rating.level)
        FROM assessment JOIN rating ON rating.assessment_id = assessment.id
        WHERE {LIVE}
        GROUP BY assessment.rater_kind, assessment.round_months, {DOMAIN};
        INSERT INTO growth_person (person_id, rater_kind, round_months, assessments)
        SELECT assessment.person_id, assessment.rater_kind, assessment.round_months, count(*)
        FROM assessment WHERE {LIVE}
        GROUP BY assessment.person_id, assessment.rater_kind, assessment.round_months;
        INSERT INTO growth_people (rater_kind, round_months, people)
        SELECT rater_kind, round_months, count(*) FROM growth_person GROUP BY rater_kind, round_months;

        CREATE TRIGGER growth_on_submit AFTER UPDATE OF status ON assessment
            WHEN OLD.status = 'draft' AND NEW.status = 'submitted'
        BEGIN
            {_change("NEW.supersedes_id", -1)}
            {_change("NEW.id", 1)}
        END;
        CREATE TRIGGER growth_on_insert_submitted AFTER INSERT ON assessment
            WHEN NEW.status = 'submitted'
        BEGIN
            {_change("NEW.supersedes_id", -1)}
            {_change("NEW.id", 1)}
        END;
        CREATE TRIGGER growth_on_delete BEFORE DELETE ON assessment
            WHEN OLD.status = 'submitted'
        BEGIN
            {_change("OLD.id", -1, unless_corrected=True)}
            {_change("OLD.supersedes_id", 1)}
        END
        """,
    )


def _growth_trigger(name: str, event: str, when: str, body: str, returns: str) -> str:
    """PostgreSQL's form of one growth trigger: a PL/pgSQL function of the same name and the row trigger."""
    return f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            {body}
            RETURN {returns};
        END $body$;
        CREATE TRIGGER {name} {event} FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION {name}();"""


# PostgreSQL's form of each migration above, same names and order, applied by `apply_all` (see migrations/__init__.py).
# The triggers run the same statements as SQLite's; AFTER ones return NULL (ignored), the BEFORE DELETE
# one returns OLD so the row is still deleted. As on SQLite, the ratings are still there in BEFORE
# DELETE: PostgreSQL cascades a deleted assessment to its ratings after the row is gone.
postgresql: tuple[tuple[str, str], ...] = (
    ("m001_growth_summary", f"""
        CREATE TABLE growth_domain (
            rater_kind TEXT NOT NULL,
            round_months INTEGER NOT NULL,
            domain TEXT NOT NULL,
            ratings BIGINT NOT NULL,
            level_sum BIGINT NOT NULL,
            PRIMARY KEY (rater_kind, round_months, domain)
        );
        CREATE TABLE growth_person (
            person_id BIGINT NOT NULL,
            rater_kind TEXT NOT NULL,
            round_months INTEGER NOT NULL,
            assessments INTEGER NOT NULL,
            PRIMARY KEY (person_id, rater_kind, round_months)
        );
        CREATE TABLE growth_people (
            rater_kind TEXT NOT NULL,
            round_months INTEGER NOT NULL,
            people INTEGER NOT NULL,
            PRIMARY KEY (rater_kind, round_months)
        );

        INSERT INTO growth_domain (rater_kind, round_months, domain, ratings, level_sum)
        SELECT assessment.rater_kind, assessment.round_months, {DOMAIN}, count(*), sum(rating.level)
        FROM assessment JOIN rating ON rating.assessment_id = assessment.id
        WHERE {LIVE}
        GROUP BY assessment.rater_kind, assessment.round_months, {DOMAIN};
        INSERT INTO growth_person (person_id, rater_kind, round_months, assessments)
        SELECT assessment.person_id, assessment.rater_kind, assessment.round_months, count(*)
        FROM assessment WHERE {LIVE}
        GROUP BY assessment.person_id, assessment.rater_kind, assessment.round_months;
        INSERT INTO growth_people (rater_kind, round_months, people)
        SELECT rater_kind, round_months, count(*) FROM growth_person GROUP BY rater_kind, round_months;
        """
        + _growth_trigger(
            "growth_on_submit", "AFTER UPDATE OF status ON assessment",
            "OLD.status = 'draft' AND NEW.status = 'submitted'",
            _change("NEW.supersedes_id", -1, postgresql=True) + _change("NEW.id", 1, postgresql=True), "NULL")
        + _growth_trigger(
            "growth_on_insert_submitted", "AFTER INSERT ON assessment", "NEW.status = 'submitted'",
            _change("NEW.supersedes_id", -1, postgresql=True) + _change("NEW.id", 1, postgresql=True), "NULL")
        + _growth_trigger(
            "growth_on_delete", "BEFORE DELETE ON assessment", "OLD.status = 'submitted'",
            _change("OLD.id", -1, unless_corrected=True, postgresql=True)
            + _change("OLD.supersedes_id", 1, postgresql=True), "OLD")),
)
