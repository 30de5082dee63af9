"""Open Badges 3.0: building, signing (VC-JWT), verifying, revoking and baking, with worked examples.

The structural check below is this project's own reading of the 1EdTech AchievementCredential and
Profile JSON schemas (openbadges-specification, gh-pages branch, docs/schema/): for each class, the
properties the schema lists as required, the type each `type` array must contain, and the classes
that allow no other properties. No schema file is copied here.
"""

from __future__ import annotations

import base64
import io
import json
import re
import struct
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from joserfc import jws
from joserfc.jwk import OctKey, RSAKey

from carecoord import badges
from carecoord.badges import (
    Achievement,
    Alignment,
    Issuer,
    achievement_document,
    badge_png,
    bake_png,
    build_credential,
    conformance_problems,
    issuer_profile,
    new_signing_key,
    public_jwk,
    public_jwks,
    revocation_list,
    sign,
    unbake_png,
    verify,
)

BASE = "https://carecoord.example.org"
ISSUER_URL = f"{BASE}/public/issuer.json"
JWKS_URL = f"{BASE}/public/jwks.json"
KID = f"{JWKS_URL}#key-1"
REVOCATIONS_URL = f"{BASE}/public/revocations.json"
CREDENTIAL_ID = "urn:uuid:5b1f3a0e-8a52-4e0e-9d7a-2f7c1c3e9b10"
RECIPIENT = "urn:uuid:0d6f1c2a-44b1-4c7e-9a55-8e2a1f3b7c01"
ISSUED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
EXPIRES = datetime(2029, 3, 1, 9, 30, tzinfo=UTC)

ISSUER = Issuer(id=ISSUER_URL, name="CareCoord Training", url=BASE, email="training@example.org",
                description="Training for care coordinators of children with medical complexity.")
ACHIEVEMENT = Achievement(
    id=f"{BASE}/public/achievements/competency/CC-3/level/2",
    name="Care plan coordination, level 2",
    description="Coordinates a shared care plan across several services for a child with medical complexity.",
    criteria="Assessed at level 2 on competency CC-3 from observed practice and a reviewed portfolio.",
    alignments=(Alignment(target_name="Care plan coordination", target_url=f"{BASE}/competencies/CC-3",
                          target_code="CC-3", target_framework="CareCoord competency framework"),),
    achievement_type="Competency",
)

