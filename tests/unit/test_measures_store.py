"""Practice measures in the database: administrations, capability answers, anonymous survey answers,
results from SQL tallies, and the team-member role the membership table now allows."""

from datetime import timedelta

import pytest

from carecoord import measures as M
from carecoord.content import load_library
from carecoord.db import connect, write
from carecoord.measures import SurveyResponse, ThemeAnswer
from carecoord.migrations import accounts as accounts_migrations, apply_all
from carecoord.people import LEAD, TEAM_MEMBER, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, measures as S
from carecoord.db import IntegrityError, column_names
from tests.unit.test_measures import WORKED

LIBRARY = load_library()
CAPABILITY = LIBRARY.instrument("practice-capability")
RC = LIBRARY.instrument("relational-coordination")


@pytest.fixture
def team(db, now):
    practice = A.create_practice(db, A.SYSTEM, "Maple", now)
    other = A.create_practice(db, A.SYSTEM, "Oak", now)
    people = {"practice": practice, "other": other}
    rows = [("lee", practice, LEAD, "nurse"), ("tia", practice, TRAINEE, "care coordinator"),
            ("oli", other, LEAD, "nurse"), ("ola", other, TEAM_MEMBER, "nurse")]
    rows += [(f"mem{i}", practice, TEAM_MEMBER, r.from_discipline) for i, r in enumerate(WORKED)]
    for name, practice_id, role, discipline in rows:
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name.title(), password="long enough pw",
                              now=now)
        A.add_membership(db, A.SYSTEM, pid, practice_id, role, now, discipline=discipline)
        people[name] = A.load_person(db, pid)
    return people


def all_levels(level=3, complete=True):
    return {t.id: ThemeAnswer(level, complete) for t in CAPABILITY.themes}


# ---------------------------------------------------------------- the team-member role


def test_a_lead_adds_a_team_member_to_their_practice(db, team, now):
    pid = A.add_person_to_practice(db, team["lee"], team["practice"], TEAM_MEMBER, now, username="school1",
                                   display_name="Jo", password="long enough pw", discipline="therapist")
    assert A.load_person(db, pid).roles == {TEAM_MEMBER}
    with pytest.raises(PermissionDenied):
        A.add_person_to_practice(db, team["lee"], team["other"], TEAM_MEMBER, now, username="school2",
                                 display_name="Jo", password="long enough pw")


def test_membership_rebuild_keeps_existing_rows_and_allows_team_members(tmp_path, now):
    db = connect(tmp_path / "old.db")
    with write(db):
        accounts_migrations.migrations.apply(db)  # a database from before this feature
    practice = A.create_practice(db, A.SYSTEM, "Elm", now)
    pid = A.create_person(db, A.SYSTEM, username="old", display_name="Old", password="long enough pw", now=now)
    with pytest.raises(IntegrityError):
        db.execute("INSERT INTO membership (person_id, practice_id, role, created_at) VALUES (?, ?, 'team_member', '')",
                   [pid, practice])
    A.add_membership(db, A.SYSTEM, pid, practice, TRAINEE, now, discipline="nurse")
    apply_all(db)
    assert A.load_person(db, pid).memberships[0].discipline == "nurse"
    A.add_membership(db, A.SYSTEM, pid, practice, TEAM_MEMBER, now)
    assert A.load_person(db, pid).roles == {TRAINEE, TEAM_MEMBER}
    with pytest.raises(IntegrityError):
        db.execute("INSERT INTO membership (person_id, practice_id, role, created_at) VALUES (?, ?, 'boss', '')",
                   [pid, practice])
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'membership' "
                                        "AND type = 'index'")}
    assert "membership_practice" in indexes
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


# ---------------------------------------------------------------- administrations


