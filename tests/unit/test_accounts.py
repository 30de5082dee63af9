from datetime import timedelta

import pytest

from carecoord import db as database
from carecoord import demo
from carecoord.people import FAMILY_FACULTY, LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A

PASSWORD = "a good long password"


@pytest.fixture
def practice(db, now):
    return A.create_practice(db, A.SYSTEM, "Maple Clinic", now)


@pytest.fixture
def admin(db, now):
    pid = A.create_person(db, A.SYSTEM, username="ada", display_name="Ada", password=PASSWORD,
                          is_admin=True, now=now)
    return A.load_person(db, pid)


@pytest.fixture
def lead(db, now, practice):
    pid = A.create_person(db, A.SYSTEM, username="lee", display_name="Lee", password=PASSWORD, now=now)
    A.add_membership(db, A.SYSTEM, pid, practice, LEAD, now)
    return A.load_person(db, pid)


def test_plain_password_is_never_stored(db, admin):
    stored = db.execute("SELECT password_hash FROM person WHERE id = ?", [admin.id]).fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    dump = database.every_row_as_text(db)
    assert PASSWORD not in dump


def test_sign_in_issues_a_token_that_finds_the_person(db, admin, now):
    result = A.sign_in_with_password(db, "ADA", PASSWORD, now)  # usernames are case-insensitive
    assert result.outcome == "ok"
    assert A.person_for_token(db, result.token, now).id == admin.id


def test_wrong_password_and_unknown_user_look_the_same(db, admin, now):
    assert A.sign_in_with_password(db, "ada", "wrong password!", now).outcome == "wrong"
    assert A.sign_in_with_password(db, "nobody", "wrong password!", now).outcome == "wrong"


def test_five_failures_make_the_next_try_wait_instead_of_locking(db, admin, now):
    outcomes = [A.sign_in_with_password(db, "ada", "nope nope nope", now).outcome for _ in range(5)]
    assert outcomes == ["wrong"] * 5
    # Even the right password waits (else the wait would not slow guessing) ...
    waiting = A.sign_in_with_password(db, "ada", PASSWORD, now)
    assert waiting.outcome == "wait" and waiting.retry_at == now + timedelta(seconds=1)
    # ... and is accepted once the wait is over.
    assert A.sign_in_with_password(db, "ada", PASSWORD, now + timedelta(seconds=1)).outcome == "ok"


def test_success_resets_the_failure_count(db, admin, now):
    for _ in range(4):
        A.sign_in_with_password(db, "ada", "nope nope nope", now)
    assert A.sign_in_with_password(db, "ada", PASSWORD, now).outcome == "ok"
    for _ in range(5):
        assert A.sign_in_with_password(db, "ada", "nope nope nope", now).outcome == "wrong"


def test_token_expires_after_thirty_days(db, admin, now):
    token = A.issue_token(db, admin.id, now)
    assert A.person_for_token(db, token, now + timedelta(days=29)) is not None
    assert A.person_for_token(db, token, now + timedelta(days=30)) is None


def test_sign_out_revokes_only_that_browser(db, admin, now):
    first, second = A.issue_token(db, admin.id, now), A.issue_token(db, admin.id, now)
    A.sign_out(db, first, now)
    assert A.person_for_token(db, first, now) is None
    assert A.person_for_token(db, second, now) is not None


def test_sign_out_everywhere_revokes_every_browser(db, admin, now):
    tokens = [A.issue_token(db, admin.id, now) for _ in range(3)]
    assert A.sign_out_everywhere(db, admin, now) == 3
    assert all(A.person_for_token(db, t, now) is None for t in tokens)


def test_disabling_signs_out_and_refuses_sign_in(db, admin, lead, now):
    token = A.issue_token(db, lead.id, now)
    A.set_disabled(db, admin, lead.id, True, now)
    assert A.person_for_token(db, token, now) is None
    assert A.sign_in_with_password(db, "lee", PASSWORD, now).outcome == "wrong"  # says no more than that


