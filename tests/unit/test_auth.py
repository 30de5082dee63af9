from datetime import timedelta

from carecoord import auth


def test_password_hash_is_argon2_and_verifies_only_the_right_password():
    hashed = auth.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse battery" not in hashed
    assert auth.verify_password(hashed, "correct horse battery")
    assert not auth.verify_password(hashed, "correct horse batterY")


def test_same_password_hashes_differently_each_time():
    assert auth.hash_password("same password!") != auth.hash_password("same password!")


def test_unknown_account_never_verifies():
    assert not auth.verify_password(None, "not-a-real-password")
    assert not auth.verify_password("garbage", "anything at all")


def test_password_policy():
    assert auth.password_problem("short") == "Use at least 10 characters."
    assert auth.password_problem("exactly10!") is None
    assert auth.password_problem(" padded password ") is not None
    assert auth.password_problem("x" * 2000) is not None


def test_tokens_are_random_and_stored_only_as_a_hash(now):
    first, second = auth.new_token(), auth.new_token()
    assert first != second and len(first) >= 40
    assert auth.token_hash(first) != first
    assert auth.token_hash(first) == auth.token_hash(first)
    assert auth.token_expiry(now) - now == timedelta(days=30)