def test_only_a_lead_of_the_practice_opens_and_one_at_a_time(db, team, now):
    with pytest.raises(PermissionDenied):
        S.open_administration(db, team["tia"], team["practice"], CAPABILITY, now.date(), now)
    with pytest.raises(PermissionDenied):
        S.open_administration(db, team["oli"], team["practice"], CAPABILITY, now.date(), now)
    first = S.open_administration(db, team["lee"], team["practice"], CAPABILITY, now.date(), now)
    with pytest.raises(S.MeasureError, match="already open") as error:
        S.open_administration(db, team["lee"], team["practice"], CAPABILITY, now.date(), now)
    assert error.value.field == "administered_on"
    S.open_administration(db, team["lee"], team["practice"], RC, now.date(), now)  # another instrument is fine
    with pytest.raises(S.MeasureError, match="future"):
        S.open_administration(db, team["oli"], team["other"], CAPABILITY, now.date() + timedelta(days=1), now)
    listed = S.administrations(db, team["lee"], team["practice"], CAPABILITY.id)
    assert [a.id for a in listed] == [first] and listed[0].is_open
    with pytest.raises(PermissionDenied):
        S.administrations(db, team["oli"], team["practice"])


def test_capability_answers_are_recorded_closed_and_scored(db, team, now):
    lee = team["lee"]
    aid = S.open_administration(db, lee, team["practice"], CAPABILITY, now.date(), now)
    first = CAPABILITY.domains[0]
    S.record_capability_answers(db, lee, aid, CAPABILITY, {t.id: ThemeAnswer(1, False) for t in first.themes}, now)
    with pytest.raises(S.MeasureError, match="Answer every theme"):
        S.close_administration(db, lee, aid, CAPABILITY, now)
    with pytest.raises(S.MeasureError, match="1 to 4") as error:
        S.record_capability_answers(db, lee, aid, CAPABILITY, {first.themes[0].id: ThemeAnswer(5, True)}, now)
    assert error.value.field == first.themes[0].id
    with pytest.raises(PermissionDenied):
        S.record_capability_answers(db, team["oli"], aid, CAPABILITY, all_levels(), now)
    answers = all_levels(4, True) | {t.id: ThemeAnswer(1, False, "registry check") for t in first.themes}
    S.record_capability_answers(db, lee, aid, CAPABILITY, answers, now)  # replaces earlier answers
    S.close_administration(db, lee, aid, CAPABILITY, now)
    [(administration, score)] = S.capability_results(db, lee, team["practice"], CAPABILITY)
    assert administration.id == aid and not administration.is_open
    assert score.domain(first.id).percent == 0 and score.domains[1].percent == 100
    n_first, n_all = len(first.themes), len(CAPABILITY.themes)
    assert score.overall == pytest.approx((n_first * 1 + (n_all - n_first) * 8 - n_all) / (7 * n_all) * 100)
    assert S.capability_answers(db, lee, aid)[first.themes[0].id].note == "registry check"
    # Closed answers are final, in the store and in the database itself.
    with pytest.raises(S.MeasureError, match="closed"):
        S.record_capability_answers(db, lee, aid, CAPABILITY, all_levels(), now)
    with pytest.raises(IntegrityError, match="closed administration"):
        db.execute("UPDATE capability_answer SET level = 2 WHERE administration_id = ?", [aid])
    with pytest.raises(S.MeasureError, match="cannot be removed"):
        S.discard_administration(db, lee, aid, now)


def test_survey_answers_once_anonymously_and_results_match_the_worked_example(db, team, now):
    lee = team["lee"]
    aid = S.open_administration(db, lee, team["practice"], RC, now.date(), now)
    assert [s.administration.id for s in S.open_surveys(db, team["mem0"])] == [aid]
    assert S.open_surveys(db, team["mem0"])[0].discipline == "care coordinator"
    assert S.open_surveys(db, team["ola"]) == []  # another practice's survey is not theirs to answer
    with pytest.raises(PermissionDenied):
        S.submit_survey(db, team["ola"], aid, RC, WORKED[0], now)
    for i, response in enumerate(WORKED):
        S.submit_survey(db, team[f"mem{i}"], aid, RC, response, now)
    with pytest.raises(S.MeasureError, match="already answered"):
        S.submit_survey(db, team["mem0"], aid, RC, WORKED[0], now)
    with pytest.raises(S.MeasureError, match="all seven"):
        S.submit_survey(db, team["tia"], aid, RC, SurveyResponse("nurse", {"nurse": {"frequency": 3}}), now)
    assert S.open_surveys(db, team["mem0"])[0].answered
    assert S.respondent_count(db, lee, aid) == len(WORKED)
    with pytest.raises(S.MeasureError, match="People have already answered"):
        S.discard_administration(db, lee, aid, now)
    assert S.relational_results(db, lee, team["practice"], RC) == []  # nothing until it closes

    S.close_administration(db, lee, aid, RC, now)
    with pytest.raises(S.MeasureError, match="closed"):
        S.submit_survey(db, team["tia"], aid, RC, WORKED[0], now)
    [(_, result)] = S.relational_results(db, lee, team["practice"], RC)
    tallies, _ = M.tally(WORKED)
    assert result == M.score_relational(RC, tallies, len(WORKED))  # SQL tallies == the pure ones
    assert result.index.value == pytest.approx(22 / 7)
    with pytest.raises(PermissionDenied):
        S.relational_results(db, team["tia"], team["practice"], RC)


