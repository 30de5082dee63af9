"""Who is signed in on this run, and the browser cookie that keeps them signed in.

The browser keeps only a random token (cookie `carecoord_session`); the person, their roles and
their disabled state are read from the database on every run from that token.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import streamlit as st

from carecoord import auth, clock, identity, postgres
from carecoord.db import Database, connect, database_path, database_url, open_database
from carecoord.postgres import PostgresDatabase
from carecoord.people import Membership, Person
from carecoord.store import accounts

log = logging.getLogger("carecoord")

COOKIE = "carecoord_session"
_TOKEN_KEY = "carecoord_token"
_PRACTICE_KEY = "carecoord_practice"
_SENT_KEY = "carecoord_cookie_sent"
_WRITTEN_KEY = "carecoord_cookie_written"
DEFAULT_IDLE_MINUTES = 30


def idle_minutes() -> int:
    """Minutes without any action after which the password is asked again ($CARECOORD_IDLE_MINUTES; 0: never)."""
    try:
        return max(0, int(os.environ.get("CARECOORD_IDLE_MINUTES", DEFAULT_IDLE_MINUTES)))
    except ValueError:
        return DEFAULT_IDLE_MINUTES


@dataclass(frozen=True)
class Run:
    """What every page of one script run needs: the database, the time, the person and their practice."""

    db: Database
    now: datetime
    person: Person | None
    locked: bool = False  # signed in, but idle too long: the password is asked again
    practice: Membership | None = None  # the practice in hand (people in several practices switch)
    timezone: str = "UTC"  # the practice's, for showing dates and counting days


@st.cache_resource(show_spinner=False)
def _migrated(target: str) -> bool:
    # Once per process and database; connections themselves are opened per run.
    open_database(target).close()
    return True


@st.cache_resource(show_spinner=False)
def _pool(url: str):
    return postgres.pool(url)


def database() -> Database:
    """This run's handle: on PostgreSQL, one over the process's pool; on SQLite, a new connection."""
    st.secrets.load_if_toml_exists()  # a top-level CARECOORD_DATABASE_URL in secrets.toml sets the variable
    url = database_url()
    if url is not None:
        _migrated(url)
        return PostgresDatabase(pool=_pool(url))
    path = database_path()
    _migrated(str(Path(path).resolve()))
    return connect(path)


def start_run() -> Run:
    """Open this run's connection and work out who is signed in (called by the router)."""
    db = database()
    now = clock.utcnow()
    token = st.session_state.get(_TOKEN_KEY) or _sent_cookie()
    person = accounts.person_for_token(db, token, now)
    locked = False
    if person is None:
        st.session_state.pop(_TOKEN_KEY, None)
    else:
        st.session_state[_TOKEN_KEY] = token
        locked = _idle_too_long(db, token, now)
        if not locked:
            accounts.touch(db, token, now)
    practice = _practice_in_hand(person)
    run = Run(db=db, now=now, person=person, locked=locked, practice=practice,
              timezone=practice.practice_timezone if practice else "UTC")
    st.session_state["_carecoord_run"] = run
    return run


def _idle_too_long(db: Database, token: str, now: datetime) -> bool:
    limit = idle_minutes()
    return bool(limit) and accounts.idle_for(db, token, now) > limit * 60


def acting() -> tuple[Database, datetime, Person | None]:
    """For widget callbacks, which Streamlit runs before the script: the database, the time and the
    person this tab may act for now, read again; None when the sign-in has ended, been revoked,
    the account disabled or its password reset, or the tab has been idle too long. A callback
    that gets None saves nothing (the typed text stays in the box, to save after signing in)."""
    db, now = database(), clock.utcnow()
    current = token()
    person = accounts.person_for_token(db, current, now)
    if person is None or person.must_change_password or _idle_too_long(db, current, now):
        return db, now, None
    return db, now, person


def _practice_in_hand(person: Person | None) -> Membership | None:
    if person is None:
        return None
    active = [m for m in person.memberships if m.active]
    chosen = st.session_state.get(_PRACTICE_KEY)
    return next((m for m in active if m.practice_id == chosen), active[0] if active else None)


def practices_of(person: Person) -> list[Membership]:
    """One entry per practice the person has an active role in (for the switcher)."""
    seen: dict[int, Membership] = {}
    for membership in person.memberships:
        if membership.active:
            seen.setdefault(membership.practice_id, membership)
    return list(seen.values())


def switch_practice(practice_id: int) -> None:
    st.session_state[_PRACTICE_KEY] = practice_id


def current() -> Run:
    """This run's context, for pages (the router made it moments ago)."""
    return st.session_state["_carecoord_run"]


def page(*roles: str) -> Run:
    """Start a page: the page checks again itself that the person may use it."""
    run = current()
    person = run.person
    if person is None or (roles and not (person.roles & set(roles))):
        st.error("You do not have access to this page.")
        st.stop()
    return run


def token() -> str | None:
    return st.session_state.get(_TOKEN_KEY)


def signed_in(new_token: str) -> None:
    """Remember a fresh sign-in in this tab and, through the cookie, in the browser."""
    previous = st.session_state.get(_TOKEN_KEY)
    st.session_state[_TOKEN_KEY] = new_token
    if previous and previous != new_token:  # unlocking after idle replaces the old sign-in
        run = st.session_state.get("_carecoord_run")
        if run is not None:
            accounts.sign_out(run.db, previous, run.now)


