"""The story workflow on a real database: writing, checking, consent, review, reading, withdrawal and purge."""

import json
from datetime import timedelta

import pytest

from carecoord import stories as rules
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.stories import StoryError, SubmissionRefused
from carecoord.store import accounts as A, stories as S

BODY = ("When our daughter came home from the NICU she had eleven specialists and a binder of medicines. "
        "Nobody told us who to call first, so our coordinator drew a care map with us at the kitchen table.")


@pytest.fixture
def people(db, now):
    maple = A.create_practice(db, A.SYSTEM, "Maple", now)
    oak = A.create_practice(db, A.SYSTEM, "Oak", now)
    made = {}
    for name, roles in (("fay", [(maple, FAMILY_FACULTY)]), ("fox", [(maple, FAMILY_FACULTY)]),
                        ("lee", [(maple, LEAD)]), ("tia", [(maple, TRAINEE)]), ("oli", [(oak, LEAD)]),
                        ("ola", [(oak, TRAINEE)]), ("pat", [(maple, FAMILY_FACULTY), (maple, LEAD)]),
                        ("ada", [])):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=f"{name.title()} Example",
                              password="long enough pw", now=now, is_admin=name == "ada")
        for practice_id, role in roles:
            A.add_membership(db, A.SYSTEM, pid, practice_id, role, now)
        made[name] = A.load_person(db, pid)
    return made


def ready(db, author, now, *, scope=rules.SCOPE_PRACTICE, body=BODY, title="Coming home"):
    """A complete draft with consent, ready to submit."""
    story = S.create_draft(db, author, now)
    S.save_draft(db, author, story.id, now, title=title, body=body, stage="infancy", questions="- Who owns it?",
                 modules=["care-mapping"], phases=["nicu-2-first-weeks-home"], competencies=["FP1", "CP1"])
    S.record_consent(db, author, story.id, scope, rules.CREDIT_INITIALS, True, now)
    return S.own_story(db, author, story.id)


def published(db, people, now, **kwargs):
    story = ready(db, people["fay"], now, **kwargs)
    S.submit(db, people["fay"], story.id, now)
    return S.approve(db, people["lee"], story.id, now + timedelta(hours=1))


def audit_actions(db, story_id):
    return [r[0] for r in db.execute("SELECT action FROM audit WHERE subject = ? ORDER BY id", [f"story:{story_id}"])]


# ---------------------------------------------------------------- writing


def test_autosave_saves_one_field_at_a_time_and_stamps_the_time(db, people, now):
    fay = people["fay"]
    story = S.create_draft(db, fay, now)
    later = now + timedelta(minutes=3)
    S.save_draft(db, fay, story.id, later, title="  The   binder ")
    S.save_draft(db, fay, story.id, later + timedelta(minutes=1), body=BODY)
    saved = S.own_story(db, fay, story.id)
    assert (saved.title, saved.body, saved.saved_at) == ("The binder", BODY, later + timedelta(minutes=1))
    S.save_draft(db, fay, story.id, later, modules=["care-mapping", "information-sharing"], competencies=["FP1"])
    S.save_draft(db, fay, story.id, later, modules=["information-sharing"])
    saved = S.own_story(db, fay, story.id)
    assert (saved.modules, saved.competencies, saved.title) == (("information-sharing",), ("FP1",), "The binder")


def test_an_oversized_body_is_refused_and_the_last_saved_text_kept(db, people, now):
    fay = people["fay"]
    story = S.create_draft(db, fay, now)
    S.save_draft(db, fay, story.id, now, body=BODY)
    with pytest.raises(StoryError, match="the limit is 20,000") as error:
        S.save_draft(db, fay, story.id, now, body="x" * 20_001)
    assert error.value.field == "body"
    assert S.own_story(db, fay, story.id).body == BODY


def test_only_the_author_sees_or_edits_a_draft(db, people, now):
    story = S.create_draft(db, people["fay"], now)
    for other in ("fox", "lee", "tia", "ada"):
        with pytest.raises(PermissionDenied):
            S.save_draft(db, people[other], story.id, now, title="Mine now")
        with pytest.raises(PermissionDenied):
            S.own_story(db, people[other], story.id)
    assert [s.id for s in S.my_stories(db, people["fay"])] == [story.id]
    assert S.my_stories(db, people["fox"]) == []
    with pytest.raises(PermissionDenied):
        S.my_stories(db, people["tia"])


