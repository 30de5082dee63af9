"""The pure rules of family faculty stories: transitions, bounds, credit, purge dates."""

from datetime import UTC, datetime, timedelta

import pytest

from carecoord import stories as s
from carecoord.stories import StoryError


@pytest.mark.parametrize(("status", "action", "author", "reviewer", "expected"), [
    (s.DRAFT, s.SUBMIT, True, False, s.SUBMITTED),
    (s.CHANGES_REQUESTED, s.SUBMIT, True, False, s.SUBMITTED),
    (s.SUBMITTED, s.REQUEST_CHANGES, False, True, s.CHANGES_REQUESTED),
    (s.SUBMITTED, s.APPROVE, False, True, s.PUBLISHED),
    (s.PUBLISHED, s.WITHDRAW, True, False, s.WITHDRAWN),
    (s.DRAFT, s.WITHDRAW, True, False, s.WITHDRAWN),
    (s.SUBMITTED, s.WITHDRAW, True, False, s.WITHDRAWN),
])
def test_allowed_transitions(status, action, author, reviewer, expected):
    assert s.next_status(status, action, is_author=author, may_review=reviewer) == expected


@pytest.mark.parametrize(("status", "action", "author", "reviewer", "message"), [
    (s.DRAFT, s.APPROVE, False, True, "cannot be approved"),  # no skipping review
    (s.CHANGES_REQUESTED, s.APPROVE, False, True, "cannot be approved"),
    (s.SUBMITTED, s.APPROVE, True, True, "Nobody reviews or publishes their own story"),
    (s.SUBMITTED, s.APPROVE, False, False, "Only a lead"),
    (s.PUBLISHED, s.SUBMIT, True, False, "cannot be sent for review"),
    (s.SUBMITTED, s.SUBMIT, True, False, "cannot be sent for review"),
    (s.WITHDRAWN, s.WITHDRAW, True, False, "cannot be withdrawn"),
    (s.WITHDRAWN, s.SUBMIT, True, False, "cannot be sent for review"),
    (s.DRAFT, s.SUBMIT, False, True, "Only the author"),
    (s.DRAFT, s.REQUEST_CHANGES, False, True, "cannot be sent back"),
])
def test_refused_transitions(status, action, author, reviewer, message):
    with pytest.raises(StoryError, match=message):
        s.next_status(status, action, is_author=author, may_review=reviewer)


def test_body_bound_has_a_clear_message():
    assert s.clean_body("x" * s.BODY_MAX) == "x" * s.BODY_MAX
    with pytest.raises(StoryError, match="20,005 characters; the limit is 20,000. Shorten it by 5") as error:
        s.clean_body("x" * (s.BODY_MAX + 5))
    assert error.value.field == "body"


def test_title_is_one_line_and_bounded():
    assert s.clean_title("  Coming\nhome   again ") == "Coming home again"
    with pytest.raises(StoryError, match="120 characters"):
        s.clean_title("t" * 121)


def test_questions_one_a_line_without_list_markers_and_bounded():
    assert s.parse_questions("- What now?\n\n2. Who owns it?\n  * Why?  ") == ["What now?", "Who owns it?", "Why?"]
    with pytest.raises(StoryError, match="at most 8"):
        s.parse_questions("\n".join(f"q{i}?" for i in range(9)))
    with pytest.raises(StoryError, match="Question 2 is 301 characters"):
        s.clean_questions(["ok?", "x" * 301])


def test_links_must_look_like_ids_or_codes():
    assert s.clean_links(["care-mapping", "care-mapping", "nicu-1-discharge-planning"], "modules") == [
        "care-mapping", "nicu-1-discharge-planning"]
    assert s.clean_links(["FP1", "TR2"], "competencies") == ["FP1", "TR2"]
    with pytest.raises(StoryError, match="Choose from the list"):
        s.clean_links(["<script>"], "modules")
    with pytest.raises(StoryError, match="Choose from the list"):
        s.clean_links(["care-mapping"], "competencies")
    with pytest.raises(StoryError, match="at most 20"):
        s.clean_links([f"m-{i}" for i in range(21)], "phases")


def test_a_stage_comes_from_the_list():
    assert s.clean_stage("infancy") == "infancy"
    assert s.clean_stage(None) == ""
    with pytest.raises(StoryError, match="stage"):
        s.clean_stage("teenage")


def test_credit_as_the_author_chose():
    assert s.credit_line(s.CREDIT_NAME, "Marisol Vega") == "Marisol Vega"
    assert s.credit_line(s.CREDIT_INITIALS, "Marisol Vega-Ruiz") == "M. V. R."
    assert s.credit_line(s.CREDIT_ANONYMOUS, "Marisol Vega") == s.ANONYMOUS_CREDIT
    assert "Marisol" not in s.credit_line(None, "Marisol Vega")


def test_purge_is_due_thirty_days_after_withdrawal_not_before():
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    withdrawn = [(1, now - timedelta(days=30)), (2, now - timedelta(days=30) + timedelta(seconds=1)),
                 (3, now - timedelta(days=45)), (4, now)]
    assert s.purge_due(withdrawn, now) == [1, 3]
    assert s.purge_on(datetime(2026, 3, 1, tzinfo=UTC)) == datetime(2026, 3, 31, tzinfo=UTC)


def test_submission_needs_a_title_some_text_a_stage_and_consent():
    problems = dict(s.submission_problems("", "Too short.", "", None))
    assert set(problems) == {"title", "body", "stage", "consent"}
    consent = s.Consent(s.SCOPE_PRACTICE, s.CREDIT_NAME, True, datetime(2026, 1, 1, tzinfo=UTC))
    assert s.submission_problems("Home", "word " * 20, "infancy", consent) == []


def test_the_check_reads_title_body_and_questions_and_the_hash_changes_with_the_text():
    flags = s.check("Meeting Dr Okafor", "It was a long winter.", ["Would you call 555-0134?"])
    assert {f.text for f in flags} == {"Okafor", "555-0134"}
    assert s.text_hash("a", "b", ["c"]) == s.text_hash("a", "b", ["c"])
    assert s.text_hash("a", "b", ["c"]) != s.text_hash("a", "b!", ["c"])
    assert len(s.text_hash("a", "b", [])) == 64