def sync_cookie(run: Run) -> None:
    """Keep the browser cookie equal to this tab's token (or remove it once signed out).

    The cookie has to be written by the page itself (Streamlit sets no cookies), so it cannot be
    HttpOnly; see docs/decisions.md for what protects it.
    """
    # What the browser holds: what this page last wrote, else what it sent when the tab connected
    # (that stays the same for the whole session, so it alone would mean writing on every run).
    held = st.session_state[_WRITTEN_KEY] if _WRITTEN_KEY in st.session_state else _sent_cookie()
    wanted = token() if run.person else None
    if (wanted or None) != (held or None):
        _write_cookie(wanted or "", int(auth.TOKEN_LIFETIME.total_seconds()) if wanted else 0)
        st.session_state[_WRITTEN_KEY] = wanted or ""


def _sent_cookie() -> str | None:
    """The token cookie the browser sent when this tab connected (None without a real browser)."""
    if _SENT_KEY not in st.session_state:  # the same for the whole session: read it once
        value = st.context.cookies.get(COOKIE)
        st.session_state[_SENT_KEY] = value if isinstance(value, str) and value else None
    return st.session_state[_SENT_KEY]


def _write_cookie(value: str, max_age: int) -> None:
    secure = "; Secure" if (st.context.url or "").startswith("https:") else ""
    # value is our own URL-safe token, so it needs no escaping.
    st.html(
        f"<script>document.cookie = '{COOKIE}={value}; Path=/; Max-Age={max_age}; SameSite=Strict{secure}';</script>",
        unsafe_allow_javascript=True,
    )


def sign_out(run: Run) -> None:
    if (current_token := token()) is not None:
        accounts.sign_out(run.db, current_token, run.now)
    st.session_state.pop(_TOKEN_KEY, None)
    if oidc_configured() and st.user.get("is_logged_in", False):
        st.logout()


# ---------------------------------------------------------------- first run


_setup_lock = threading.Lock()
_setup_token: str | None = None


def setup_token() -> str:
    """A one-time set-up token for this server process, printed to the server log."""
    global _setup_token
    with _setup_lock:
        if _setup_token is None:
            _setup_token = secrets.token_urlsafe(16)
            port = st.get_option("server.port")
            print(
                "carecoord: this installation has no accounts yet. To set it up, open"
                f" http://localhost:{port}/?setup={_setup_token} (or add ?setup={_setup_token} to the"
                " address you use), or run `carecoord create-admin` on this server.",
                flush=True,
            )
        return _setup_token


def may_set_up() -> bool:
    """Set-up is offered only to whoever holds the token printed in the server log.

    The request's address proves nothing: behind a reverse proxy on the same host every request
    comes from the machine itself, and forwarding headers are the client's to forge."""
    offered = st.query_params.get("setup")
    expected = setup_token()
    if not isinstance(offered, str) or not offered.isascii():
        return False  # compare_digest refuses non-ASCII text with an exception
    return secrets.compare_digest(offered, expected)


def client_address() -> str | None:
    """The browser's address, when a proxy the administrator trusts vouches for it; else None.

    $CARECOORD_TRUSTED_PROXIES lists the proxies' addresses (comma-separated). Only a request that
    arrives from one of them is believed, and then only the rightmost X-Forwarded-For entry that is
    not itself a trusted proxy (earlier entries are the client's to write)."""
    trusted = {a.strip() for a in os.environ.get("CARECOORD_TRUSTED_PROXIES", "").split(",") if a.strip()}
    if not trusted:
        return None
    peer = st.context.ip_address or "127.0.0.1"  # Streamlit reports loopback as None
    if peer not in trusted and not (peer == "127.0.0.1" and "::1" in trusted):
        return None
    forwarded = st.context.headers.get("X-Forwarded-For") or ""
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while hops and hops[-1] in trusted:
        hops.pop()
    address = hops[-1] if hops else None
    return address if address and len(address) <= 64 else None


# ---------------------------------------------------------------- organisation sign-in (OIDC)


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all raises
        return False


@dataclass(frozen=True)
class OrganisationIdentity:
    email: str
    verified: bool
    signed_in_at: datetime | None  # the ID token's "iat": when the provider signed the person in
    name: str = ""
    claims: dict = field(default_factory=dict)  # the claims role mappings read (carecoord.identity)


def oidc_identity() -> OrganisationIdentity | None:
    """Who the identity provider says this browser is, when someone signed in with it."""
    if not oidc_configured() or not st.user.get("is_logged_in", False):
        return None
    email = st.user.get("email")
    if not email:
        return None
    issued = st.user.get("iat")
    signed_in_at = None
    if isinstance(issued, int | float) and not isinstance(issued, bool):
        try:
            signed_in_at = datetime.fromtimestamp(issued, UTC)
        except (OverflowError, OSError, ValueError):
            signed_in_at = None
    name = st.user.get("name")
    return OrganisationIdentity(str(email), bool(st.user.get("email_verified", False)), signed_in_at,
                                name=name if isinstance(name, str) else "",
                                claims={claim: st.user.get(claim) for claim in identity.claim_names()})
