"""The public JSON a verifier reads, at stable addresses under the installation's public base URL (no I/O
beyond the store: `carecoord.public_server` serves it over HTTP, and the app's verification page reads it
here without a network round trip).

    /public/issuer.json                                   the issuer profile
    /public/jwks.json, /public/keys/key-1.json            the public signing key (as a set, and alone)
    /public/revocations.json                              the 1EdTechRevocationList
    /public/achievements/module/{module id}               what a module credential certifies
    /public/achievements/competency/{code}/level/{n}      what a competency-level credential certifies
    /public/competencies/{code}                           a competency of the framework (alignment target)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from carecoord import badges, credentials, public
from carecoord.content.models import Library
from carecoord.db import Database
from carecoord.store import credentials as held


_MODULE = re.compile(r"^/public/achievements/module/([a-z0-9-]{1,100})$")
_LEVEL = re.compile(r"^/public/achievements/competency/([A-Z]{2}[0-9]{1,2})/level/([1-5])$")
_COMPETENCY = re.compile(r"^/public/competencies/([A-Z]{2}[0-9]{1,2})$")


def document(path: str, db: Database, library: Library) -> dict | None:
    """The JSON at this path (of a URL under the base), or None when there is none."""
    addresses = public.addresses()
    framework = library.framework
    if addresses is None or framework is None:
        return None
    path = unquote(path)
    if path == "/public/issuer.json":
        return badges.issuer_profile(credentials.issuer(addresses, public.issuer_name()))
    if path in ("/public/jwks.json", f"/public/keys/{public.KEY_ID}.json"):
        try:
            key = public.load_signing_key()
        except public.ConfigurationError:
            return None
        if path.endswith("jwks.json"):
            return badges.public_jwks(key, addresses.key_id)
        return badges.public_jwk(key, addresses.key_id)
    if path == "/public/revocations.json":
        return badges.revocation_list(addresses.revocations, addresses.issuer, held.revoked(db))
    if match := _MODULE.fullmatch(path):
        achievement = credentials.achievement_for(credentials.MODULE, match[1], addresses, framework, library)
    elif match := _LEVEL.fullmatch(path):
        achievement = credentials.achievement_for(credentials.LEVEL, f"{match[1]}/{match[2]}", addresses, framework)
    elif match := _COMPETENCY.fullmatch(path):
        competency = framework.competency(match[1])
        if competency is None:
            return None
        return {"id": addresses.competency(competency.code), "code": competency.code, "name": competency.name,
                "description": competency.description, "framework": framework.title,
                "frameworkVersion": framework.version,
                "levels": {str(level): text for level, text in sorted(competency.anchors.items())}}
    else:
        return None
    return badges.achievement_document(achievement) if achievement else None


def local_fetch(db: Database, library: Library) -> Callable[[str], dict]:
    """A `fetch_json` for `badges.verify` that answers this installation's own addresses from here."""
    def fetch(url: str) -> dict:
        base = public.base_url()
        if base is None or not url.startswith(base + "/"):
            raise LookupError(f"{url} is not an address of this installation")
        found = document(urlsplit(url).path, db, library)
        if found is None:
            raise LookupError(f"nothing is published at {url}")
        return found
    return fetch
