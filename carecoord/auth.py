"""Passwords, sign-in throttling and sign-in tokens: pure rules, no storage.

Hashing is argon2id at the OWASP minimum profile (19 MiB, 2 passes, 1 lane): about 30 ms here,
strong against offline guessing and quick enough to build demo and test accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
TOKEN_LIFETIME = timedelta(days=30)

_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def password_problem(password: str) -> str | None:
    """Why this password cannot be used, or None when it can."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.strip() != password or not password.strip():
        return "A password cannot start or end with spaces."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:  # never set, so never right; the same work all the same
        password_hash, password = None, password[:MAX_PASSWORD_LENGTH]
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# Throttling instead of lockout (OWASP ASVS 2.2.1): a hard lock after five wrong passwords let
# anyone who knew a username shut its owner out for 15 minutes at will. Instead, after a few free
# failures each further try must wait, the wait doubling up to a cap. Throttles are kept per typed
# username (known or not, so they reveal nothing) and, behind a proxy the administrator names, per
# client address.
FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(seconds=60)
CLIENT_FREE_FAILURES = 20
CLIENT_MAX_DELAY = timedelta(minutes=15)
FORGET_FAILURES_AFTER = timedelta(hours=24)


def throttle_delay(failures: int, *, free: int = FREE_FAILURES, cap: timedelta = MAX_DELAY) -> timedelta:
    """How long the next try must wait after `failures` failures in a row."""
    if failures < free:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(failures - free, 32), cap)


def failures_so_far(failures: int, last_failure: datetime | None, now: datetime) -> int:
    """Failures in a row that still count: a day without one starts the count again."""
    if last_failure is None or now - last_failure >= FORGET_FAILURES_AFTER:
        return 0
    return failures


def new_token() -> str:
    """A random sign-in token for the browser's cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the server keeps of a token: its SHA-256, so a copied database signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_expiry(now: datetime) -> datetime:
    return now + TOKEN_LIFETIME
