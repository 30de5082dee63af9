"""Exporting and erasing one person's data (on the demo practice, which has every kind of record)."""

import csv
import io
import json
import zipfile

import pytest

from carecoord import db as database
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, assessments, personal_data as P


def person_id(db, username):
    return db.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0]


@pytest.fixture
def admin(demo_db):
    return A.load_person(demo_db, person_id(demo_db, "demo-admin"))


def test_export_has_every_section_and_no_secrets(demo_db, admin, now):
    sections = P.export_person(demo_db, admin, person_id(demo_db, "demo-amara"), now)
    assert set(sections) == set(P.EXPORT)
    assert sections["account"][0]["username"] == "demo-amara"
    assert sections["lesson_progress"] and sections["assessments_of_this_person"] and sections["case_choices"]
    text = json.dumps(sections, default=str)
    assert "argon2" not in text and "token_hash" not in text and "password_hash" not in text
    assert "person.export" in [e.action for e in A.audit_log(demo_db, admin)]


def test_the_archive_is_readable_without_the_app(demo_db, admin, now):
    sections = P.export_person(demo_db, admin, person_id(demo_db, "demo-faculty"), now)
    archive = zipfile.ZipFile(io.BytesIO(P.export_archive(sections, now)))
    names = set(archive.namelist())
    assert {"person.json", "README.txt", "stories_written.csv", "account.csv"} <= names
    data = json.loads(archive.read("person.json"))
    assert [row["story_id"] for row in data["stories_written"]] == [row["story_id"] for row in sections["stories_written"]]
    assert data["note"] == P.NOTE
    rows = list(csv.DictReader(io.StringIO(archive.read("stories_written.csv").decode())))
    assert len(rows) == len(sections["stories_written"]) >= 1


def test_only_administrators_export_or_erase(demo_db, now):
    lead = A.load_person(demo_db, person_id(demo_db, "demo-lead"))
    with pytest.raises(PermissionDenied):
        P.export_person(demo_db, lead, person_id(demo_db, "demo-amara"), now)
    with pytest.raises(PermissionDenied):
        P.erase_person(demo_db, lead, person_id(demo_db, "demo-amara"), now)


def test_erase_removes_details_and_free_text_but_keeps_aggregates(demo_db, admin, now):
    amara = person_id(demo_db, "demo-amara")
    demo_db.execute("UPDATE person SET email = 'amara@example.org' WHERE id = ?", [amara])
    counts_before = {table: demo_db.execute(f"SELECT count(*) FROM {table} WHERE person_id = ?", [amara]).fetchone()[0]
                     for table in ("lesson_progress", "check_answer", "assessment", "case_attempt")}
    levels_before = demo_db.execute("SELECT sum(level) FROM rating JOIN assessment a ON a.id = rating.assessment_id "
                                    "WHERE a.person_id = ?", [amara]).fetchone()[0]
    P.erase_person(demo_db, admin, amara, now)
    row = demo_db.execute("SELECT username, display_name, email, password_hash, disabled FROM person WHERE id = ?",
                          [amara]).fetchone()
    assert row == (f"erased-{amara}", "Erased person", None, None, 1)
    assert demo_db.execute("SELECT count(*) FROM sign_in WHERE person_id = ?", [amara]).fetchone()[0] == 0
    assert demo_db.execute("SELECT count(*) FROM case_reflection r JOIN case_attempt a ON a.id = r.attempt_id "
                           "WHERE a.person_id = ?", [amara]).fetchone()[0] == 0
    assert demo_db.execute("SELECT count(*) FROM story_reflection WHERE person_id = ?", [amara]).fetchone()[0] == 0
    assert demo_db.execute("SELECT count(*) FROM rating JOIN assessment a ON a.id = rating.assessment_id "
                           "WHERE a.person_id = ? AND note != ''", [amara]).fetchone()[0] == 0
    for table, count in counts_before.items():  # anonymous records that reports depend on stay
        assert demo_db.execute(f"SELECT count(*) FROM {table} WHERE person_id = ?", [amara]).fetchone()[0] == count
    assert demo_db.execute("SELECT sum(level) FROM rating JOIN assessment a ON a.id = rating.assessment_id "
                           "WHERE a.person_id = ?", [amara]).fetchone()[0] == levels_before
    dump = database.every_row_as_text(demo_db)
    assert "Amara" not in dump and "amara@example.org" not in dump and "demo-amara" not in dump
    assert "person.erase" in [e.action for e in A.audit_log(demo_db, admin)]


