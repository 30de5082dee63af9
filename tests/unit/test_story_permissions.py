"""Who may write, edit, review, read and reflect on family faculty stories (a positive and a negative each)."""

from carecoord import permissions as p
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from tests.people_fixtures import person


ADMIN = person(1, admin=True)
LEAD_1 = person(2, LEAD, practice=1)
LEAD_2 = person(3, LEAD, practice=2)
TRAINEE_1 = person(4, TRAINEE, practice=1)
FACULTY_1 = person(5, FAMILY_FACULTY, practice=1)
FACULTY_AND_LEAD = person(6, FAMILY_FACULTY, LEAD, practice=1)
NOBODY = person(7)


def test_family_faculty_write_stories():
    assert p.may_write_stories(FACULTY_1)
    assert not p.may_write_stories(TRAINEE_1)
    assert not p.may_write_stories(LEAD_1)
    assert not p.may_write_stories(person(9, FAMILY_FACULTY, disabled=True))


def test_only_the_author_edits_a_story():
    assert p.may_edit_story(FACULTY_1, author_id=FACULTY_1.id)
    assert not p.may_edit_story(FACULTY_1, author_id=99)
    assert not p.may_edit_story(ADMIN, author_id=FACULTY_1.id)


def test_a_lead_of_the_practice_or_an_administrator_reviews_never_the_author():
    assert p.may_review_story(LEAD_1, author_id=FACULTY_1.id, practice_id=1)
    assert p.may_review_story(ADMIN, author_id=FACULTY_1.id, practice_id=2)
    assert not p.may_review_story(LEAD_2, author_id=FACULTY_1.id, practice_id=1)
    assert not p.may_review_story(TRAINEE_1, author_id=FACULTY_1.id, practice_id=1)
    assert not p.may_review_story(FACULTY_AND_LEAD, author_id=FACULTY_AND_LEAD.id, practice_id=1)


def test_reviewers_read_a_story_once_sent_never_a_draft_or_a_withdrawn_one():
    for status in ("submitted", "changes_requested", "published"):
        assert p.may_read_story(LEAD_1, FACULTY_1.id, 1, status) and p.may_read_story(ADMIN, FACULTY_1.id, 1, status)
        assert not p.may_read_story(LEAD_2, FACULTY_1.id, 1, status)
    for status in ("draft", "withdrawn"):
        assert not p.may_read_story(LEAD_1, FACULTY_1.id, 1, status)
        assert not p.may_read_story(ADMIN, FACULTY_1.id, 1, status)
        assert p.may_read_story(FACULTY_1, FACULTY_1.id, 1, status)  # the author always
    assert not p.may_read_story(TRAINEE_1, FACULTY_1.id, 1, "published")  # readers go through readable()


def test_reviewers_see_a_storys_events_once_it_has_left_the_authors_drafts():
    assert p.may_see_story_events(LEAD_1, FACULTY_1.id, 1, "withdrawn")
    assert not p.may_see_story_events(LEAD_1, FACULTY_1.id, 1, "draft")
    assert not p.may_see_story_events(ADMIN, FACULTY_1.id, 1, "draft")
    assert p.may_see_story_events(FACULTY_1, FACULTY_1.id, 1, "draft")
    assert not p.may_see_story_events(LEAD_2, FACULTY_1.id, 1, "submitted")


def test_leads_and_administrators_have_a_review_queue():
    assert p.may_review_stories(LEAD_2) and p.may_review_stories(ADMIN)
    assert not p.may_review_stories(TRAINEE_1)
    assert not p.may_review_stories(FACULTY_1)


def test_anyone_with_a_role_reads_stories():
    assert p.may_read_stories(TRAINEE_1) and p.may_read_stories(FACULTY_1) and p.may_read_stories(ADMIN)
    assert not p.may_read_stories(NOBODY)
    assert not p.may_read_stories(person(8, TRAINEE, disabled=True))


def test_coordinators_keep_reflections():
    assert p.may_reflect_on_stories(TRAINEE_1) and p.may_reflect_on_stories(LEAD_1)
    assert not p.may_reflect_on_stories(FACULTY_1)
    assert not p.may_reflect_on_stories(ADMIN)
