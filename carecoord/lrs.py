"""The learning record store (xAPI) the installation names: settings, sending statements, reading them back.

Off unless `CARECOORD_XAPI_ENDPOINT` is set. The settings, all from the environment:

- `CARECOORD_XAPI_ENDPOINT`: the LRS's xAPI address, http(s), e.g. `https://lrs.example.org/xAPI/`;
  statements go to `{endpoint}statements` (a missing final `/` is added)
- `CARECOORD_XAPI_USERNAME`, `CARECOORD_XAPI_PASSWORD`: the LRS's HTTP basic credentials

Every statement sent carries its own `id` and `timestamp`, so sending it again after a failure is
safe: the LRS keeps one copy. (ralph answers a resend of an identical batch 204 and, for a batch
where some were already stored, 200 with the new ids only; it compares `timestamp` too, so a
statement without one would get a new one on each try and its resend be refused as a conflict.)

Failures come in two kinds: `LrsUnavailable` (could not reach it, timed out, 5xx, 408, 429: try
again later) and `LrsRefused` (4xx: the request itself is wrong, or the credentials; sending the
same again will not help). `LrsConflict`, a refusal, is a 409: a *different* statement is already
stored under one of the ids.

Standard library only; no redirects are followed (the credentials go to the configured host only).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

XAPI_VERSION = "1.0.3"
TIMEOUT_S = 10.0
REASON_LIMIT = 500
MAX_PAGES = 10_000
_TRANSIENT_4XX = {408, 429}


class ConfigurationError(Exception):
    """An xAPI setting has a value that cannot be used; the message says which."""


class LrsError(Exception):
    """The LRS did not take or give what was asked."""


class LrsUnavailable(LrsError):
    """The LRS could not be reached, timed out or failed on its side: try again later."""


class LrsRefused(LrsError):
    """The LRS refused the request (4xx); `status` is its HTTP status, `reason` its message (≤ 500 characters)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"the learning record store refused the request (HTTP {status}): {reason}")
        self.status = status
        self.reason = reason


class LrsConflict(LrsRefused):
    """409: a different statement is already stored under one of the ids sent."""


@dataclass(frozen=True)
class LrsSettings:
    endpoint: str  # ends with "/"
    username: str = ""
    password: str = field(default="", repr=False)

    def describe(self) -> str:
        return self.endpoint + (f" as {self.username}" if self.username else "")


def _endpoint(value: str, name: str = "CARECOORD_XAPI_ENDPOINT") -> str:
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ConfigurationError(f"{name} is not a valid address: {value[:80]!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"{name} must be an http:// or https:// address, not {value[:80]!r}")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"{name} must not hold credentials: set CARECOORD_XAPI_USERNAME and "
                                 "CARECOORD_XAPI_PASSWORD instead")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{name} must not have a query or fragment: {value[:80]!r}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def make_settings(endpoint: str, username: str = "", password: str = "") -> LrsSettings:
    """Settings checked as `settings()` checks the environment's."""
    if ":" in username:
        raise ConfigurationError("CARECOORD_XAPI_USERNAME must not contain ':' (HTTP basic authentication)")
    return LrsSettings(_endpoint(endpoint.strip()), username, password)