# ---------------------------------------------------------------- the schema, as read

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT_PATTERN = re.compile(r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$")
DATE_TIME_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

# class: (required properties, what its `type` must contain, the only properties allowed or None)
CLASSES = {
    "AchievementCredential": (["@context", "id", "type", "credentialSubject", "issuer", "validFrom"],
                              None, None),
    "AchievementSubject": (["type", "achievement"], "AchievementSubject", None),
    "Achievement": (["id", "type", "criteria", "description", "name"], "Achievement", None),
    "Alignment": (["type", "targetName", "targetUrl"], "Alignment", None),
    "Profile": (["id", "type"], "Profile", None),
    "CredentialStatus": (["id", "type"], None, None),
    "Image": (["id", "type"], "Image", {"id", "type", "caption"}),
    "IdentityObject": (["type", "hashed", "identityHash", "identityType"], "IdentityObject",
                       {"type", "hashed", "identityHash", "identityType", "salt"}),
}
# where each class sits in a credential (a trailing [] means "each item of this array")
PLACES = [
    ("", "AchievementCredential"),
    ("issuer", "Profile"),
    ("credentialSubject", "AchievementSubject"),
    ("credentialSubject.achievement", "Achievement"),
    ("credentialSubject.achievement.alignment[]", "Alignment"),
    ("credentialSubject.achievement.image", "Image"),
    ("credentialSubject.identifier[]", "IdentityObject"),
    ("credentialStatus", "CredentialStatus"),
    ("image", "Image"),
]


def _at(document: dict, path: str) -> list:
    """The objects at a dotted path ([] when absent)."""
    found = [document]
    for step in [s for s in path.split(".") if s]:
        many = step.endswith("[]")
        step = step.removesuffix("[]")
        nxt = []
        for item in found:
            value = item.get(step) if isinstance(item, dict) else None
            if value is None:
                continue
            nxt.extend(value if many else [value])
        found = nxt
    return found


def _types(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def schema_problems(credential: dict) -> list[str]:
    problems = []
    for path, name in PLACES:
        required, must_contain, allowed = CLASSES[name]
        for obj in _at(credential, path):
            where = path or "credential"
            if not isinstance(obj, dict):
                problems.append(f"{where} is not an object")
                continue
            problems += [f"{where} lacks {key}" for key in required if key not in obj]
            if must_contain and must_contain not in _types(obj.get("type")):
                problems.append(f"{where} type lacks {must_contain}")
            if allowed is not None and set(obj) - allowed:
                problems.append(f"{where} has extra properties {sorted(set(obj) - allowed)}")
    context = credential.get("@context", [])
    if len(context) < 2 or context[0] != VC_CONTEXT or not OB_CONTEXT_PATTERN.match(context[1]):
        problems.append("@context must be the VC 2.0 context then the OB 3.0 context")
    types = credential.get("type", [])
    if not isinstance(types, list) or "VerifiableCredential" not in types or not (
            {"OpenBadgeCredential", "AchievementCredential"} & set(types)):
        problems.append("type must hold VerifiableCredential and OpenBadgeCredential")
    for key in ("validFrom", "validUntil", "awardedDate"):
        if key in credential and not DATE_TIME_Z.match(credential[key]):
            problems.append(f"{key} is not a date-time with a zone")
    subject = credential.get("credentialSubject", {})
    if not subject.get("id") and not subject.get("identifier"):  # the verification section's rule
        problems.append("credentialSubject has neither id nor identifier")
    return problems


def _empties(value, path="") -> list[str]:
    """Nulls and empty arrays, which the spec's JSON serialisation says to leave out."""
    if value is None or value == []:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _empties(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _empties(v, f"{path}[{i}]")]
    return []


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pem() -> bytes:
    return new_signing_key()


@pytest.fixture(scope="module")
def other_pem() -> bytes:
    return new_signing_key()


def _credential(**changes) -> dict:
    arguments = dict(credential_id=CREDENTIAL_ID, issuer=ISSUER, achievement=ACHIEVEMENT, recipient_id=RECIPIENT,
                     recipient_name="Sam Rivera", valid_from=ISSUED, valid_until=EXPIRES,
                     revocation_list_url=REVOCATIONS_URL)
    arguments.update(changes)
    return build_credential(**arguments)


def _web(pem: bytes, revoked=(), **extra) -> dict:
    """What the installation serves: the key set, the issuer profile and the revocation list."""
    return {JWKS_URL: public_jwks(pem, KID), ISSUER_URL: issuer_profile(ISSUER),
            REVOCATIONS_URL: revocation_list(REVOCATIONS_URL, ISSUER_URL, list(revoked)), **extra}


def _fetcher(web: dict):
    def fetch_json(url: str) -> dict:
        if url not in web:
            raise LookupError(f"404 for {url}")
        return web[url]
    return fetch_json


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _parts(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(payload))


def _sign_raw(payload: dict, key, header: dict) -> str:
    """Sign any payload with any header (for tokens `sign` would never make)."""
    return jws.serialize_compact(header, json.dumps(payload).encode(), key, algorithms=[header["alg"]])


def _verify(token: str, web: dict, now: datetime = ISSUED + timedelta(days=30), **kwargs):
    return verify(token, fetch_json=_fetcher(web), now=now, **kwargs)


def _failed_at(result) -> str:
    assert not result.ok
    assert result.credential is None
    name, passed, detail = result.checks[-1]
    assert passed is False and detail == result.reason
    assert all(passed for _, passed, _ in result.checks[:-1])
    return name


# ---------------------------------------------------------------- the credential


def test_a_built_credential_has_every_property_the_schema_requires():
    credential = _credential()
    assert schema_problems(credential) == []
    assert conformance_problems(credential) == []
    assert _empties(credential) == []
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {"id": ISSUER_URL, "type": ["Profile"], "name": "CareCoord Training",
                                    "url": BASE, "email": "training@example.org",
                                    "description": ISSUER.description}
    assert credential["validFrom"] == "2026-03-01T09:30:00Z"
    assert credential["validUntil"] == "2029-03-01T09:30:00Z"
    assert credential["credentialStatus"] == {"id": REVOCATIONS_URL, "type": "1EdTechRevocationList"}
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["criteria"] == {"narrative": ACHIEVEMENT.criteria}
    assert achievement["alignment"] == [{"type": ["Alignment"], "targetName": "Care plan coordination",
                                         "targetUrl": f"{BASE}/competencies/CC-3", "targetCode": "CC-3",
                                         "targetFramework": "CareCoord competency framework"}]


def test_the_structural_check_catches_what_is_missing():
    credential = _credential()
    del credential["validFrom"]
    del credential["credentialSubject"]["achievement"]["criteria"]
    credential["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl")
    assert sorted(schema_problems(credential)) == [
        "credential lacks validFrom", "credentialSubject.achievement lacks criteria",
        "credentialSubject.achievement.alignment[] lacks targetUrl"]
    assert len(conformance_problems(credential)) == 3


def test_the_subject_is_an_opaque_id_and_the_name_an_unhashed_identifier():
    subject = _credential()["credentialSubject"]
    assert subject["id"] == RECIPIENT
    assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                                      "identityHash": "Sam Rivera"}]
    assert "@" not in json.dumps(subject)
    assert "identifier" not in _credential(recipient_name=None)["credentialSubject"]
    with pytest.raises(ValueError, match="not an e-mail"):
        _credential(recipient_id="mailto:sam@example.org")
    with pytest.raises(ValueError, match="must be a URI"):
        _credential(recipient_id="sam rivera")


