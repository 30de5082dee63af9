"""Open Badges 3.0 credentials: build, sign (VC-JWT), verify, revoke, and bake into a PNG. Pure: no I/O.

What the 1EdTech Open Badges 3.0 specification asks for, and where this module does it:

- The credential (an `OpenBadgeCredential`, the spec's AchievementCredential class) is built by
  `build_credential`: the two JSON-LD contexts (VC 2.0, then Open Badges 3.0) plus the extensions
  context that defines `1EdTechRevocationList`; `id`, `type`, `issuer` (a Profile), `validFrom`,
  optional `validUntil`, and a `credentialSubject` of type AchievementSubject that holds the
  Achievement (`id`, `type`, `name`, `description`, `criteria`, optional `alignment`). The subject
  is identified by an opaque URI (`id`), never an e-mail address; a display name, when the person
  wants one on the badge, goes in an `identifier` of type `name` (the spec's IdentityObject).
  Null values and empty arrays are left out, as the spec's JSON serialisation requires.
- The proof is the JSON Web Token proof format (VC-JWT), made by `sign`: a JOSE header of exactly
  `alg` RS256, `kid` (a URL that dereferences to the public key) and `typ` JWT, and a payload
  that *is* the credential plus the claims `iss` (issuer.id), `jti` (id), `sub`
  (credentialSubject.id), `nbf` (validFrom) and `exp` (validUntil, when there is one). There is
  no `vc` claim: that was the VC 1.1 form, which the OB 3.0 text mentions only for reading old
  credentials.
- `verify` runs the checks of the spec's verification section in order and stops at the first
  failure with a plain-English reason (see `verify` for the list).
- Revocation is the 1EdTech Revocation List Status Method: the credential's `credentialStatus` is
  `{"id": <list URL>, "type": "1EdTechRevocationList"}` and the list (made by `revocation_list`)
  is `{"id", "issuer", "revokedCredentials": [{"id", "revoked": true, "revocationReason"}]}`.
- Baking: an `iTXt` chunk with keyword `openbadgecredential`, uncompressed, whose text is the
  compact JWS (`bake_png`, `unbake_png`). `badge_png` draws a plain badge image so that no image
  file has to ship.

Keys: one RSA 2048 key, kept by the caller as PEM (`new_signing_key`); `public_jwks` and
`public_jwk` give the public half as a JWK Set and as a single JWK, with no private member (`d`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import struct
import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import RSAKey

# ---------------------------------------------------------------- names the spec fixes

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines the terms 1EdTechRevocationList (and the other 1EdTech VC extensions) for JSON-LD.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CREDENTIAL_CONTEXT = [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
SIGNING_ALGORITHM = "RS256"
# The JOSE headers the spec allows; "Additional JOSE Headers are NOT allowed."
ALLOWED_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")
PNG_KEYWORD = "openbadgecredential"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 5 * 1024 * 1024
MAX_TOKEN_CHARS = 50_000  # ours are about 4,000
# The app's primary colour (.streamlit/config.toml, theme.primaryColor #0B6E69).
BADGE_COLOUR = (0x0B, 0x6E, 0x69)


# ---------------------------------------------------------------- keys


def new_signing_key() -> bytes:
    """A fresh RSA 2048 private key, as PEM (PKCS#8). Keep it secret; publish `public_jwks`."""
    return RSAKey.generate_key(2048, private=True).as_pem(private=True)


@functools.lru_cache(maxsize=4)  # loading a private key checks it, which takes ~70 ms
def _private_key(private_pem: bytes) -> RSAKey:
    key = RSAKey.import_key(private_pem)
    if not key.is_private:
        raise ValueError("The signing key must be an RSA private key (PEM); this one is a public key.")
    return key


def public_jwk(private_pem: bytes, kid: str) -> dict:
    """The public half of the signing key as one JWK, with `kid`, `alg` and `use`; never `d`.

    Serve this at the `kid` URL if that URL should dereference straight to the key (the spec's
    wording: the kid is "a URI that can be dereferenced to an object of type JWK").
    """
    jwk = dict(_private_key(private_pem).as_dict(private=False))
    jwk.update({"kid": kid, "alg": SIGNING_ALGORITHM, "use": "sig"})
    assert "d" not in jwk
    return jwk


def public_jwks(private_pem: bytes, kid: str) -> dict:
    """The public key set to serve (`{"keys": [jwk]}`); `verify` finds the key in it by `kid`."""
    return {"keys": [public_jwk(private_pem, kid)]}


# ---------------------------------------------------------------- what is described


def _require_url(value: str, what: str) -> None:
    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} must be an http(s) URL, not {value!r}.")