# ---------------------------------------------------------------- checking and submitting


def test_submission_with_unresolved_flags_is_refused_with_the_list(db, people, now):
    fay = people["fay"]
    story = ready(db, fay, now, body=BODY + " Rosa was born on 14 March 2016. We owe Dr Okafor and Rosa so much.")
    with pytest.raises(SubmissionRefused) as refused:
        S.submit(db, fay, story.id, now)
    assert {f.text for f in refused.value.flags} == {"14 March 2016", "Okafor", "Rosa"}
    assert '"Okafor" (personal name)' in str(refused.value)
    assert S.own_story(db, fay, story.id).status == rules.DRAFT

    S.set_intended(db, fay, story.id, "Rosa", True, now)  # the first name the family chose to share
    S.save_draft(db, fay, story.id, now, body=BODY + " Rosa was born in the spring. We owe her doctor and Rosa so much.")
    assert S.submit(db, fay, story.id, now).status == rules.SUBMITTED


def test_marking_as_intended_only_for_a_current_flag_and_it_can_be_undone(db, people, now):
    fay = people["fay"]
    story = ready(db, fay, now, body=BODY + " We thank Dr Okafor.")
    with pytest.raises(StoryError, match="no longer flagged"):
        S.set_intended(db, fay, story.id, "Tuesday", True, now)
    assert S.set_intended(db, fay, story.id, "Okafor", True, now).unresolved == []
    assert [f.text for f in S.set_intended(db, fay, story.id, "Okafor", False, now).unresolved] == ["Okafor"]


def test_submission_needs_consent_and_the_basics(db, people, now):
    fay = people["fay"]
    story = S.create_draft(db, fay, now)
    with pytest.raises(StoryError, match="Give your story a title") as error:
        S.submit(db, fay, story.id, now)
    assert "Record your consent" in str(error.value)
    with pytest.raises(StoryError, match="Choose who may read"):
        S.record_consent(db, fay, story.id, "the internet", rules.CREDIT_NAME, True, now)


def test_consent_is_recorded_with_its_time_and_audited(db, people, now):
    fay = people["fay"]
    story = ready(db, fay, now, scope=rules.SCOPE_INSTALLATION)
    assert story.consent == rules.Consent(rules.SCOPE_INSTALLATION, rules.CREDIT_INITIALS, True, now)
    detail = db.execute("SELECT detail FROM audit WHERE action = 'story.consent'").fetchone()[0]
    assert json.loads(detail) == {"scope": "installation", "credit": "initials", "may_edit_for_length": True}


def test_a_submitted_story_is_locked_for_editing(db, people, now):
    fay = people["fay"]
    story = ready(db, fay, now)
    S.submit(db, fay, story.id, now)
    with pytest.raises(StoryError, match="cannot be edited"):
        S.save_draft(db, fay, story.id, now, title="Sneaky edit")
    with pytest.raises(StoryError, match="cannot be sent for review"):
        S.submit(db, fay, story.id, now)


# ---------------------------------------------------------------- review


def test_no_skipping_review(db, people, now):
    story = ready(db, people["fay"], now)
    with pytest.raises(StoryError, match="cannot be approved"):
        S.approve(db, people["lee"], story.id, now)
    assert S.own_story(db, people["fay"], story.id).status == rules.DRAFT
    assert S.readable(db, people["tia"]) == []


def test_nobody_publishes_their_own_story_even_as_a_lead(db, people, now):
    pat = people["pat"]  # family faculty and lead of the same practice
    story = ready(db, pat, now)
    S.submit(db, pat, story.id, now)
    assert S.review_queue(db, pat) == []
    with pytest.raises(StoryError, match="Nobody reviews or publishes their own story"):
        S.approve(db, pat, story.id, now)
    with pytest.raises(PermissionDenied):
        S.for_review(db, pat, story.id)
    assert S.approve(db, people["lee"], story.id, now).status == rules.PUBLISHED