def test_admin_reset_forces_a_change_and_revokes_tokens(db, admin, lead, now):
    token = A.issue_token(db, lead.id, now)
    A.reset_password(db, admin, lead.id, "temporary-password", now)
    assert A.person_for_token(db, token, now) is None
    result = A.sign_in_with_password(db, "lee", "temporary-password", now)
    assert result.outcome == "ok" and result.person.must_change_password
    A.change_password(db, result.person, "temporary-password", "my own new password", now, keep_token=result.token)
    assert not A.load_person(db, lead.id).must_change_password
    assert A.person_for_token(db, result.token, now) is not None  # this browser stays signed in


def test_change_password_checks_the_current_one_and_the_policy(db, lead, now):
    with pytest.raises(A.AccountError, match="current password"):
        A.change_password(db, lead, "wrong current pw", "another good password", now)
    with pytest.raises(A.AccountError, match="at least 10"):
        A.change_password(db, lead, PASSWORD, "short", now)


def test_non_admin_cannot_reset_or_disable(db, lead, admin, now):
    with pytest.raises(PermissionDenied):
        A.reset_password(db, lead, admin.id, "whatever-password", now)
    with pytest.raises(PermissionDenied):
        A.set_disabled(db, lead, admin.id, True, now)


def test_lead_adds_a_trainee_to_own_practice_only(db, lead, now, practice):
    other = A.create_practice(db, A.SYSTEM, "Other Clinic", now)
    pid = A.add_person_to_practice(db, lead, practice, TRAINEE, now, username="tess", display_name="Tess",
                                   password="temporary-pass")
    assert A.load_person(db, pid).must_change_password
    assert [m.username for m in A.practice_members(db, lead, practice)] == ["lee", "tess"]
    with pytest.raises(PermissionDenied):
        A.add_person_to_practice(db, lead, other, TRAINEE, now, username="tom", display_name="Tom",
                                 password="temporary-pass")
    with pytest.raises(PermissionDenied):
        A.add_person_to_practice(db, lead, practice, LEAD, now, username="lou", display_name="Lou",
                                 password="temporary-pass")
    with pytest.raises(PermissionDenied):
        A.practice_members(db, lead, other)
    assert db.execute("SELECT count(*) FROM person WHERE username IN ('tom', 'lou')").fetchone()[0] == 0


def test_a_lead_creates_accounts_only_with_a_role_in_their_practice(db, lead, admin, now, practice):
    with pytest.raises(PermissionDenied):
        A.create_person(db, lead, username="nomad", display_name="In no practice", password="temporary-pass",
                        now=now)
    assert db.execute("SELECT count(*) FROM person WHERE username = 'nomad'").fetchone()[0] == 0
    pid = A.add_person_to_practice(db, lead, practice, TRAINEE, now, username="tess", display_name="Tess",
                                   password="temporary-pass")
    assert A.load_person(db, pid).practice_ids(TRAINEE) == {practice}
    assert A.load_person(db, A.create_person(db, admin, username="ola", display_name="Ola", now=now,
                                             password="temporary-pass")).memberships == ()


def test_failed_membership_leaves_no_half_made_account(db, admin, now, practice):
    A.add_person_to_practice(db, admin, practice, FAMILY_FACULTY, now, username="fay", display_name="Fay",
                             password="temporary-pass")
    with pytest.raises(A.AccountError, match="already in use"):
        A.add_person_to_practice(db, admin, practice, TRAINEE, now, username="fay", display_name="Fay 2",
                                 password="temporary-pass")
    assert db.execute("SELECT count(*) FROM person").fetchone()[0] == 2


def test_bad_fields_name_the_field(db, admin, now, practice):
    with pytest.raises(A.AccountError) as error:
        A.add_person_to_practice(db, admin, practice, TRAINEE, now, username="x", display_name="X",
                                 password="temporary-pass")
    assert error.value.field == "username"
    with pytest.raises(A.AccountError) as error:
        A.add_person_to_practice(db, admin, practice, TRAINEE, now, username="xavier", display_name="X",
                                 password="short")
    assert error.value.field == "password"