@dataclass(frozen=True)
class Issuer:
    """The organisation that issues badges: its Profile is served as JSON at `id`."""

    id: str  # the URL the issuer profile is served at, e.g. {base}/public/issuer.json
    name: str
    url: str  # the organisation's home page
    email: str | None = None
    description: str | None = None
    image_url: str | None = None

    def __post_init__(self) -> None:
        _require_url(self.id, "The issuer id")
        _require_url(self.url, "The issuer url")
        if not self.name.strip():
            raise ValueError("The issuer needs a name.")
        if self.image_url:
            _require_url(self.image_url, "The issuer image")

    def profile(self, *, with_context: bool) -> dict:
        doc: dict[str, Any] = {}
        if with_context:
            doc["@context"] = [VC_CONTEXT, OB_CONTEXT]
        doc.update({"id": self.id, "type": ["Profile"], "name": self.name, "url": self.url})
        if self.email:
            doc["email"] = self.email
        if self.description:
            doc["description"] = self.description
        if self.image_url:
            doc["image"] = {"id": self.image_url, "type": "Image", "caption": self.name}
        return doc


def issuer_profile(issuer: Issuer) -> dict:
    """The JSON served at the issuer's URL: an Open Badges Profile, with its JSON-LD contexts."""
    return issuer.profile(with_context=True)


@dataclass(frozen=True)
class Alignment:
    """A competency or standard an achievement lines up with (the spec's Alignment class)."""

    target_name: str
    target_url: str
    target_code: str | None = None
    target_framework: str | None = None
    target_description: str | None = None
    # e.g. "ceasn:Competency", "CFItem", or an "ext:..." value; left out when None.
    target_type: str | None = None

    def __post_init__(self) -> None:
        _require_url(self.target_url, "An alignment's target url")
        if not self.target_name.strip():
            raise ValueError("An alignment needs a target name.")

    def as_json(self) -> dict:
        doc: dict[str, Any] = {"type": ["Alignment"], "targetName": self.target_name,
                               "targetUrl": self.target_url}
        for key, value in (("targetCode", self.target_code), ("targetFramework", self.target_framework),
                           ("targetDescription", self.target_description), ("targetType", self.target_type)):
            if value:
                doc[key] = value
        return doc


@dataclass(frozen=True)
class Achievement:
    """What the badge is for (the spec's Achievement class); served as JSON at `id`."""

    id: str  # e.g. {base}/public/achievements/module/{module_id}
    name: str
    description: str
    criteria: str  # the narrative: what a person did to earn it (Markdown allowed)
    alignments: tuple[Alignment, ...] = field(default_factory=tuple)
    # e.g. "Competency", "CertificateOfCompletion", "Badge"; left out when None.
    achievement_type: str | None = None
    image_url: str | None = None

    def __post_init__(self) -> None:
        _require_url(self.id, "The achievement id")
        for what, value in (("name", self.name), ("description", self.description),
                            ("criteria narrative", self.criteria)):
            if not value.strip():
                raise ValueError(f"The achievement needs a {what}.")
        if self.image_url:
            _require_url(self.image_url, "The achievement image")
        object.__setattr__(self, "alignments", tuple(self.alignments))

    def as_json(self) -> dict:
        doc: dict[str, Any] = {"id": self.id, "type": ["Achievement"], "name": self.name,
                               "description": self.description, "criteria": {"narrative": self.criteria}}
        if self.achievement_type:
            doc["achievementType"] = self.achievement_type
        if self.image_url:
            doc["image"] = {"id": self.image_url, "type": "Image", "caption": self.name}
        if self.alignments:
            doc["alignment"] = [a.as_json() for a in self.alignments]
        return doc


def achievement_document(achievement: Achievement) -> dict:
    """The JSON served at the achievement's URL: the Achievement with its JSON-LD contexts."""
    return {"@context": [VC_CONTEXT, OB_CONTEXT], **achievement.as_json()}


# ---------------------------------------------------------------- dates


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{what} must carry a time zone (use UTC).")
    return moment.astimezone(UTC).replace(microsecond=0)


