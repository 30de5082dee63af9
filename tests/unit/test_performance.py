"""What the benchmark changed must not change an answer.

- Organisation-wide growth is read from summary tables that triggers keep current; after any mix of
  submissions, corrections and deletions it equals one GROUP BY over every live rating.
- Team readiness now reads packed rows and picks the latest rating per competency in the store; it
  equals the window-function queries it replaced (kept here as the reference) on the demo practice.
- The bulk import paths check what the app checks.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from carecoord import competency as c, db as database, permissions as p
from carecoord.clock import iso, parse
from carecoord.content import load_library
from carecoord.people import LEAD, TRAINEE, Membership, Person
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, assessments as S, learning as L, readiness as R

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework

# The definition of organisation-wide growth: every live (submitted, not superseded) rating.
DIRECT_GROWTH = """
SELECT a.round_months, substr(r.competency_code, 1, 2) AS domain, count(DISTINCT a.person_id) AS people,
       avg(r.level) AS mean_level
FROM assessment a JOIN rating r ON r.assessment_id = a.id
WHERE a.status = 'submitted' AND a.rater_kind = :kind
  AND NOT EXISTS (SELECT 1 FROM assessment n WHERE n.supersedes_id = a.id AND n.status = 'submitted')
GROUP BY a.round_months, domain
"""


def direct(db, kind=c.SELF) -> dict:
    # float(): PostgreSQL's avg of integers is a numeric (Decimal).
    return {(r[0], r[1]): (r[2], round(float(r[3]), 2)) for r in db.execute(DIRECT_GROWTH, {"kind": kind})}


def summarised(db, actor, kind=c.SELF) -> dict:
    return {(g.round_months, g.domain): (g.people, g.mean_level) for g in R.organisation_growth(db, actor, kind)}


def same(db, actor, kind=c.SELF) -> None:
    expected = {k: (people, mean if people >= 3 else None) for k, (people, mean) in direct(db, kind).items()}
    assert summarised(db, actor, kind) == expected


def lead_of(db):
    return A.load_person(db, db.execute("SELECT id FROM person WHERE username = 'demo-lead'").fetchone()[0])


# ---------------------------------------------------------------- who may see it


def person(pid, *roles, admin=False, disabled=False):
    return Person(id=pid, username=f"u{pid}", display_name=f"P{pid}", is_admin=admin, disabled=disabled,
                  memberships=tuple(Membership(practice_id=1, practice_name="X", role=r) for r in roles))


def test_leads_and_administrators_see_organisation_growth():
    assert p.may_view_organisation_growth(person(1, LEAD))
    assert p.may_view_organisation_growth(person(2, admin=True))


def test_trainees_and_disabled_leads_do_not_see_organisation_growth():
    assert not p.may_view_organisation_growth(person(3, TRAINEE))
    assert not p.may_view_organisation_growth(person(4, LEAD, disabled=True))


def test_the_store_refuses_a_trainee_and_answers_a_lead(demo_db):
    trainee = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-amara'")
                            .fetchone()[0])
    with pytest.raises(PermissionDenied):
        R.organisation_growth(demo_db, trainee)
    assert R.organisation_growth(demo_db, lead_of(demo_db))


# ---------------------------------------------------------------- the summary stays equal to the definition


def test_summary_equals_the_definition_on_the_demo(demo_db):
    lead = lead_of(demo_db)
    same(demo_db, lead)
    same(demo_db, lead, c.OBSERVER)
    points = R.organisation_growth(demo_db, lead)
    assert {g.round_months for g in points} == {0, 3, 6, 9, 12}
    assert all(g.people >= 3 and 1 <= g.mean_level <= 5 for g in points)


def test_a_round_with_fewer_than_three_people_hides_its_mean(demo_db):
    lead = lead_of(demo_db)
    observed = R.organisation_growth(demo_db, lead, c.OBSERVER)
    assert observed and all((g.mean_level is None) == (g.people < 3) for g in observed)
    assert any(g.mean_level is None for g in observed) or all(g.people >= 3 for g in observed)


def test_migration_backfills_existing_assessments(demo_path):
    connection = database.connect(demo_path)
    with database.write(connection):  # as if the database predated the summary tables
        connection.execute("DELETE FROM growth_domain")
        connection.execute("DELETE FROM growth_person")
        connection.execute("DELETE FROM growth_people")
        versions = "carecoord_migrations" if connection.backend == "postgresql" else "_sqlite_migrations"
        connection.execute(f"DELETE FROM {versions} WHERE migration_set = 'carecoord.performance'")
        for name in ("growth_domain", "growth_person", "growth_people"):
            connection.execute(f"DROP TABLE {name}")
        for name in ("growth_on_submit", "growth_on_insert_submitted", "growth_on_delete"):
            connection.execute(f"DROP FUNCTION {name}() CASCADE" if connection.backend == "postgresql"
                               else f"DROP TRIGGER {name}")
    connection.close()
    reopened = database.open_database(demo_path)
    same(reopened, lead_of(reopened))
    reopened.close()


def full_answers(rng: random.Random) -> dict[str, S.Answer]:
    return {x.code: S.Answer(rng.randint(1, 5), "does") for x in FRAMEWORK.competencies}


def submit(db, actor, subject, kind, now, rng):
    draft = S.open_draft(db, actor, subject, kind, FRAMEWORK, now)
    for step, domain in enumerate(FRAMEWORK.domains):
        S.save_step(db, actor, draft.id, domain,
                    {x.code: S.Answer(rng.randint(1, 5), "knows") for x in domain.competencies}, step + 1)
    return S.submit(db, actor, draft.id, FRAMEWORK, subject, now)


def correct(db, actor, assessment_id, now, rng):
    draft = S.start_correction(db, actor, assessment_id, FRAMEWORK, now)
    domain = FRAMEWORK.domains[rng.randrange(len(FRAMEWORK.domains))]
    S.save_step(db, actor, draft.id, domain, {x.code: S.Answer(rng.randint(1, 5), "knows")
                                              for x in domain.competencies}, len(FRAMEWORK.domains))
    return S.submit(db, actor, draft.id, FRAMEWORK, actor, now)


operations = st.lists(st.tuples(st.sampled_from(["submit", "observe", "correct", "delete", "draft", "remove"]),
                                st.integers(0, 3), st.integers(0, 500)), min_size=1, max_size=14)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_summary_equals_the_definition_after_any_mix_of_writes(tmp_path_factory, now, steps):
    db = database.open_database(tmp_path_factory.mktemp("growth") / "g.db")
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    lead_id = A.create_person(db, A.SYSTEM, username="lee", display_name="Lee", password="long enough pw", now=now,
                              started_on=(now - timedelta(days=900)).date())
    A.add_membership(db, A.SYSTEM, lead_id, practice, LEAD, now)
    ids = []
    for n in range(4):
        pid = A.create_person(db, A.SYSTEM, username=f"trainee{n}", display_name=f"T{n}", password="long enough pw",
                              now=now, started_on=(now - timedelta(days=600 + 40 * n)).date())
        A.add_membership(db, A.SYSTEM, pid, practice, TRAINEE, now)
        ids.append(pid)
    rng = random.Random(len(steps))
    moment = now - timedelta(days=520)
    for action, who, seed in steps:
        rng.seed(seed)
        moment += timedelta(days=7)
        alive = [i for i in ids if A.load_person(db, i)]
        if not alive:
            break
        subject = A.load_person(db, alive[who % len(alive)])
        lead = A.load_person(db, lead_id)
        if action == "submit":
            submit(db, subject, subject, c.SELF, moment, rng)
        elif action == "observe":
            submit(db, lead, subject, c.OBSERVER, moment, rng)
        elif action == "draft":
            S.open_draft(db, subject, subject, c.SELF, FRAMEWORK, moment)
        elif action == "correct":
            live = [s for s in S.submitted_assessments(db, subject, subject)
                    if not s.superseded and s.rater_kind == c.SELF]
            if live:
                correct(db, subject, live[seed % len(live)].id, moment, rng)
        elif action == "delete":
            with database.write(db):  # erasing a person takes their assessments with them
                db.execute("DELETE FROM person WHERE id = ?", [subject.id])
        elif action == "remove":  # one assessment removed by an operator: a correction makes its original live
            removable = [r[0] for r in db.execute(
                "SELECT id FROM assessment a WHERE status = 'submitted' AND person_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM assessment n WHERE n.supersedes_id = a.id) ORDER BY supersedes_id IS NULL, id",
                [subject.id])]
            if removable:
                with database.write(db):
                    db.execute("DELETE FROM assessment WHERE id = ?", [removable[seed % len(removable)]])
        same(db, lead)
        same(db, lead, c.OBSERVER)
    db.conn.close()


def test_removing_a_correction_gives_the_corrected_assessment_back(demo_db, now):
    lead = lead_of(demo_db)
    ben = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-ben'").fetchone()[0])
    correction, original = demo_db.execute("SELECT id, supersedes_id FROM assessment WHERE person_id = ? AND "
                                           "supersedes_id IS NOT NULL", [ben.id]).fetchone()
    before = summarised(demo_db, lead)
    with database.write(demo_db):
        demo_db.execute("DELETE FROM assessment WHERE id = ?", [correction])
    same(demo_db, lead)
    assert summarised(demo_db, lead) != before  # Ben's original 6-month answers count again
    with database.write(demo_db):
        demo_db.execute("DELETE FROM assessment WHERE id = ?", [original])
    same(demo_db, lead)


# ---------------------------------------------------------------- team readiness equals the queries it replaced

TEAM = R.TEAM
REFERENCE_TEAM_CANDIDATES = f"""
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
REFERENCE_ROUND_CANDIDATES = f"""
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


def reference_candidates(db, practice_id, now) -> dict[int, set[c.Rating]]:
    found: dict[int, set[c.Rating]] = {}
    for r in db.query(REFERENCE_TEAM_CANDIDATES, {"practice_id": practice_id, "now": iso(now),
                                                  "since": iso(now - c.STALE_AFTER)}):
        found.setdefault(r["person_id"], set()).add(
            c.Rating(r["code"], r["level"], r["rater_kind"], parse(r["submitted_at"]), r["assessment_id"]))
    return found


def reference_rounds(db, practice_id, now) -> dict[tuple[int, int], tuple]:
    found: dict[tuple[int, int], tuple] = {}
    for r in db.query(REFERENCE_ROUND_CANDIDATES, {"practice_id": practice_id, "now": iso(now)}):
        as_of, ratings = found.setdefault((r["person_id"], r["round_months"]), (parse(r["as_of"]), set()))
        ratings.add(c.Rating(r["code"], r["level"], r["rater_kind"], parse(r["submitted_at"]), r["assessment_id"]))
    return found


@pytest.mark.parametrize("days_back", [0, 100, 200, 400])
def test_team_readiness_equals_the_window_queries_it_replaced(demo_db, now, days_back):
    lead = lead_of(demo_db)
    practice_id = next(iter(lead.practice_ids(LEAD)))
    when = now - timedelta(days=days_back)  # earlier moments cut the history at different places
    candidates = R.team_candidates(demo_db, lead, practice_id, when)
    reference = reference_candidates(demo_db, practice_id, when)
    assert {k: set(v) for k, v in candidates.items()} == reference
    assert R.team_levels(demo_db, lead, practice_id, when) == {
        k: v for k, v in ((k, c.effective_levels(v, when)) for k, v in reference.items()) if v}
    members = R.team_members(demo_db, lead, practice_id, FRAMEWORK)
    points = R.round_points(demo_db, lead, practice_id, members, when)
    assert {(x.person_id, x.round_months): (x.as_of, x.levels) for x in points} == {
        key: (as_of, c.effective_levels(ratings, as_of)) for key, (as_of, ratings) in reference_rounds(
            demo_db, practice_id, when).items()}
    assert len(points) == len({(x.person_id, x.round_months) for x in points})
    if days_back == 0:
        assert len(points) >= 30 and sum(len(v) for v in reference.values()) > 200  # the comparison means something


# ---------------------------------------------------------------- the bulk paths check what the app checks


def test_import_history_is_for_administrators_and_needs_every_competency(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    pid = A.create_person(db, A.SYSTEM, username="tia", display_name="Tia", password="long enough pw", now=now,
                          started_on=(now - timedelta(days=200)).date())
    A.add_membership(db, A.SYSTEM, pid, practice, TRAINEE, now)
    tia = A.load_person(db, pid)
    answers = full_answers(random.Random(1))
    record = S.Imported(pid, pid, c.SELF, now - timedelta(days=100), answers)
    with pytest.raises(PermissionDenied):
        S.import_history(db, tia, FRAMEWORK, [record])
    partial = dict(answers)
    partial.pop(FRAMEWORK.competencies[0].code)
    with pytest.raises(S.AssessmentError, match="missing"):
        S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(pid, pid, c.SELF, now, partial)])
    with pytest.raises(S.AssessmentError, match="themselves"):
        S.import_history(db, A.SYSTEM, FRAMEWORK, [S.Imported(pid, 999, c.SELF, now, answers)])
    [new_id] = S.import_history(db, A.SYSTEM, FRAMEWORK, [record])
    [stored] = S.submitted_assessments(db, tia, tia)
    assert (stored.id, stored.round_months) == (new_id, 3)  # 100 days after starting: the 3-month round
    assert S.answers_of(db, tia, new_id) == answers
    assert S.effective_levels(db, tia, tia, now)  # it counts like any submitted assessment
    same(db, A.SYSTEM)


def test_import_progress_marks_and_numbers_attempts_like_the_app(db, now):
    pid = A.create_person(db, A.SYSTEM, username="tia", display_name="Tia", password="long enough pw", now=now)
    tia = A.load_person(db, pid)
    lesson = next(x for x in LIBRARY.lessons if x.checks)
    check = lesson.checks[0]
    right = check.correct_ids
    wrong = frozenset({next(c.id for c in check.choices if not c.correct)})
    with pytest.raises(PermissionDenied):
        L.import_progress(db, tia, [(pid, lesson, now)], [])
    L.answer_check(db, tia, lesson, check, wrong, now)  # one attempt made in the app first
    done, answered = L.import_progress(db, A.SYSTEM, [(pid, lesson, now), (pid, lesson, now + timedelta(days=1))],
                                       [(pid, lesson, check, right, now)])
    assert (done, answered) == (1, 1)  # completing twice keeps the first
    progress = L.progress(db, tia, tia)
    assert progress.completed[lesson.id] == now.replace(microsecond=0)
    assert progress.first_attempts[check.id] is False  # the app's own first attempt still counts
    attempts = [r[0] for r in db.execute("SELECT attempt FROM check_answer WHERE person_id = ? ORDER BY attempt",
                                         [pid])]
    assert attempts == [1, 2]