def test_reviewers_are_leads_of_the_authors_practice_or_administrators(db, people, now):
    story = ready(db, people["fay"], now)
    S.submit(db, people["fay"], story.id, now)
    assert [s.id for s in S.review_queue(db, people["lee"])] == [story.id]
    assert [s.id for s in S.review_queue(db, people["ada"])] == [story.id]
    assert S.review_queue(db, people["oli"]) == []
    with pytest.raises(StoryError, match="Only a lead"):
        S.approve(db, people["oli"], story.id, now)
    with pytest.raises(PermissionDenied):
        S.review_queue(db, people["tia"])
    assert S.approve(db, people["ada"], story.id, now).status == rules.PUBLISHED


def test_changes_requested_with_comments_the_author_sees_then_approved(db, people, now):
    fay, lee = people["fay"], people["lee"]
    story = ready(db, fay, now)
    S.submit(db, fay, story.id, now)
    with pytest.raises(StoryError, match="Say what the author should change"):
        S.request_changes(db, lee, story.id, "  ", now)
    S.request_changes(db, lee, story.id, "Could you add a question about **school**?", now + timedelta(hours=1))
    assert S.own_story(db, fay, story.id).status == rules.CHANGES_REQUESTED
    comments = [e.comment for e in S.history(db, fay, story.id) if e.transition == "submitted->changes_requested"]
    assert comments == ["Could you add a question about **school**?"]
    with pytest.raises(StoryError, match="cannot be approved"):
        S.approve(db, lee, story.id, now)  # the edit has to be resubmitted first

    S.save_draft(db, fay, story.id, now, questions="Who owns it?\nWhat changes at school?")
    S.submit(db, fay, story.id, now + timedelta(hours=2))
    final = S.approve(db, lee, story.id, now + timedelta(hours=3))
    assert final.status == rules.PUBLISHED and final.published_at == now + timedelta(hours=3)
    assert [e.transition for e in S.history(db, lee, story.id)] == [
        "created", "consent", "draft->submitted", "submitted->changes_requested", "changes_requested->submitted",
        "submitted->published"]
    assert audit_actions(db, story.id) == ["story.create", "story.consent", "story.submit", "story.request_changes",
                                           "story.submit", "story.approve"]
    with pytest.raises(PermissionDenied):
        S.history(db, people["tia"], story.id)


def test_a_second_approval_of_the_same_story_is_refused(db, people, now):
    story = ready(db, people["fay"], now)
    S.submit(db, people["fay"], story.id, now)
    S.approve(db, people["lee"], story.id, now)
    with pytest.raises(StoryError, match="published cannot be approved"):
        S.approve(db, people["ada"], story.id, now)
    assert audit_actions(db, story.id).count("story.approve") == 1


# ---------------------------------------------------------------- what reviewers see


def test_reviewers_see_nothing_of_a_draft_its_author_has_not_sent(db, people, now):
    fay = people["fay"]
    draft = ready(db, fay, now, title="Not sent yet")
    for reviewer in (people["lee"], people["ada"]):
        with pytest.raises(PermissionDenied):
            S.for_review(db, reviewer, draft.id)
        with pytest.raises(PermissionDenied):
            S.history(db, reviewer, draft.id)
        assert S.review_queue(db, reviewer) == []
    assert [e.transition for e in S.history(db, fay, draft.id)] == ["created", "consent"]


def test_reviewers_read_a_story_once_sent_while_sent_back_and_once_published(db, people, now):
    fay, lee, ada = people["fay"], people["lee"], people["ada"]
    story = ready(db, fay, now)
    S.submit(db, fay, story.id, now)
    assert S.for_review(db, lee, story.id).body == BODY
    S.request_changes(db, lee, story.id, "Could you say who drew the map?", now)
    assert S.for_review(db, ada, story.id).status == rules.CHANGES_REQUESTED
    assert S.review_queue(db, lee) == []  # the queue is what waits for review
    assert "who drew the map" in S.history(db, ada, story.id)[-1].comment
    S.submit(db, fay, story.id, now)
    S.approve(db, ada, story.id, now)
    assert S.for_review(db, lee, story.id).status == rules.PUBLISHED