def _datetime_z(moment: datetime) -> str:
    """The spec's DateTimeZ: ISO 8601 with the zone, here always UTC written as Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(text: Any) -> datetime | None:
    if not isinstance(text, str) or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _plain_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC").lstrip("0")


# ---------------------------------------------------------------- the credential


def _require_subject_id(recipient_id: str) -> None:
    parts = urlsplit(recipient_id or "")
    if not parts.scheme or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme) or " " in recipient_id:
        raise ValueError(f"The recipient id must be a URI (e.g. urn:uuid:...), not {recipient_id!r}.")
    if parts.scheme.lower() == "mailto" or "@" in recipient_id:
        raise ValueError("The recipient id must be an opaque id, not an e-mail address.")


def build_credential(*, credential_id: str, issuer: Issuer, achievement: Achievement, recipient_id: str,
                     recipient_name: str | None, valid_from: datetime, valid_until: datetime | None,
                     revocation_list_url: str) -> dict:
    """A complete OpenBadgeCredential, ready for `sign`.

    `credential_id` is a URI such as `urn:uuid:{uuid4}`; `recipient_id` is the opaque URI that
    identifies the earner (no e-mail address). `recipient_name`, when given, is shown on the badge:
    it goes in `credentialSubject.identifier` as an unhashed IdentityObject of type `name`.
    """
    _require_subject_id(credential_id)
    _require_subject_id(recipient_id)
    _require_url(revocation_list_url, "The revocation list url")
    start = _utc(valid_from, "valid_from")
    end = _utc(valid_until, "valid_until") if valid_until is not None else None
    if end is not None and end <= start:
        raise ValueError("valid_until must be after valid_from.")

    subject: dict[str, Any] = {"id": recipient_id, "type": ["AchievementSubject"],
                               "achievement": achievement.as_json()}
    if recipient_name and recipient_name.strip():
        subject["identifier"] = [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                                  "identityHash": recipient_name.strip()}]
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id,
        "type": list(CREDENTIAL_TYPE),
        "name": achievement.name,
        "issuer": issuer.profile(with_context=False),
        "validFrom": _datetime_z(start),
        "awardedDate": _datetime_z(start),
    }
    if end is not None:
        credential["validUntil"] = _datetime_z(end)
    credential["credentialSubject"] = subject
    credential["credentialStatus"] = {"id": revocation_list_url, "type": REVOCATION_LIST_TYPE}
    return credential


def _types(value: Any) -> list[str]:
    """A `type` value as a list: the spec lets JSON-LD compaction write a single type as a string."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return []