def test_lead_deactivates_a_trainee_in_their_practice(db, lead, now, practice):
    pid = A.add_person_to_practice(db, lead, practice, TRAINEE, now, username="tess", display_name="Tess",
                                   password="temporary-pass")
    A.set_membership_active(db, lead, pid, practice, TRAINEE, False, now)
    assert TRAINEE not in A.load_person(db, pid).roles


def test_every_change_is_audited(db, admin, lead, now, practice):
    A.add_person_to_practice(db, lead, practice, TRAINEE, now, username="tess", display_name="Tess",
                             password="temporary-pass")
    A.reset_password(db, admin, lead.id, "temporary-password", now)
    actions = [(e.actor, e.action) for e in A.audit_log(db, admin)]
    assert ("Ada", "person.password_reset") in actions
    assert ("Lee", "person.create") in actions and ("Lee", "membership.add") in actions
    with pytest.raises(PermissionDenied):
        A.audit_log(db, lead)


def test_demo_accounts_are_listed_until_a_real_account_exists(db, now):
    demo.load(db, now)
    listed = A.demo_accounts(db)
    assert {"demo-admin", "demo-lead", "demo-trainee", "demo-faculty"} <= {r["username"] for r in listed}
    assert sum("trainee" in r["roles"] for r in listed) >= 8
    assert A.sign_in_with_password(db, "demo-lead", demo.DEMO_PASSWORD, now).outcome == "ok"
    real = A.create_person(db, A.SYSTEM, username="real", display_name="Real Admin", password=PASSWORD,
                           is_admin=True, now=now)
    assert A.demo_accounts(db) == []
    assert not A.only_demo_accounts(db)
    removed = A.remove_demo(db, A.load_person(db, real), now)
    assert removed == len(demo.PEOPLE)
    assert db.execute("SELECT count(*) FROM practice").fetchone()[0] == 0


def test_a_demo_admin_cannot_remove_the_demo(db, now):
    demo.load(db, now)
    pid = db.execute("SELECT id FROM person WHERE username = 'demo-admin'").fetchone()[0]
    with pytest.raises(PermissionDenied):
        A.remove_demo(db, A.load_person(db, pid), now)


def test_verified_email_matches_case_insensitively(db, now):
    A.create_person(db, A.SYSTEM, username="oli", display_name="Oli", email="Oli@Example.org",
                    password=PASSWORD, now=now)
    assert A.person_for_organisation_sign_in(db, "oli@example.ORG", now).username == "oli"


def test_an_organisation_sign_in_from_before_sign_out_everywhere_no_longer_counts(db, now):
    pid = A.create_person(db, A.SYSTEM, username="oli", display_name="Oli", email="oli@example.org",
                          password=PASSWORD, now=now)
    A.sign_out_everywhere(db, A.load_person(db, pid), now)
    assert A.person_for_organisation_sign_in(db, "oli@example.org", now - timedelta(minutes=5)) is None
    assert A.person_for_organisation_sign_in(db, "oli@example.org", None) is None  # no "iat": cannot tell
    assert A.person_for_organisation_sign_in(db, "oli@example.org", now + timedelta(seconds=1)).id == pid


def test_old_sign_in_records_are_purged(db, admin, now):
    current = A.issue_token(db, admin.id, now)
    ended = A.issue_token(db, admin.id, now - timedelta(days=200))  # expired 170 days ago
    A.sign_out(db, A.issue_token(db, admin.id, now), now - timedelta(days=10))  # revoked recently: kept
    assert A.purge_old_sign_ins(db, now) == 1
    assert A.person_for_token(db, current, now) is not None
    assert db.execute("SELECT count(*) FROM sign_in").fetchone()[0] == 2
    assert ended  # the purged one