def settings() -> LrsSettings | None:
    """The LRS settings from the environment; None when xAPI is off (no CARECOORD_XAPI_ENDPOINT)."""
    endpoint = (os.environ.get("CARECOORD_XAPI_ENDPOINT") or "").strip()
    if not endpoint:
        return None
    return make_settings(endpoint, (os.environ.get("CARECOORD_XAPI_USERNAME") or "").strip(),
                         os.environ.get("CARECOORD_XAPI_PASSWORD") or "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ARG002
        return None  # the 3xx comes back as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


def _headers(settings: LrsSettings, with_body: bool) -> dict[str, str]:
    headers = {"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json",
               "User-Agent": "carecoord"}
    if with_body:
        headers["Content-Type"] = "application/json; charset=utf-8"
    if settings.username or settings.password:
        token = base64.b64encode(f"{settings.username}:{settings.password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return headers


def _problem(item: Any) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ".".join(str(part) for part in item.get("loc") or () if part != "body")
    return (f"{where}: " if where else "") + str(item.get("msg", item))


def _reason(body: bytes, fallback: str) -> str:
    """The LRS's message from an error body: its `detail` (FastAPI's, ralph's) or the text, cut to 500."""
    text = body.decode("utf-8", "replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        detail = parsed.get("detail", parsed.get("message", parsed.get("error")))
        if isinstance(detail, str):
            text = detail
        elif isinstance(detail, list):  # pydantic's errors: where and what
            text = "; ".join(_problem(item) for item in detail)
    text = " ".join(text.split()) or fallback
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"


def _request(settings: LrsSettings, url: str, body: bytes | None, timeout: float) -> tuple[int, bytes]:
    """(status, body) of a 2xx answer; raises LrsUnavailable or LrsRefused for anything else."""
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET",
                                     headers=_headers(settings, body is not None))
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        try:
            answer = error.read()
        except (OSError, http.client.HTTPException):
            answer = b""
        finally:
            error.close()
        reason = _reason(answer, error.reason if isinstance(error.reason, str) else str(error.code))
        if error.code >= 500 or error.code in _TRANSIENT_4XX:
            raise LrsUnavailable(f"the learning record store at {settings.endpoint} failed "
                                 f"(HTTP {error.code}): {reason}") from None
        if 300 <= error.code < 400:
            where = error.headers.get("Location", "") if error.headers else ""
            raise LrsRefused(error.code, f"redirected to {where[:200] or 'another address'}; "
                                         "set CARECOORD_XAPI_ENDPOINT to the final address") from None
        if error.code == 409:
            raise LrsConflict(error.code, reason) from None
        raise LrsRefused(error.code, reason) from None
    except (OSError, http.client.HTTPException) as error:  # refused, unreachable, timed out, cut off
        cause = error.reason if isinstance(error, urllib.error.URLError) else error
        raise LrsUnavailable(f"the learning record store at {settings.endpoint} could not be reached: "
                             f"{str(cause) or type(cause).__name__}") from None


def post_statements(settings: LrsSettings, statements: Sequence[dict], timeout: float = TIMEOUT_S) -> list[str]:
    """Send these statements in one request; returns their ids, in order, once the LRS holds them all.

    Each statement must have its own `id` and `timestamp` (ValueError otherwise): the LRS then keeps
    one copy however often a batch is sent, and a resend of what it already holds counts as success.
    `timeout` is in seconds, for connecting and for each wait on the answer.
    """
    ids: list[str] = []
    for number, statement in enumerate(statements):
        if not isinstance(statement, dict) or not statement.get("id") or not statement.get("timestamp"):
            raise ValueError(f"statement {number} needs its own id and timestamp, so that it can be sent again")
        ids.append(str(statement["id"]))
    if len(set(ids)) != len(ids):
        raise ValueError("the same statement id is twice in one batch")
    if not ids:
        return []
    body = json.dumps(list(statements), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    status, answer = _request(settings, settings.endpoint + "statements", body, timeout)
    if status == 204 or not answer.strip():
        return ids  # all of them were already there
    try:
        stored = json.loads(answer)
    except ValueError:
        stored = None
    if not isinstance(stored, list) or not set(map(str, stored)) <= set(ids):
        # Not an xAPI answer: whether it kept them is unknown; a resend is safe.
        raise LrsUnavailable(f"the learning record store at {settings.endpoint} gave an unexpected answer "
                             f"(HTTP {status}): {_reason(answer, '')[:200]}")
    return ids  # those not in `stored` were there already


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def get_statements(settings: LrsSettings, timeout: float = TIMEOUT_S, **params: Any) -> list[dict]:
    """The statements matching these xAPI query parameters (`statementId`, `agent` as a dict, `verb`,
    `activity`, `since`, `until`, `limit`, `ascending`, ...), every page of them (the LRS's `more`)."""
    base = urllib.parse.urlsplit(settings.endpoint)
    query = urllib.parse.urlencode({key: _query_value(value) for key, value in params.items() if value is not None})
    url: str | None = settings.endpoint + "statements" + (f"?{query}" if query else "")
    found: list[dict] = []
    seen: set[str] = set()
    while url and len(seen) < MAX_PAGES:
        seen.add(url)
        _, answer = _request(settings, url, None, timeout)
        try:
            page = json.loads(answer)
        except ValueError:
            raise LrsUnavailable(f"the learning record store at {settings.endpoint} answered with something "
                                 f"other than JSON: {_reason(answer, '')[:200]}") from None
        if isinstance(page, dict) and isinstance(page.get("statements"), list):
            found.extend(page["statements"])
        elif isinstance(page, dict) and "id" in page:  # a single statement (statementId)
            return [page]
        else:
            raise LrsUnavailable(f"the learning record store at {settings.endpoint} gave an unexpected answer")
        more = page.get("more") or None
        url = urllib.parse.urljoin(settings.endpoint, more) if more else None
        if url is not None:
            following = urllib.parse.urlsplit(url)
            if (following.scheme, following.netloc) != (base.scheme, base.netloc):
                raise LrsError(f"the learning record store at {settings.endpoint} points its next page "
                               f"at another host ({following.netloc[:100]}); not followed")
            if url in seen:
                break
    return found