def _issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def conformance_problems(credential: Any) -> list[str]:
    """What keeps `credential` from being an OpenBadgeCredential, in plain words ([] if nothing).

    The required properties and types of the 1EdTech AchievementCredential JSON schema (and the
    verification section's rule that the subject is identified by `id` or `identifier`).
    """
    if not isinstance(credential, dict):
        return ["the credential is not a JSON object"]
    problems: list[str] = []
    context = credential.get("@context")
    if (not isinstance(context, list) or len(context) < 2 or context[0] != VC_CONTEXT
            or not isinstance(context[1], str)
            or not re.fullmatch(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json", context[1])):
        problems.append("@context must start with the Verifiable Credentials 2.0 and Open Badges 3.0 contexts")
    if not isinstance(credential.get("id"), str) or not credential["id"]:
        problems.append("the credential has no id")
    types = _types(credential.get("type"))
    if "VerifiableCredential" not in types or not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        problems.append("type must include VerifiableCredential and OpenBadgeCredential")
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        if not isinstance(issuer.get("id"), str) or "Profile" not in _types(issuer.get("type")):
            problems.append("the issuer must be a Profile with an id")
    elif not isinstance(issuer, str):
        problems.append("the credential has no issuer")
    if _parse_datetime(credential.get("validFrom")) is None:
        problems.append("validFrom is missing or is not a date and time with a zone")
    if "validUntil" in credential and _parse_datetime(credential.get("validUntil")) is None:
        problems.append("validUntil is not a date and time with a zone")
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict):
        problems.append("the credential has no credentialSubject")
        return problems
    if "AchievementSubject" not in _types(subject.get("type")):
        problems.append("credentialSubject must be of type AchievementSubject")
    if not subject.get("id") and not subject.get("identifier"):
        problems.append("credentialSubject must be identified by an id or an identifier")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        problems.append("credentialSubject has no achievement")
        return problems
    for key in ("id", "name", "description"):
        if not isinstance(achievement.get(key), str) or not achievement[key]:
            problems.append(f"the achievement has no {key}")
    if "Achievement" not in _types(achievement.get("type")):
        problems.append("the achievement must be of type Achievement")
    if not isinstance(achievement.get("criteria"), dict):
        problems.append("the achievement has no criteria")
    for alignment in achievement.get("alignment") or []:
        if (not isinstance(alignment, dict) or "Alignment" not in _types(alignment.get("type"))
                or not alignment.get("targetName") or not alignment.get("targetUrl")):
            problems.append("each alignment needs type Alignment, a targetName and a targetUrl")
            break
    status = credential.get("credentialStatus")
    if status is not None and (not isinstance(status, dict) or not status.get("id") or not status.get("type")):
        problems.append("credentialStatus needs an id and a type")
    return problems


# ---------------------------------------------------------------- signing (VC-JWT)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unverified_claims(token: str) -> dict:
    """What a compact JWS says, NOT verified: for showing a holder their own credential, never for trusting one."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("A credential has three parts separated by dots.")
    return json.loads(_b64url_decode(parts[1]))


def sign(credential: dict, private_pem: bytes, kid: str) -> str:
    """The credential as a VC-JWT: a compact JWS signed with RS256, header `{alg, kid, typ}`."""
    problems = conformance_problems(credential)
    if problems:
        raise ValueError("Not an OpenBadgeCredential: " + "; ".join(problems) + ".")
    subject_id = credential["credentialSubject"].get("id")
    if not subject_id:
        raise ValueError("VC-JWT needs credentialSubject.id for its sub claim.")
    claims = [k for k in JWT_CLAIMS if k in credential]
    if claims:
        raise ValueError(f"The credential already has JWT claims {claims}; pass the credential itself.")
    payload = dict(credential)
    payload["iss"] = _issuer_id(credential)
    payload["jti"] = credential["id"]
    payload["sub"] = subject_id
    payload["nbf"] = int(_parse_datetime(credential["validFrom"]).timestamp())
    if "validUntil" in credential:
        payload["exp"] = int(_parse_datetime(credential["validUntil"]).timestamp())
    header = {"alg": SIGNING_ALGORITHM, "kid": kid, "typ": "JWT"}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, body, _private_key(private_pem), algorithms=[SIGNING_ALGORITHM])


# ---------------------------------------------------------------- revocation list


def revocation_list(list_url: str, issuer_id: str, revoked: Iterable[tuple[str, str | None]]) -> dict:
    """The 1EdTech Revocation List Status Method list served at `list_url`.

    `revoked` holds (credential id, reason or None) pairs; a credential listed twice is listed once.
    """
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for credential_id, reason in revoked:
        if credential_id in seen:
            continue
        seen.add(credential_id)
        entry: dict[str, Any] = {"id": credential_id, "revoked": True}
        if reason and reason.strip():
            entry["revocationReason"] = reason.strip()
        entries.append(entry)
    doc: dict[str, Any] = {"id": list_url, "issuer": issuer_id}
    if entries:
        doc["revokedCredentials"] = entries
    return doc


def _revocation_entry(revocations: Any, credential_id: str) -> dict | None:
    """The list's entry that revokes `credential_id`, or None (an entry with revoked false does not)."""
    if not isinstance(revocations, dict):
        raise ValueError("the revocation list is not a JSON object")
    entries = revocations.get("revokedCredentials") or []
    if not isinstance(entries, list):
        raise ValueError("the revocation list's revokedCredentials is not a list")
    for entry in entries:
        if isinstance(entry, str):
            entry = {"id": entry}
        if isinstance(entry, dict) and entry.get("id") == credential_id and entry.get("revoked", True) is not False:
            return entry
    return None


# ---------------------------------------------------------------- verification


@dataclass
class Verification:
    """The outcome of `verify`.

    `checks` lists the checks that ran, in order, as (name, passed, detail); the first that did not
    pass is the last one listed. `credential` is the credential only when `ok`; `claimed` is what
    the token says whenever it could be decoded, for showing what a failed credential claims to be
    (it is not to be believed).
    """

    ok: bool
    reason: str
    credential: dict | None = None
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    claimed: dict | None = None


# A failed check's detail can quote what a forged credential says (its key id, its names): never at length,
# on the verification page or from `carecoord verify`.
DETAIL_LIMIT = 300


class _Failed(Exception):
    def __init__(self, name: str, detail: str) -> None:
        detail = detail if len(detail) <= DETAIL_LIMIT else detail[:DETAIL_LIMIT] + "…"
        super().__init__(detail)
        self.name = name
        self.detail = detail


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _key_from(document: Any, kid: str) -> dict | None:
    """The JWK for `kid` in what the kid URL gave: a JWK Set (matched by kid) or a single JWK."""
    if not isinstance(document, dict):
        return None
    fragment = kid.split("#", 1)[1] if "#" in kid else None
    names = {kid} | ({fragment} if fragment else set())
    if isinstance(document.get("keys"), list):
        for jwk in document["keys"]:
            if isinstance(jwk, dict) and jwk.get("kid") in names:
                return jwk
        return None
    if "kty" in document and document.get("kid", kid) in names:
        return document
    return None


def _issuer_base(issuer_id: str) -> str | None:
    """Where the issuer's own documents live: its profile URL up to the last slash of the path."""
    parts = urlsplit(issuer_id)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def _under(url: str, base: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or ".." in unquote(parts.path).split("/"):
        return False
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path}".startswith(base)


def _fetch(fetch_json: Callable[[str], Any], url: str, check: str, what: str) -> Any:
    try:
        return fetch_json(url)
    except Exception as error:  # the caller's HTTP or lookup failed: say so, don't crash the page
        raise _Failed(check, f"Could not fetch {what} from {url} ({type(error).__name__}: {error}).") from None


def verify(token: str, *, fetch_json: Callable[[str], Any], now: datetime,
           trusted_issuers: Collection[str] | None = None) -> Verification:
    """Verify a VC-JWT Open Badge. Checks run in order and stop at the first failure:

    1. Token: the text is a compact JWS whose header and payload are JSON objects.
    2. Signing method: the header's alg is RS256, typ (if any) is JWT, and no other headers.
    3. Signature: the key the header's `kid` points to (fetched with `fetch_json`, a JWK Set or a
       JWK) verifies the signature. A key given only inline (`jwk`) is refused: anyone can make one.
    4. Open Badge: the payload is an OpenBadgeCredential and its `jti`, `sub`, `nbf` and `exp`
       claims agree with its `id`, `credentialSubject.id`, `validFrom` and `validUntil`.
    5. Issuer: `iss` is the credential's issuer, the key is published under the issuer's own base
       (the issuer profile URL up to its last slash), and, if `trusted_issuers` is given, the
       issuer is one of them.
    6. Valid from: `now` is not before validFrom.
    7. Valid until: `now` is not after validUntil (or exp).
    8. Not revoked: the credential is not in its 1EdTechRevocationList.

    `fetch_json(url)` returns the JSON at a URL (or raises); `now` must carry a time zone.
    """
    now = _utc(now, "now")
    checks: list[tuple[str, bool, str]] = []
    claimed: dict | None = None
    try:
        # 1. the token parses
        text = token.strip() if isinstance(token, str) else ""
        if len(text) > MAX_TOKEN_CHARS:
            raise _Failed("Token", f"This is too long to be one of our credentials (over {MAX_TOKEN_CHARS:,} characters).")
        parts = text.split(".")
        if len(parts) != 3 or not parts[0] or not parts[1]:  # an empty signature is judged at the alg check
            raise _Failed("Token", "This is not a signed Open Badge: a signed badge is three base64url parts "
                                   "separated by dots (a compact JWS).")
        try:
            header = json.loads(_b64url_decode(parts[0]))
            payload = json.loads(_b64url_decode(parts[1]))
            _b64url_decode(parts[2])
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise _Failed("Token", "The badge's text is damaged: its parts are not valid base64url JSON.") from None
        if not isinstance(header, dict) or not isinstance(payload, dict):
            raise _Failed("Token", "The badge's header and contents must each be a JSON object.")
        claimed = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
        checks.append(("Token", True, "A compact JWS with a JSON header and payload."))

        # 2. the algorithm
        alg = header.get("alg")
        if alg != SIGNING_ALGORITHM:
            if alg is None or str(alg).lower() == "none":
                detail = ("The badge is not signed (its algorithm is 'none'), so nothing shows who issued it "
                          "or that it is unchanged.")
            elif isinstance(alg, str) and alg.upper().startswith("HS"):
                detail = (f"The badge is signed with {alg}, a shared-secret code that anyone holding the secret "
                          "can forge; Open Badges must be signed with RS256, a public-key signature.")
            else:
                detail = f"The badge is signed with {alg!r}; only RS256 signatures are accepted."
            raise _Failed("Signing method", detail)
        extra = sorted(set(header) - ALLOWED_HEADERS)
        if extra:
            raise _Failed("Signing method", f"The badge's header has fields Open Badges does not allow: "
                                            f"{', '.join(extra)}.")
        if "typ" in header and header["typ"] != "JWT":
            raise _Failed("Signing method", f"The badge's header says typ {header['typ']!r}; it must be JWT.")
        checks.append(("Signing method", True, "RS256 (RSA public-key signature)."))

        # 3. the key the kid points to verifies the signature
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            if "jwk" in header:
                raise _Failed("Signature", "The badge carries its own public key and no key id; a key carried "
                                           "inside the badge could belong to anyone, so it cannot show who "
                                           "issued it.")
            raise _Failed("Signature", "The badge does not say which key signed it (no kid in its header).")
        key_url = _without_fragment(kid)
        if urlsplit(key_url).scheme not in ("http", "https"):
            raise _Failed("Signature", f"The badge's key id {kid!r} is not a web address, so the key cannot "
                                       "be looked up.")
        document = _fetch(fetch_json, key_url, "Signature", "the issuer's public key")
        jwk = _key_from(document, kid)
        if jwk is None:
            raise _Failed("Signature", f"The key set at {key_url} does not hold the key {kid}: the key that "
                                       "signed this badge is not published by its issuer.")
        if "d" in jwk:
            raise _Failed("Signature", f"The key published at {key_url} includes private key material, so it "
                                       "cannot be trusted.")
        if jwk.get("kty") != "RSA":
            raise _Failed("Signature", f"The key {kid} is not an RSA key, so it cannot check an RS256 signature.")
        try:
            key = RSAKey.import_key(jwk)
        except (JoseError, ValueError, TypeError):
            raise _Failed("Signature", f"The key published at {key_url} is not a valid RSA public key.") from None
        try:
            jws.deserialize_compact(text, key, algorithms=[SIGNING_ALGORITHM])
        except BadSignatureError:
            raise _Failed("Signature", "The signature does not match: the badge has been changed since it was "
                                       "signed, or it was signed with a different key.") from None
        except JoseError as error:
            raise _Failed("Signature", f"The signature could not be checked ({error}).") from None
        checks.append(("Signature", True, f"Signed by the key {kid}."))

        # 4. the payload is an Open Badge and the JWT claims agree with it
        credential = claimed
        problems = conformance_problems(credential)
        if problems:
            raise _Failed("Open Badge", "The signed contents are not a valid Open Badge: " + "; ".join(problems) + ".")
        subject = credential["credentialSubject"]
        valid_from = _parse_datetime(credential["validFrom"])
        valid_until = _parse_datetime(credential.get("validUntil"))
        if payload.get("jti") != credential["id"]:
            raise _Failed("Open Badge", "The token's jti claim is not the credential's id.")
        if payload.get("sub") != subject.get("id"):
            raise _Failed("Open Badge", "The token's sub claim is not the id of the person the badge is about.")
        nbf, exp = payload.get("nbf"), payload.get("exp")
        if not isinstance(nbf, int | float) or isinstance(nbf, bool) or int(nbf) != int(valid_from.timestamp()):
            raise _Failed("Open Badge", "The token's nbf claim is missing or is not the credential's validFrom.")
        if valid_until is not None and (not isinstance(exp, int | float) or isinstance(exp, bool)
                                        or int(exp) != int(valid_until.timestamp())):
            raise _Failed("Open Badge", "The token's exp claim is missing or is not the credential's validUntil.")
        if valid_until is None and exp is not None:
            if not isinstance(exp, int | float) or isinstance(exp, bool):
                raise _Failed("Open Badge", "The token's exp claim is not a time.")
            valid_until = datetime.fromtimestamp(exp, UTC)
        checks.append(("Open Badge", True, "An OpenBadgeCredential with every required property."))

        # 5. the issuer
        issuer_id = _issuer_id(credential)
        if payload.get("iss") != issuer_id:
            raise _Failed("Issuer", f"The token says it was issued by {payload.get('iss')!r} but the credential "
                                    f"names {issuer_id!r} as its issuer.")
        base = _issuer_base(issuer_id)
        if base is None:
            raise _Failed("Issuer", f"The issuer {issuer_id!r} is not a web address, so its keys cannot be "
                                    "tied to it.")
        if not _under(key_url, base):
            raise _Failed("Issuer", f"The signing key ({key_url}) is not published by the issuer: it is not "
                                    f"under {base}.")
        if trusted_issuers is not None and issuer_id not in trusted_issuers:
            raise _Failed("Issuer", f"The badge was issued by {issuer_id}, which is not an issuer this page "
                                    "vouches for.")
        issuer = credential["issuer"]
        issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
        checks.append(("Issuer", True, f"Issued by {issuer_name or issuer_id} ({issuer_id}), whose key signed it."))

        # 6. not before validFrom
        if now < valid_from:
            raise _Failed("Valid from", f"This badge is not valid yet: it becomes valid on {_plain_time(valid_from)}.")
        checks.append(("Valid from", True, f"Valid since {_plain_time(valid_from)}."))

        # 7. not after validUntil
        if valid_until is not None and now > valid_until:
            raise _Failed("Valid until", f"This badge expired on {_plain_time(valid_until)}.")
        checks.append(("Valid until", True, f"Valid until {_plain_time(valid_until)}." if valid_until
                       else "Does not expire."))

        # 8. not revoked
        status = credential.get("credentialStatus")
        if status is None:
            checks.append(("Not revoked", True, "The badge names no revocation list."))
        else:
            if status.get("type") != REVOCATION_LIST_TYPE:
                raise _Failed("Not revoked", f"The badge's status uses a method this page does not know "
                                             f"({status.get('type')!r}), so whether it was revoked cannot be checked.")
            list_url = status["id"]
            revocations = _fetch(fetch_json, list_url, "Not revoked", "the revocation list")
            try:
                entry = _revocation_entry(revocations, credential["id"])
            except ValueError as error:
                raise _Failed("Not revoked", f"The revocation list at {list_url} cannot be read: {error}.") from None
            if entry is not None:
                why = entry.get("revocationReason")
                raise _Failed("Not revoked", "This badge has been revoked by its issuer."
                                             + (f" Reason given: {why}" if isinstance(why, str) and why else ""))
            checks.append(("Not revoked", True, f"Not in the issuer's revocation list ({list_url})."))
    except _Failed as failure:
        checks.append((failure.name, False, failure.detail))
        return Verification(ok=False, reason=failure.detail, credential=None, checks=checks, claimed=claimed)
    except Exception:  # nesting, numbers or dates no check foresaw: a credential that cannot be read is not valid
        detail = "The credential could not be read (its contents are malformed)."
        checks.append(("Token", False, detail))
        return Verification(ok=False, reason=detail, credential=None, checks=checks, claimed=None)

    achievement = credential["credentialSubject"]["achievement"]["name"]
    reason = (f"Genuine: “{achievement}”, issued by {issuer_name or issuer_id}, valid since "
              f"{_plain_time(valid_from)}" + (f" until {_plain_time(valid_until)}" if valid_until else "")
              + ", and not revoked.")
    return Verification(ok=True, reason=reason, credential=credential, checks=checks, claimed=claimed)


# ---------------------------------------------------------------- PNG baking


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks as (type, data), after checking signature, lengths, CRCs and IHDR...IEND."""
    if not isinstance(png, bytes | bytearray):
        raise ValueError("Not a PNG image: expected the file's bytes.")
    if len(png) > MAX_PNG_BYTES:
        raise ValueError(f"The image is too large ({len(png) / 1024 / 1024:.1f} MB); the limit is 5 MB.")
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("Not a PNG image: the file does not start with the PNG signature.")
    chunks: list[tuple[bytes, bytes]] = []
    at = len(PNG_SIGNATURE)
    while True:
        if at + 8 > len(png):
            raise ValueError("The PNG image is truncated: it ends before its IEND chunk.")
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if length > 0x7FFFFFFF or not re.fullmatch(rb"[A-Za-z]{4}", kind):
            raise ValueError("The PNG image is damaged: a chunk header is not valid.")
        end = at + 8 + length + 4
        if end > len(png):
            raise ValueError("The PNG image is truncated: its last chunk is cut short.")
        data = bytes(png[at + 8:at + 8 + length])
        (crc,) = struct.unpack(">I", png[end - 4:end])
        if crc != zlib.crc32(kind + data) & 0xFFFFFFFF:
            raise ValueError(f"The PNG image is damaged: the checksum of its {kind.decode()} chunk is wrong.")
        if not chunks and kind != b"IHDR":
            raise ValueError("The PNG image is damaged: it does not begin with an IHDR chunk.")
        chunks.append((kind, data))
        at = end
        if kind == b"IEND":
            return chunks


def _itxt(keyword: str, text: str) -> bytes:
    """An uncompressed iTXt chunk body: keyword, NUL, flag 0, method 0, no language, no translation."""
    return keyword.encode("latin-1") + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")


def _read_itxt(data: bytes) -> tuple[str, str] | None:
    try:
        keyword, rest = data.split(b"\x00", 1)
        compressed, method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
    except (ValueError, IndexError):
        return None
    if compressed:
        if method != 0:
            return None
        inflater = zlib.decompressobj()
        text = inflater.decompress(text, MAX_PNG_BYTES)
        if inflater.unconsumed_tail:
            return None
    try:
        return keyword.decode("latin-1"), text.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_badge_chunk(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\x00", 1)[0] == PNG_KEYWORD.encode()


def bake_png(png: bytes, token: str) -> bytes:
    """The PNG with `token` baked in: one iTXt chunk `openbadgecredential`, uncompressed, before IEND.

    An image that already holds a credential has it replaced (the spec allows one such chunk).
    Raises ValueError for what is not a whole PNG, or a PNG over 5 MB.
    """
    if not isinstance(token, str) or not token.strip():
        raise ValueError("There is no credential to bake.")
    chunks = [(kind, data) for kind, data in _chunks(png) if not _is_badge_chunk(kind, data)]
    body = b"".join(_chunk(kind, data) for kind, data in chunks[:-1])
    baked = PNG_SIGNATURE + body + _chunk(b"iTXt", _itxt(PNG_KEYWORD, token.strip())) + _chunk(b"IEND", b"")
    if len(baked) > MAX_PNG_BYTES:
        raise ValueError("The baked image would be over 5 MB.")
    return baked


def credential_text(data: bytes) -> str:
    """The credential a file holds: baked into a PNG badge, or the VC-JWT as text. Raises ValueError,
    saying what is wrong, for anything else (a damaged image, an image without a credential, not UTF-8)."""
    if data.startswith(PNG_SIGNATURE):
        token = unbake_png(data)
        if not token:
            raise ValueError("This image holds no credential.")
        return token
    try:
        token = data[:MAX_TOKEN_CHARS * 4].decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ValueError("This is neither a badge image nor a credential file.") from None
    if not token:
        raise ValueError("This file is empty.")
    return token


def holder_name(credential: dict) -> str | None:
    """The name a credential gives its holder (an unhashed `name` identifier), if any."""
    identifiers = credential.get("credentialSubject", {}).get("identifier", [])
    return next((i.get("identityHash") for i in identifiers if isinstance(i, dict)
                 and i.get("identityType") == "name" and not i.get("hashed")), None)


def unbake_png(png: bytes) -> str | None:
    """The credential baked into the PNG (the text of its first `openbadgecredential` iTXt), or None.

    Raises ValueError for what is not a whole PNG, or a PNG over 5 MB.
    """
    for kind, data in _chunks(png):
        if _is_badge_chunk(kind, data):
            found = _read_itxt(data)
            return found[1].strip() if found else None
    return None


# ---------------------------------------------------------------- a badge image


def _mix(colour: Sequence[int], alpha: float) -> tuple[int, int, int]:
    return tuple(round(255 + (c - 255) * alpha) for c in colour)  # type: ignore[return-value]


@functools.lru_cache(maxsize=32)
def badge_png(title: str) -> bytes:
    """A plain 256x256 badge image: a disc in the app's colour with a white ring, on white.

    Standard library only (zlib + struct); the title goes in the PNG's Title text chunk, not drawn.
    """
    size, half = 256, 128
    centre = (size - 1) / 2
    outer, ring_out, ring_in = 120.0, 104.0, 96.0

    def coverage(distance: float, radius: float) -> float:  # 1 inside, 0 outside, a 1-pixel soft edge
        return max(0.0, min(1.0, radius - distance + 0.5))

    shades: dict[int, bytes] = {}
    top: list[bytes] = []
    for y in range(half):  # the image is symmetric: draw the top-left quarter and mirror it
        dy2 = (y - centre) ** 2
        left = []
        for x in range(half):
            d = ((x - centre) ** 2 + dy2) ** 0.5
            # the disc, minus a white ring between ring_in and ring_out
            level = round(255 * coverage(d, outer) * (1 - coverage(d, ring_out) + coverage(d, ring_in)))
            if level not in shades:
                shades[level] = bytes(_mix(BADGE_COLOUR, level / 255))
            left.append(shades[level])
        top.append(b"\x00" + b"".join(left) + b"".join(reversed(left)))  # filter type 0 per scanline
    pixels = b"".join(top) + b"".join(reversed(top))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    chunks = [_chunk(b"IHDR", header)]
    if title and title.strip():
        chunks.append(_chunk(b"iTXt", _itxt("Title", title.strip())))
    chunks.append(_chunk(b"IDAT", zlib.compress(pixels, 9)))
    chunks.append(_chunk(b"IEND", b""))
    return PNG_SIGNATURE + b"".join(chunks)
