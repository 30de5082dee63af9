"""Roles from the organisation's identity provider: which mappings a sign-in's claims match (pure).

A mapping says "a person whose ID token carries `value` in claim `claim` has `role` in practice
`practice_id`", for example groups = "cc-leads-north" -> lead of North. Claims arrive as the provider
sends them: a string, a list of strings, or something else (ignored).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

CLAIMS = "CARECOORD_IDP_CLAIMS"
DEFAULT_CLAIMS = ("groups",)


@dataclass(frozen=True)
class RoleMapping:
    id: int
    claim: str
    value: str
    practice_id: int
    role: str
    creates_people: bool


def claim_names() -> tuple[str, ...]:
    """The ID-token claims mappings may use (CARECOORD_IDP_CLAIMS, comma-separated; default "groups")."""
    names = tuple(n.strip() for n in (os.environ.get(CLAIMS) or "").split(",") if n.strip())
    return names or DEFAULT_CLAIMS


def claim_values(claims: Mapping[str, object], names: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """The values of the named claims as sets of strings (a single string counts as one value)."""
    found: dict[str, frozenset[str]] = {}
    for name in names:
        value = claims.get(name)
        if isinstance(value, str):
            found[name] = frozenset([value])
        elif isinstance(value, list | tuple):
            found[name] = frozenset(v for v in value if isinstance(v, str))
    return found


def matching(mappings: list[RoleMapping], values: Mapping[str, frozenset[str]]) -> list[RoleMapping]:
    """The mappings the claims match."""
    return [m for m in mappings if m.value in values.get(m.claim, frozenset())]


def granted(mappings: list[RoleMapping], values: Mapping[str, frozenset[str]]) -> set[tuple[int, str]]:
    """(practice id, role) pairs the claims grant."""
    return {(m.practice_id, m.role) for m in matching(mappings, values)}


def may_create(mappings: list[RoleMapping], values: Mapping[str, frozenset[str]]) -> bool:
    """Whether a sign-in without an account makes one: only when a matching mapping allows it."""
    return any(m.creates_people for m in matching(mappings, values))