def test_erasing_an_author_removes_their_stories(demo_db, admin, now):
    faculty = person_id(demo_db, "demo-faculty")
    assert demo_db.execute("SELECT count(*) FROM story WHERE author_id = ?", [faculty]).fetchone()[0] >= 1
    P.erase_person(demo_db, admin, faculty, now)
    assert demo_db.execute("SELECT count(*) FROM story WHERE author_id = ?", [faculty]).fetchone()[0] == 0
    assert "Marisol" not in database.every_row_as_text(demo_db)


def test_ratings_stay_immutable_except_for_blanking_a_note(demo_db):
    from carecoord.db import IntegrityError, write

    with pytest.raises(IntegrityError, match="cannot be changed"):
        with write(demo_db):
            demo_db.execute("UPDATE rating SET level = 1")
    with pytest.raises(IntegrityError, match="cannot be changed"):
        with write(demo_db):
            demo_db.execute("UPDATE rating SET note = 'rewritten'")


def test_an_administrator_cannot_erase_themselves(demo_db, admin, now):
    with pytest.raises(A.AccountError, match="your own account"):
        P.erase_person(demo_db, admin, admin.id, now)


def test_nobody_can_open_an_erased_persons_pages_any_more(demo_db, admin, now):
    lead = A.load_person(demo_db, person_id(demo_db, "demo-lead"))
    amara = person_id(demo_db, "demo-amara")
    assert assessments.domain_history(demo_db, lead, A.load_person(demo_db, amara))
    P.erase_person(demo_db, admin, amara, now)
    erased = A.load_person(demo_db, amara)
    assert erased.display_name == "Erased person" and erased.disabled
    with pytest.raises(PermissionDenied):
        assessments.domain_history(demo_db, lead, erased)  # no longer a member: the lead sees no individual


def test_the_export_leaves_out_another_raters_unsubmitted_draft(demo_db, admin, now):
    from carecoord import competency
    from carecoord.content import load_library

    framework = load_library().framework
    lead = A.load_person(demo_db, person_id(demo_db, "demo-lead"))
    amara = A.load_person(demo_db, person_id(demo_db, "demo-amara"))
    draft = assessments.open_draft(demo_db, lead, amara, competency.OBSERVER, framework, now)
    domain = framework.domains[0]
    assessments.save_step(demo_db, lead, draft.id, domain,
                          {c.code: assessments.Answer(2, "knows_how", "private working note") for c in domain.competencies}, 1)
    rows = P.export_person(demo_db, admin, amara.id, now)["assessments_of_this_person"]
    assert draft.id not in {row["assessment_id"] for row in rows}
    assert "private working note" not in json.dumps(rows, default=str)


def test_an_id_too_large_for_the_database_finds_nobody(demo_db, admin):
    assert A.load_person(demo_db, 10**30) is None
    with pytest.raises(PermissionDenied):
        A.view_person(demo_db, admin, 2**63)


def test_observations_requests_portfolio_and_sign_offs_are_exported_and_erased_to_their_levels(demo_db, admin, now):
    sam, lead = person_id(demo_db, "demo-trainee"), person_id(demo_db, "demo-lead")
    sections = P.export_person(demo_db, admin, sam, now)
    for section in ("observations_of_this_person", "observation_requests", "portfolio"):
        assert sections[section] and "error" not in sections[section][0], section
    assert P.export_person(demo_db, admin, lead, now)["sign_offs_made"]
    levels_before = demo_db.execute("""SELECT count(*) FROM observation_rating JOIN observation
                                       ON observation.id = observation_id WHERE person_id = ?""", [sam]).fetchone()
    P.erase_person(demo_db, admin, sam, now)
    P.erase_person(demo_db, admin, lead, now)
    assert demo_db.execute("""SELECT count(*) FROM observation_rating JOIN observation
                              ON observation.id = observation_id WHERE person_id = ?""", [sam]).fetchone() == levels_before
    assert {r[0] for r in demo_db.execute("SELECT what_seen FROM observation WHERE person_id = ?", [sam])} == {"(erased)"}
    assert not demo_db.execute("SELECT 1 FROM portfolio_item WHERE person_id = ?", [sam]).fetchone()
    assert not demo_db.execute("SELECT 1 FROM observation_request WHERE person_id = ? AND context <> ''",
                               [sam]).fetchone()
    names = {r[0] for r in demo_db.execute("SELECT signed_by_name FROM sign_off")}
    assert "Priya Raman" not in names and names == {"Erased person"}
    everything = database.every_row_as_text(demo_db)
    assert "Priya Raman" not in everything
