"""The installation's public address, and the names of everything that leaves the app under it.

An administrator sets `CARECOORD_PUBLIC_URL` (an environment variable, or a top-level entry in
.streamlit/secrets.toml): the address people reach the app at, such as https://carecoord.example.org.
xAPI statements name their actor and activities by it, and credentials their issuer, key set and
revocation list; without it nothing is sent or issued (`problems()` says why, on the admin Home page).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

PUBLIC_URL = "CARECOORD_PUBLIC_URL"
ISSUER_NAME = "CARECOORD_ISSUER_NAME"
SIGNING_KEY = "CARECOORD_SIGNING_KEY"
XAPI_IDENTIFY = "CARECOORD_XAPI_IDENTIFY"
DEFAULT_ISSUER_NAME = "Care coordination training programme"
KEY_ID = "key-1"


class ConfigurationError(Exception):
    """A setting has a value that cannot be used; the message says which and why."""


def base_url() -> str | None:
    """The public address without a trailing slash, or None when it is not set."""
    value = (os.environ.get(PUBLIC_URL) or "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment \
            or parts.path not in ("", "/") or any(c.isspace() for c in value) or len(value) > 200:
        raise ConfigurationError(f"{PUBLIC_URL} must be an address such as https://carecoord.example.org "
                                 f"(no path), not {value[:60]!r}")
    return value


def issuer_name() -> str:
    name = " ".join((os.environ.get(ISSUER_NAME) or "").split())[:200]
    return name or DEFAULT_ISSUER_NAME


def signing_key_path() -> Path | None:
    """Where the credential signing key is (made by `carecoord keys init`), or None when not configured."""
    value = (os.environ.get(SIGNING_KEY) or "").strip()
    return Path(value).expanduser() if value else None


def env_flag(name: str, error: type[Exception] = ConfigurationError) -> bool:
    """An on/off setting: unset, 0, no, false or off is off; 1, yes, true or on is on; anything else raises."""
    value = (os.environ.get(name) or "").strip().lower()
    if value in ("", "0", "no", "false", "off"):
        return False
    if value in ("1", "yes", "true", "on"):
        return True
    raise error(f"{name} must be 0 or 1, not {value[:20]!r}")


def identify_in_xapi() -> bool:
    """Whether statements name the person (display name and e-mail) instead of only their pseudonym."""
    return env_flag(XAPI_IDENTIFY)


@dataclass(frozen=True)
class Addresses:
    """Every public address under one base URL."""

    base: str

    @property
    def issuer(self) -> str:
        return f"{self.base}/public/issuer.json"

    @property
    def key_set(self) -> str:
        return f"{self.base}/public/jwks.json"

    @property
    def key_id(self) -> str:
        """The signing key's own address (one JWK), which the credential's header names as its `kid`."""
        return f"{self.base}/public/keys/{KEY_ID}.json"

    @property
    def revocations(self) -> str:
        return f"{self.base}/public/revocations.json"

    @property
    def verify_page(self) -> str:
        return f"{self.base}/verify"

    def competency(self, code: str) -> str:
        return f"{self.base}/public/competencies/{quote(code, safe='')}"

    def module_achievement(self, module_id: str) -> str:
        return f"{self.base}/public/achievements/module/{quote(module_id, safe='')}"

    def level_achievement(self, code: str, level: int) -> str:
        return f"{self.base}/public/achievements/competency/{quote(code, safe='')}/level/{int(level)}"


def addresses() -> Addresses | None:
    base = base_url()
    return Addresses(base) if base else None


def load_signing_key() -> bytes:
    """The private key's PEM; raises ConfigurationError saying what to do when there is none."""
    path = signing_key_path()
    if path is None:
        raise ConfigurationError(f"No signing key: run “carecoord keys init --path FILE” and set {SIGNING_KEY} to FILE.")
    try:
        if not path.is_file():
            raise ConfigurationError(f"{SIGNING_KEY} names {path}, which is not a file: run “carecoord keys init”.")
        return path.read_bytes()[:20_000]
    except OSError as error:
        raise ConfigurationError(f"The signing key at {path} cannot be read: {error.strerror}.") from None


def usable_signing_key() -> bytes | None:
    """The signing key when it is an RSA private key that parses; raises ConfigurationError saying why not."""
    from carecoord import badges

    key = load_signing_key()
    try:
        badges.public_jwk(key, KEY_ID)
    except Exception:  # joserfc's many errors for a file that is not an RSA private key
        raise ConfigurationError(f"The file {signing_key_path()} is not an RSA private key: make one with "
                                 "“carecoord keys init”.") from None
    return key


def problems() -> list[str]:
    """Why records are not leaving the app, in words for an administrator (empty when all is set)."""
    found = []
    try:
        if base_url() is None:
            found.append(f"No public address is set ({PUBLIC_URL}), so no learning records are sent and no "
                         "credentials are issued.")
    except ConfigurationError as error:
        found.append(str(error))
    try:
        usable_signing_key()
    except ConfigurationError as error:
        found.append(f"Credentials cannot be issued. {error}")
    try:
        identify_in_xapi()
    except ConfigurationError as error:
        found.append(f"{error}; learning records are sent by pseudonym until it is fixed.")
    from carecoord import lrs

    try:
        if lrs.settings() is None:
            found.append("No learning record store is set (CARECOORD_XAPI_ENDPOINT), so learning records stay here.")
    except lrs.ConfigurationError as error:
        found.append(str(error))
    return found