def test_a_withdrawn_storys_text_and_comments_are_its_authors_alone(db, people, now):
    fay, lee = people["fay"], people["lee"]
    story = ready(db, fay, now)
    S.submit(db, fay, story.id, now)
    S.request_changes(db, lee, story.id, "Take out the part about the kitchen table.", now)
    S.withdraw(db, fay, story.id, now + timedelta(hours=1))
    for reviewer in (lee, people["ada"]):
        with pytest.raises(PermissionDenied):
            S.for_review(db, reviewer, story.id)
        events = S.history(db, reviewer, story.id)  # what happened, without what was written
        assert [e.transition for e in events] == ["created", "consent", "draft->submitted",
                                                  "submitted->changes_requested", "changes_requested->withdrawn"]
        assert {e.comment for e in events} == {""}
        assert S.review_queue(db, reviewer) == []
    assert "kitchen table" in " ".join(e.comment for e in S.history(db, fay, story.id))


# ---------------------------------------------------------------- reading


def test_practice_scope_is_read_only_in_the_authors_practice(db, people, now):
    story = published(db, people, now, scope=rules.SCOPE_PRACTICE)
    assert [s.id for s in S.readable(db, people["tia"])] == [story.id]
    assert [s.id for s in S.readable(db, people["lee"])] == [story.id]
    assert S.readable(db, people["ola"]) == []
    assert S.readable(db, people["oli"]) == []


def test_installation_scope_is_read_by_everyone_with_a_role(db, people, now):
    story = published(db, people, now, scope=rules.SCOPE_INSTALLATION)
    assert [s.id for s in S.readable(db, people["ola"])] == [story.id]


def test_readers_see_the_chosen_credit_and_never_drafts(db, people, now):
    published(db, people, now)
    ready(db, people["fay"], now, title="Still a draft")
    found = S.readable(db, people["tia"])
    assert [(s.title, s.credit) for s in found] == [("Coming home", "F. E.")]
    assert found[0].questions == ("Who owns it?",)
    assert not hasattr(found[0], "author_id")


def test_filters_by_stage_competency_module_and_phase(db, people, now):
    story = published(db, people, now)
    tia = people["tia"]
    assert [s.id for s in S.readable(db, tia, stage="infancy", competency="FP1")] == [story.id]
    assert S.readable(db, tia, stage="adolescence") == []
    assert S.readable(db, tia, competency="TR3") == []
    assert [s.id for s in S.readable(db, tia, module="care-mapping")] == [story.id]
    assert S.readable(db, tia, module="information-sharing") == []
    assert [s.id for s in S.readable(db, tia, phase="nicu-2-first-weeks-home")] == [story.id]
    assert S.readable(db, tia, phase="nicu-1-discharge-planning") == []


def test_a_trainee_saves_and_replaces_their_own_reflection(db, people, now):
    story = published(db, people, now)
    tia = people["tia"]
    S.save_reflection(db, tia, story.id, "I will ask to see the binder.", now)
    S.save_reflection(db, tia, story.id, "I will ask to see *their* system first.", now + timedelta(days=1))
    assert S.my_reflections(db, tia, [story.id])[story.id].body == "I will ask to see *their* system first."
    assert S.my_reflections(db, people["lee"], [story.id]) == {}
    with pytest.raises(StoryError, match="Write your reflection"):
        S.save_reflection(db, tia, story.id, "   ", now)
    with pytest.raises(StoryError, match="4,000 characters"):
        S.save_reflection(db, tia, story.id, "x" * 4001, now)
    with pytest.raises(PermissionDenied):
        S.save_reflection(db, people["ola"], story.id, "Not my practice's story.", now)
    with pytest.raises(PermissionDenied):
        S.save_reflection(db, people["fox"], story.id, "Faculty do not keep reflections.", now)


# ---------------------------------------------------------------- withdrawal and purge


