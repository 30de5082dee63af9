"""Recording assessments: drafts by domain, immutable submissions, corrections, who may rate whom."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from carecoord import competency as c
from carecoord.content import load_library
from carecoord.db import write
from carecoord.people import LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, assessments as S
from carecoord.db import IntegrityError

LIBRARY = load_library()
FRAMEWORK = LIBRARY.framework


@pytest.fixture
def team(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    other = A.create_practice(db, A.SYSTEM, "Oak", now)
    people = {}
    for name, practice_id, role in (("lee", practice, LEAD), ("tia", practice, TRAINEE),
                                    ("ola", other, TRAINEE), ("oli", other, LEAD)):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name.title(), password="long enough pw",
                              now=now, started_on=(now - timedelta(days=200)).date())
        A.add_membership(db, A.SYSTEM, pid, practice_id, role, now)
        people[name] = A.load_person(db, pid)
    return people


def fill(db, actor, draft, level=3):
    for step, domain in enumerate(FRAMEWORK.domains):
        S.save_step(db, actor, draft.id, domain, {x.code: S.Answer(level, "does") for x in domain.competencies},
                    step + 1)


def test_draft_resumes_where_it_stopped(db, team, now):
    tia = team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    first = FRAMEWORK.domains[0]
    S.save_step(db, tia, draft.id, first, {x.code: S.Answer(2, "knows_how", "note") for x in first.competencies}, 1)
    again = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    assert again.id == draft.id and again.step == 1
    assert again.answers[first.competencies[0].code] == S.Answer(2, "knows_how", "note")


def test_a_step_needs_every_competency_and_valid_values(db, team, now):
    tia = team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    domain = FRAMEWORK.domains[0]
    codes = [x.code for x in domain.competencies]
    with pytest.raises(S.AssessmentError, match="Choose a level for"):
        S.save_step(db, tia, draft.id, domain, {codes[0]: S.Answer(3)}, 1)
    with pytest.raises(S.AssessmentError) as error:
        S.save_step(db, tia, draft.id, domain, {code: S.Answer(6) for code in codes}, 1)
    assert error.value.field == codes[0]
    with pytest.raises(S.AssessmentError, match="under 1000"):
        S.save_step(db, tia, draft.id, domain, {code: S.Answer(3, "does", "x" * 1001) for code in codes}, 1)
    with pytest.raises(S.AssessmentError, match="not part of"):
        S.save_step(db, tia, draft.id, domain, {**{code: S.Answer(3) for code in codes}, "CM1": S.Answer(3)}, 1)


def test_submit_needs_every_domain_and_fixes_the_round(db, team, now):
    tia = team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    with pytest.raises(S.AssessmentError, match="Rate every competency"):
        S.submit(db, tia, draft.id, FRAMEWORK, tia, now)
    fill(db, tia, draft)
    S.submit(db, tia, draft.id, FRAMEWORK, tia, now)
    [submitted] = S.submitted_assessments(db, tia, tia)
    assert submitted.round_months == 6  # started 200 days ago
    assert S.last_self_assessment(db, tia) == now


def test_a_submitted_assessment_cannot_be_changed(db, team, now):
    tia = team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    fill(db, tia, draft)
    S.submit(db, tia, draft.id, FRAMEWORK, tia, now)
    for statement in ("UPDATE rating SET level = 1", "DELETE FROM rating",
                      "UPDATE assessment SET round_months = 0",
                      f"INSERT INTO rating (assessment_id, competency_code, level, evidence_kind) VALUES ({draft.id}, 'XX1', 1, 'knows')"):
        with pytest.raises(IntegrityError, match="cannot be changed"):
            with write(db):
                db.execute(statement)
    with pytest.raises(PermissionDenied):
        S.save_step(db, tia, draft.id, FRAMEWORK.domains[0], {}, 1)


def test_a_correction_supersedes_and_keeps_the_round(db, team, now):
    tia = team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    fill(db, tia, draft, level=4)
    S.submit(db, tia, draft.id, FRAMEWORK, tia, now)
    correction = S.start_correction(db, tia, draft.id, FRAMEWORK, now + timedelta(days=1))
    assert correction.supersedes_id == draft.id and correction.answers["FP1"].level == 4
    domain = FRAMEWORK.domains[0]
    S.save_step(db, tia, correction.id, domain, {x.code: S.Answer(2) for x in domain.competencies}, 1)
    S.submit(db, tia, correction.id, FRAMEWORK, tia, now + timedelta(days=100))  # a later round by the calendar
    listed = S.submitted_assessments(db, tia, tia)
    assert [(a.superseded, a.round_months) for a in listed] == [(False, 6), (True, 6)]
    assert S.effective_levels(db, tia, tia, now + timedelta(days=101))["FP1"].level == 2
    with pytest.raises(S.AssessmentError, match="already been corrected"):
        S.start_correction(db, tia, draft.id, FRAMEWORK, now)


def test_who_may_rate_whom(db, team, now):
    lee, tia, ola = team["lee"], team["tia"], team["ola"]
    assert S.open_draft(db, lee, tia, c.OBSERVER, FRAMEWORK, now).person_id == tia.id
    with pytest.raises(PermissionDenied):
        S.open_draft(db, lee, ola, c.OBSERVER, FRAMEWORK, now)  # another practice's trainee
    with pytest.raises(PermissionDenied):
        S.open_draft(db, tia, ola, c.OBSERVER, FRAMEWORK, now)  # trainees rate nobody
    with pytest.raises(PermissionDenied):
        S.open_draft(db, tia, lee, c.SELF, FRAMEWORK, now)  # a self-assessment is of oneself
    assert [p.username for p in S.trainees_to_observe(db, lee)] == ["tia"]
    assert S.trainees_to_observe(db, tia) == []


def test_nobody_else_reads_a_trainees_ratings(db, team, now):
    with pytest.raises(PermissionDenied):
        S.candidate_ratings(db, team["ola"], team["tia"], now)
    with pytest.raises(PermissionDenied):
        S.domain_history(db, team["oli"], team["tia"])
    assert S.domain_history(db, team["lee"], team["tia"]) == []


def test_a_draft_and_its_notes_are_its_raters_alone_until_submitted(db, team, now):
    lee, tia = team["lee"], team["tia"]
    lou_id = A.create_person(db, A.SYSTEM, username="lou", display_name="Lou", password="long enough pw", now=now)
    [practice] = lee.practice_ids(LEAD)
    A.add_membership(db, A.SYSTEM, lou_id, practice, LEAD, now)
    lou = A.load_person(db, lou_id)  # the practice's other lead
    draft = S.open_draft(db, lee, tia, c.OBSERVER, FRAMEWORK, now)
    first = FRAMEWORK.domains[0]
    note = "Not yet: she froze at the discharge meeting"
    unfinished = {x.code: S.Answer(1, "knows", note) for x in first.competencies}
    S.save_step(db, lee, draft.id, first, unfinished, 1)
    assert S.answers_of(db, lee, draft.id) == unfinished
    for reader in (tia, lou, A.SYSTEM, team["oli"]):  # the rated trainee, another lead, an administrator, a stranger
        with pytest.raises(PermissionDenied):
            S.answers_of(db, reader, draft.id)

    fill(db, lee, draft)
    S.submit(db, lee, draft.id, FRAMEWORK, tia, now)
    submitted = S.answers_of(db, lee, draft.id)
    assert S.answers_of(db, tia, draft.id) == S.answers_of(db, lou, draft.id) == submitted
    with pytest.raises(PermissionDenied):
        S.answers_of(db, team["oli"], draft.id)


def test_a_trainees_own_draft_is_not_their_leads_to_read(db, team, now):
    lee, tia = team["lee"], team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    first = FRAMEWORK.domains[0]
    S.save_step(db, tia, draft.id, first, {x.code: S.Answer(2, "knows", "unsure") for x in first.competencies}, 1)
    assert len(S.answers_of(db, tia, draft.id)) == len(first.competencies)
    with pytest.raises(PermissionDenied):
        S.answers_of(db, lee, draft.id)


def test_domain_history_has_one_point_per_assessment_and_domain(db, team, now):
    tia = team["tia"]
    draft = S.open_draft(db, tia, tia, c.SELF, FRAMEWORK, now)
    fill(db, tia, draft, level=2)
    S.submit(db, tia, draft.id, FRAMEWORK, tia, now)
    points = S.domain_history(db, tia, tia)
    assert len(points) == len(FRAMEWORK.domains)
    assert {p.mean_level for p in points} == {2.0}


# ---------------------------------------------------------------- the SQL path agrees with the rule

history = st.lists(
    st.tuples(st.integers(1, 5), st.sampled_from([c.SELF, c.OBSERVER]), st.integers(0, 600), st.booleans()),
    min_size=0, max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=history)
def test_store_candidates_and_pure_rule_agree_on_random_histories(tmp_path_factory, now, events):
    from carecoord import db as database

    db = database.open_database(tmp_path_factory.mktemp("prop") / "p.db")
    tia_id = A.create_person(db, A.SYSTEM, username="tia", display_name="Tia", password="long enough pw", now=now)
    lee_id = A.create_person(db, A.SYSTEM, username="lee", display_name="Lee", password="long enough pw", now=now)
    tia = A.load_person(db, tia_id)
    everything: list[c.Rating] = []
    previous_by_kind: dict[str, int] = {}
    for level, kind, days_ago, correct_previous in events:
        when = now - timedelta(days=days_ago)
        supersedes = previous_by_kind.get(kind) if correct_previous else None
        rater = tia_id if kind == c.SELF else lee_id
        cursor = db.execute(
            "INSERT INTO assessment (person_id, rater_id, rater_kind, framework_id, framework_version, supersedes_id,"
            " started_at) VALUES (?, ?, ?, 'f', 1, ?, ?)", [tia_id, rater, kind, supersedes, when.isoformat()])
        db.execute("INSERT INTO rating (assessment_id, competency_code, level, evidence_kind) VALUES (?, 'FP1', ?, 'does')",
                   [cursor.lastrowid, level])
        db.execute("UPDATE assessment SET status = 'submitted', submitted_at = ?, round_months = 0 WHERE id = ?",
                   [when.isoformat(timespec="seconds"), cursor.lastrowid])
        if supersedes is not None:
            everything = [x if x.assessment_id != supersedes else
                          c.Rating(x.code, x.level, x.rater_kind, x.assessed_at, x.assessment_id, True) for x in everything]
        everything.append(c.Rating("FP1", level, kind, when.replace(microsecond=0), cursor.lastrowid))
        previous_by_kind[kind] = cursor.lastrowid
    from_store = c.effective_level(S.candidate_ratings(db, tia, tia, now), now)
    assert from_store == c.effective_level(everything, now)
    db.conn.close()
