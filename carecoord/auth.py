"""Passwords, lockout and sign-in tokens: pure rules, no storage.

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
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
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
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


def after_failure(failed_attempts: int, now: datetime) -> tuple[int, datetime | None]:
    """Count one more failed attempt; the fifth in a row locks the account for 15 minutes."""
    attempts = failed_attempts + 1
    if attempts >= MAX_FAILED_ATTEMPTS:
        return 0, now + LOCKOUT
    return attempts, None


def new_token() -> str:
    """A random sign-in token for the browser's cookie (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the server keeps of a token: its SHA-256, so a copied database signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_expiry(now: datetime) -> datetime:
    return now + TOKEN_LIFETIME