def test_withdrawal_hides_at_once_and_the_text_is_purged_thirty_days_later(db, people, now):
    fay, lee = people["fay"], people["lee"]
    story = published(db, people, now)
    S.save_reflection(db, people["tia"], story.id, "A reflection.", now)
    withdrawn_at = now + timedelta(days=2)
    S.withdraw(db, fay, story.id, withdrawn_at)
    assert S.readable(db, people["tia"]) == []  # at once
    mine = S.own_story(db, fay, story.id)
    assert (mine.status, mine.body, mine.purge_on) == (rules.WITHDRAWN, BODY, withdrawn_at + timedelta(days=30))

    assert S.purge_due(db, lee, withdrawn_at + timedelta(days=29, hours=23)) == 0
    assert S.own_story(db, fay, story.id).body == BODY
    assert S.purge_due(db, lee, withdrawn_at + timedelta(days=30)) == 1
    assert S.my_stories(db, fay) == []
    for table in ("story", "story_link", "story_event", "story_reflection"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    actor, detail = db.execute("SELECT actor_id, detail FROM audit WHERE action = 'story.purge'").fetchone()
    assert actor == lee.id
    assert json.loads(detail) == {"author_id": fay.id, "withdrawn_at": withdrawn_at.isoformat(),
                                  "text_sha256": rules.text_hash(mine.title, mine.body, mine.questions)}
    assert BODY not in " ".join(r[0] for r in db.execute("SELECT detail FROM audit"))
    assert audit_actions(db, story.id)[-2:] == ["story.withdraw", "story.purge"]


def test_withdrawal_is_the_authors_alone_and_only_once(db, people, now):
    story = published(db, people, now)
    with pytest.raises(PermissionDenied):
        S.withdraw(db, people["lee"], story.id, now)
    S.withdraw(db, people["fay"], story.id, now)
    with pytest.raises(StoryError, match="cannot be withdrawn"):
        S.withdraw(db, people["fay"], story.id, now)


def test_only_leads_and_administrators_run_the_purge(db, people, now):
    with pytest.raises(PermissionDenied):
        S.purge_due(db, people["tia"], now)
    assert S.purge_due(db, A.SYSTEM, now) == 0


def test_the_purge_command_purges_what_is_due(tmp_path, capsys):
    from carecoord import cli, clock, db as database

    path = tmp_path / "cli.db"
    db = database.open_database(path)
    real_now = clock.utcnow()
    practice = A.create_practice(db, A.SYSTEM, "Maple", real_now)
    fay = A.load_person(db, A.add_person_to_practice(db, A.SYSTEM, practice, FAMILY_FACULTY, real_now,
                                                        username="fay", display_name="Fay", password="long enough pw"))
    old, recent = S.create_draft(db, fay, real_now), S.create_draft(db, fay, real_now)
    S.withdraw(db, fay, old.id, real_now - timedelta(days=31))
    S.withdraw(db, fay, recent.id, real_now - timedelta(days=29))
    assert cli.main(["--db", str(path), "purge"]) == 0
    assert "Purged the text of 1 withdrawn story(ies)." in capsys.readouterr().out
    assert [s.id for s in S.my_stories(db, fay)] == [recent.id]


def test_the_demo_family_faculty_has_a_published_an_in_review_and_a_flagged_draft(demo_db):
    from carecoord.demo import stories as demo_stories

    faculty = A.load_person(demo_db, demo_db.execute("SELECT id FROM person WHERE username = 'demo-faculty'")
                            .fetchone()[0])
    mine = {s.title: s for s in S.my_stories(demo_db, faculty)}
    assert mine[demo_stories.PUBLISHED_TITLE].status == rules.PUBLISHED
    assert mine[demo_stories.IN_REVIEW_TITLE].status == rules.SUBMITTED
    draft = mine[demo_stories.DRAFT_TITLE]
    assert draft.status == rules.DRAFT
    assert {f.kind for f in draft.unresolved} >= {"birth_date", "hospital", "phone", "name", "address"}
    assert all(not s.unresolved for s in mine.values() if s.status != rules.DRAFT)


def test_search_finds_a_story_only_for_those_who_may_read_it_and_not_after_withdrawal(db, people, now):
    from carecoord import search
    from carecoord.content import load_library

    library = load_library()
    story = published(db, people, now, body=BODY + " The word zymurgy appears only here.")
    found = search.find(db, people["tia"], library, "zymurgy")[0]
    assert [(h.place.kind, h.place.key) for h in found] == [("story", str(story.id))]
    assert search.find(db, people["ola"], library, "zymurgy")[0] == []  # another practice; practice-only consent
    S.withdraw(db, people["fay"], story.id, now + timedelta(days=1))
    assert search.find(db, people["tia"], library, "zymurgy")[0] == []
    assert search.index_for(library).search("zymurgy", [str(story.id)])[0] == []  # gone from the index itself
