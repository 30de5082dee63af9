"""The order in which a person sees a question's choices: shuffled, and the same on every visit.

Shown in file order, position gave the answer away (the right choice was first in 43 of 69 checks
and never fourth). Each person and item get their own order, drawn from a generator seeded by the
two ids, so a revisit shows what the person saw before and no order is stored. A choice marked
`fixed_order` keeps its place in the file ("none of the above" stays last); the others are shuffled
into the remaining places.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Protocol, TypeVar


class Orderable(Protocol):
    @property
    def fixed_order(self) -> bool: ...


T = TypeVar("T", bound=Orderable)


def shown_order(person_id: int, item_id: str, choices: Sequence[T]) -> list[T]:
    """`choices` as this person sees them for this item."""
    seed = hashlib.sha256(f"{person_id}\x00{item_id}".encode()).digest()
    movable = [c for c in choices if not c.fixed_order]
    random.Random(seed).shuffle(movable)
    moving = iter(movable)
    return [c if c.fixed_order else next(moving) for c in choices]