def test_survey_answers_cannot_be_joined_to_who_gave_them(db, team, now):
    columns = {table: set(column_names(db, table)) for table in ("survey_response", "survey_rating")}
    assert columns["survey_response"] == {"id", "administration_id", "from_discipline"}
    assert columns["survey_rating"] == {"response_id", "to_discipline", "dimension", "score"}
    aid = S.open_administration(db, team["lee"], team["practice"], RC, now.date(), now)
    S.submit_survey(db, team["mem0"], aid, RC, WORKED[0], now)
    response_id = db.execute("SELECT id FROM survey_response").fetchone()[0]
    assert len(response_id) == 32 and not response_id.isdigit()  # a random key, not a sequence


def test_a_mistaken_administration_is_discarded_and_the_demo_still_removes(demo_db, now):
    lead = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-lead'").fetchone()[0])
    practice_id = next(iter(lead.practice_ids(LEAD)))
    assert len(S.capability_results(demo_db, lead, practice_id, CAPABILITY)) == 3
    assert len(S.relational_results(demo_db, lead, practice_id, RC)) == 3
    aid = S.open_administration(demo_db, lead, practice_id, CAPABILITY, now.date(), now)
    S.discard_administration(demo_db, lead, aid, now)
    assert all(not a.is_open for a in S.administrations(demo_db, lead, practice_id, CAPABILITY.id))
    admin = A.create_person(demo_db, A.SYSTEM, username="real-admin", display_name="Real", password="long enough pw",
                            now=now, is_admin=True)
    A.remove_demo(demo_db, A.load_person(demo_db, admin), now)  # cascades through closed measures
    assert demo_db.execute("SELECT count(*) FROM administration").fetchone()[0] == 0
    assert demo_db.execute("SELECT count(*) FROM survey_rating").fetchone()[0] == 0


def test_demo_measures_improve_over_the_year(demo_db):
    lead = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-lead'").fetchone()[0])
    practice_id = next(iter(lead.practice_ids(LEAD)))
    capability = [s.overall for _, s in S.capability_results(demo_db, lead, practice_id, CAPABILITY)]
    survey = [r.index.value for _, r in S.relational_results(demo_db, lead, practice_id, RC)]
    assert capability == sorted(capability) and capability[-1] - capability[0] > 15
    assert survey == sorted(survey) and all(v is not None for v in survey)
    open_now = [a for a in S.administrations(demo_db, lead, practice_id, RC.id) if a.is_open]
    assert len(open_now) == 1  # this quarter's survey, open for the team members to answer


def test_a_survey_answer_names_a_discipline_from_the_surveys_list_only(db, team, now):
    # A discipline typed freely could single out who answered an anonymous survey, and be of any length.
    aid = S.open_administration(db, team["lee"], team["practice"], RC, now.date(), now)
    for typed in ("x" * 5_000_000, "the only speech therapist in Maple"):
        with pytest.raises(S.MeasureError, match="from the survey's list"):
            S.submit_survey(db, team["tia"], aid, RC, SurveyResponse(typed, WORKED[0].ratings), now)
    assert db.execute("SELECT count(*) FROM survey_response").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM survey_respondent").fetchone()[0] == 0
    S.submit_survey(db, team["tia"], aid, RC, WORKED[0], now)