def test_without_an_end_date_there_is_no_valid_until():
    credential = _credential(valid_until=None)
    assert "validUntil" not in credential and schema_problems(credential) == []


def test_bad_dates_and_urls_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        _credential(valid_from=datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="after valid_from"):
        _credential(valid_until=ISSUED)
    with pytest.raises(ValueError, match="http"):
        replace(ACHIEVEMENT, id="achievement-1")


def test_the_issuer_profile_and_achievement_documents_are_json_ld():
    profile = issuer_profile(ISSUER)
    assert profile["@context"][0] == VC_CONTEXT and OB_CONTEXT_PATTERN.match(profile["@context"][1])
    assert profile["id"] == ISSUER_URL and profile["type"] == ["Profile"] and profile["name"]
    document = achievement_document(ACHIEVEMENT)
    assert document["id"] == ACHIEVEMENT.id and document["type"] == ["Achievement"]
    assert {"name", "description", "criteria"} <= set(document)


def test_the_public_key_set_holds_no_private_material(pem):
    jwks = public_jwks(pem, KID)
    [jwk] = jwks["keys"]
    assert jwk["kid"] == KID and jwk["kty"] == "RSA" and jwk["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
    assert public_jwk(pem, KID) == jwk
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert RSAKey.import_key(pem).as_dict(private=False)["n"] == jwk["n"]


# ---------------------------------------------------------------- signing


def test_the_token_is_the_credential_with_the_jwt_claims_the_spec_names(pem):
    credential = _credential()
    header, payload = _parts(sign(credential, pem, KID))
    assert header == {"alg": "RS256", "kid": KID, "typ": "JWT"}
    assert payload["iss"] == ISSUER_URL and payload["jti"] == CREDENTIAL_ID and payload["sub"] == RECIPIENT
    assert payload["nbf"] == int(ISSUED.timestamp()) and payload["exp"] == int(EXPIRES.timestamp())
    assert {k: v for k, v in payload.items() if k not in ("iss", "jti", "sub", "nbf", "exp")} == credential
    assert "vc" not in payload


def test_sign_refuses_what_is_not_an_open_badge(pem):
    credential = _credential()
    del credential["credentialSubject"]["achievement"]
    with pytest.raises(ValueError, match="no achievement"):
        sign(credential, pem, KID)


# ---------------------------------------------------------------- verifying


def test_sign_then_verify_passes(pem):
    token = sign(_credential(), pem, KID)
    result = _verify(token, _web(pem), trusted_issuers={ISSUER_URL})
    assert result.ok, result.reason
    assert result.credential == _credential()
    assert [name for name, _, _ in result.checks] == [
        "Token", "Signing method", "Signature", "Open Badge", "Issuer", "Valid from", "Valid until", "Not revoked"]
    assert all(passed for _, passed, _ in result.checks)
    assert "Care plan coordination, level 2" in result.reason and "CareCoord Training" in result.reason


def test_a_kid_that_points_straight_at_one_jwk_also_works(pem):
    kid = f"{BASE}/public/keys/key-1.json"
    token = sign(_credential(), pem, kid)
    assert _verify(token, _web(pem, **{kid: public_jwk(pem, kid)})).ok


def test_a_baked_badge_from_a_png_verifies(pem):
    token = sign(_credential(), pem, KID)
    assert _verify(unbake_png(bake_png(badge_png("Care plan coordination"), token)), _web(pem)).ok


def test_a_tampered_payload_fails_the_signature(pem):
    token = sign(_credential(), pem, KID)
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    claims["credentialSubject"]["achievement"]["name"] = "Care plan coordination, level 4"
    forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    result = _verify(forged, _web(pem))
    assert _failed_at(result) == "Signature"
    assert "has been changed since it was signed" in result.reason
    assert result.claimed["credentialSubject"]["achievement"]["name"].endswith("level 4")


def test_a_key_set_that_does_not_hold_the_signing_key_fails(pem, other_pem):
    token = sign(_credential(), other_pem, KID)  # same kid, another key
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Signature"
    assert "signed with a different key" in result.reason

    token = sign(_credential(), pem, f"{JWKS_URL}#key-2")  # a kid the key set does not list
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Signature"
    assert "does not hold the key" in result.reason


def test_a_key_set_that_cannot_be_fetched_fails(pem):
    token = sign(_credential(), pem, KID)
    web = _web(pem)
    del web[JWKS_URL]
    result = _verify(token, web)
    assert _failed_at(result) == "Signature"
    assert result.reason.startswith("Could not fetch the issuer's public key")


def test_an_expired_credential_fails(pem):
    token = sign(_credential(), pem, KID)
    result = _verify(token, _web(pem), now=EXPIRES + timedelta(seconds=1))
    assert _failed_at(result) == "Valid until"
    assert result.reason == "This badge expired on 1 March 2029, 09:30 UTC."
    assert _verify(token, _web(pem), now=EXPIRES).ok  # valid up to and including validUntil


def test_a_not_yet_valid_credential_fails(pem):
    token = sign(_credential(), pem, KID)
    result = _verify(token, _web(pem), now=ISSUED - timedelta(seconds=1))
    assert _failed_at(result) == "Valid from"
    assert result.reason == "This badge is not valid yet: it becomes valid on 1 March 2026, 09:30 UTC."
    assert _verify(token, _web(pem), now=ISSUED).ok


def test_a_revoked_credential_fails_and_says_why(pem):
    token = sign(_credential(), pem, KID)
    result = _verify(token, _web(pem, revoked=[("urn:uuid:other", None), (CREDENTIAL_ID, "Issued in error.")]))
    assert _failed_at(result) == "Not revoked"
    assert result.reason == "This badge has been revoked by its issuer. Reason given: Issued in error."
    result = _verify(token, _web(pem, revoked=[(CREDENTIAL_ID, None)]))
    assert result.reason == "This badge has been revoked by its issuer."


def test_an_unreachable_revocation_list_fails(pem):
    token = sign(_credential(), pem, KID)
    web = _web(pem)
    del web[REVOCATIONS_URL]
    result = _verify(token, web)
    assert _failed_at(result) == "Not revoked"
    assert "Could not fetch the revocation list" in result.reason


def test_an_issuer_mismatch_fails(pem):
    credential = _credential()
    payload = {**credential, "iss": "https://elsewhere.example.org/issuer.json", "jti": CREDENTIAL_ID,
               "sub": RECIPIENT, "nbf": int(ISSUED.timestamp()), "exp": int(EXPIRES.timestamp())}
    token = _sign_raw(payload, RSAKey.import_key(pem), {"alg": "RS256", "kid": KID, "typ": "JWT"})
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Issuer"
    assert "issued by 'https://elsewhere.example.org/issuer.json'" in result.reason


def test_a_key_published_outside_the_issuers_base_fails(other_pem):
    stranger_kid = "https://stranger.example.net/keys.json#key-1"
    token = sign(_credential(), other_pem, stranger_kid)
    result = _verify(token, {**_web(other_pem), "https://stranger.example.net/keys.json":
                             public_jwks(other_pem, stranger_kid)})
    assert _failed_at(result) == "Issuer"
    assert "is not published by the issuer" in result.reason


def test_an_issuer_this_page_does_not_vouch_for_fails(pem):
    token = sign(_credential(), pem, KID)
    result = _verify(token, _web(pem), trusted_issuers={"https://other.example.org/public/issuer.json"})
    assert _failed_at(result) == "Issuer"
    assert "not an issuer this page vouches for" in result.reason


def test_an_unsigned_alg_none_token_fails(pem):
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    _, payload = _parts(sign(_credential(), pem, KID))
    token = f"{header}.{_b64(json.dumps(payload).encode())}."
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Signing method"
    assert "not signed (its algorithm is 'none')" in result.reason


def test_an_hs256_token_fails(pem):
    _, payload = _parts(sign(_credential(), pem, KID))
    # The old trick: use the published public key's text as an HMAC secret.
    secret = OctKey.import_key(json.dumps(public_jwk(pem, KID)).encode())
    token = _sign_raw(payload, secret, {"alg": "HS256", "kid": KID, "typ": "JWT"})
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Signing method"
    assert "HS256, a shared-secret code" in result.reason


def test_a_key_carried_inside_the_token_is_not_trusted(other_pem):
    _, payload = _parts(sign(_credential(), other_pem, KID))
    key = RSAKey.import_key(other_pem)
    token = _sign_raw(payload, key, {"alg": "RS256", "jwk": key.as_dict(private=False), "typ": "JWT"})
    result = _verify(token, {})
    assert _failed_at(result) == "Signature"
    assert "carries its own public key" in result.reason


def test_extra_jose_headers_are_refused(pem):
    _, payload = _parts(sign(_credential(), pem, KID))
    token = _sign_raw(payload, RSAKey.import_key(pem), {"alg": "RS256", "kid": KID, "x5u": "https://x.example"})
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Signing method" and "x5u" in result.reason


def test_signed_contents_that_are_not_an_open_badge_fail(pem):
    _, payload = _parts(sign(_credential(), pem, KID))
    del payload["credentialSubject"]["achievement"]
    token = _sign_raw(payload, RSAKey.import_key(pem), {"alg": "RS256", "kid": KID, "typ": "JWT"})
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Open Badge" and "no achievement" in result.reason

    _, payload = _parts(sign(_credential(), pem, KID))
    payload["sub"] = "urn:uuid:someone-else"
    token = _sign_raw(payload, RSAKey.import_key(pem), {"alg": "RS256", "kid": KID, "typ": "JWT"})
    assert "sub claim" in _verify(token, _web(pem)).reason


@pytest.mark.parametrize("token", ["", "hello", "a.b", "a.b.c.d", "!!!.???.***", "e30.W10.sig"])
def test_text_that_is_not_a_token_fails_first(token):
    result = _verify(token, {})
    assert _failed_at(result) == "Token"
    assert result.checks == [("Token", False, result.reason)]


# ---------------------------------------------------------------- the revocation list


def test_the_revocation_list_is_in_the_1edtech_form():
    doc = revocation_list(REVOCATIONS_URL, ISSUER_URL, [("urn:uuid:a", "Issued in error."), ("urn:uuid:b", None),
                                                        ("urn:uuid:a", "again")])
    assert doc == {"id": REVOCATIONS_URL, "issuer": ISSUER_URL, "revokedCredentials": [
        {"id": "urn:uuid:a", "revoked": True, "revocationReason": "Issued in error."},
        {"id": "urn:uuid:b", "revoked": True}]}
    assert revocation_list(REVOCATIONS_URL, ISSUER_URL, []) == {"id": REVOCATIONS_URL, "issuer": ISSUER_URL}


def test_an_entry_marked_not_revoked_does_not_revoke(pem):
    token = sign(_credential(), pem, KID)
    web = _web(pem)
    web[REVOCATIONS_URL] = {"id": REVOCATIONS_URL, "issuer": ISSUER_URL,
                            "revokedCredentials": [{"id": CREDENTIAL_ID, "revoked": False}]}
    assert _verify(token, web).ok


# ---------------------------------------------------------------- PNG


def _walk(png: bytes) -> list[tuple[bytes, bytes]]:
    """Every chunk, asserting each CRC (the test's own reading of the PNG format)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, []
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        data = png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        at += 12 + length
    assert at == len(png)
    return chunks


def _decode_rgb(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and raw pixels of an 8-bit RGB, filter-0 PNG (what badge_png writes)."""
    chunks = _walk(png)
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
    assert len(raw) == height * (1 + width * 3)
    return width, height, raw


def _pixel(width: int, raw: bytes, x: int, y: int) -> tuple[int, int, int]:
    at = y * (1 + width * 3) + 1 + x * 3
    return tuple(raw[at:at + 3])


def test_badge_png_is_a_plain_disc_in_the_app_colour():
    png = badge_png("Care plan coordination, level 2")
    width, height, raw = _decode_rgb(png)
    assert (width, height) == (256, 256)
    assert _pixel(width, raw, 128, 128) == (0x0B, 0x6E, 0x69)
    assert _pixel(width, raw, 0, 0) == (255, 255, 255)
    assert _pixel(width, raw, 128, 128 - 100) == (255, 255, 255)  # the white ring
    kinds = [k for k, _ in _walk(png)]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert len(png) < 20_000


def test_bake_then_unbake_returns_the_token_and_the_png_still_decodes(pem):
    token = sign(_credential(), pem, KID)
    original = badge_png("Care plan coordination")
    baked = bake_png(original, token)
    assert unbake_png(baked) == token
    chunks = _walk(baked)
    kinds = [k for k, _ in chunks]
    assert kinds[-2:] == [b"iTXt", b"IEND"]
    keyword, rest = chunks[-2][1].split(b"\x00", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:2] == b"\x00\x00"  # compression flag and method: not compressed
    assert rest[2:4] == b"\x00\x00"  # no language tag, no translated keyword
    assert rest[4:].decode() == token
    assert _decode_rgb(baked)[2] == _decode_rgb(original)[2]
    pil = pytest.importorskip("PIL.Image")
    with pil.open(io.BytesIO(baked)) as image:
        image.load()
        assert image.size == (256, 256)
        assert image.text.get("openbadgecredential") == token


def test_baking_again_replaces_the_credential():
    once = bake_png(badge_png("x"), "aaa.bbb.ccc")
    twice = bake_png(once, "ddd.eee.fff")
    assert unbake_png(twice) == "ddd.eee.fff"
    assert sum(1 for k, d in _walk(twice) if k == b"iTXt" and d.startswith(b"openbadgecredential\x00")) == 1


def test_an_image_with_no_credential_unbakes_to_none():
    assert unbake_png(badge_png("x")) is None


def test_what_is_not_a_png_is_refused():
    with pytest.raises(ValueError, match="Not a PNG image"):
        bake_png(b"GIF89a" + b"\x00" * 100, "a.b.c")
    with pytest.raises(ValueError, match="Not a PNG image"):
        unbake_png(b"%PDF-1.7")


def test_a_truncated_png_is_refused():
    png = badge_png("x")
    for cut in (len(png) - 1, len(png) - 12, 40, 10):
        with pytest.raises(ValueError, match="truncated"):
            unbake_png(png[:cut])
        with pytest.raises(ValueError, match="truncated"):
            bake_png(png[:cut], "a.b.c")


def test_a_damaged_png_is_refused():
    png = bytearray(badge_png("x"))
    png[50] ^= 0xFF  # inside the image data: its CRC no longer matches
    with pytest.raises(ValueError, match="checksum"):
        unbake_png(bytes(png))


def test_a_png_over_5_mb_is_refused():
    png = badge_png("x")
    padding = struct.pack(">I4s", 6 * 1024 * 1024, b"zzZz")
    with pytest.raises(ValueError, match="too large"):
        unbake_png(png[:-12] + padding + b"\x00" * (6 * 1024 * 1024) + b"\x00" * 4 + png[-12:])
    assert badges.MAX_PNG_BYTES == 5 * 1024 * 1024


def test_a_forged_key_id_is_quoted_short_in_the_reason(pem):
    """A forger writes what the reason quotes; the page and `carecoord verify` show at most 300 characters of it."""
    _, payload = _parts(sign(_credential(), pem, KID))
    token = _sign_raw(payload, RSAKey.import_key(pem), {"alg": "RS256", "kid": "x" * 5_000})
    result = _verify(token, _web(pem))
    assert _failed_at(result) == "Signature"
    assert result.reason.startswith("The badge's key id 'xxx") and result.reason.endswith("…")
    assert len(result.reason) == badges.DETAIL_LIMIT + 1
