"""Sending what waits in the xAPI outbox to the learning record store (`carecoord xapi send`).

Statements go in batches, oldest first. While the LRS is down (no connection, a timeout, a 5xx) the
batch waits and is tried again later, each time after a longer pause (`records.backoff`); a statement
the LRS refuses (a 4xx) is tried on its own so that one bad statement does not hold back the rest.
Statement ids are fixed when a statement is queued, so sending one twice is harmless: the LRS keeps it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from carecoord import lrs
from carecoord.db import Database
from carecoord.store import records

BATCH = 50


@dataclass
class Sent:
    sent: int = 0
    refused: int = 0
    unavailable: str = ""  # why the LRS could not be reached, when it could not


def send_due(db: Database, settings: lrs.LrsSettings, clock: Callable[[], datetime], batch: int = BATCH) -> Sent:
    """Send every statement that is due now; stops at the first sign that the LRS is down."""
    outcome = Sent()
    tried: set[int] = set()
    while True:
        now = clock()
        waiting = [w for w in records.due(db, now, batch) if w.id not in tried]
        if not waiting:
            return outcome
        tried |= {w.id for w in waiting}
        try:
            lrs.post_statements(settings, [w.statement for w in waiting])
        except lrs.LrsUnavailable as error:
            records.mark_failed(db, [w.id for w in waiting], f"the LRS could not be reached: {error}", now)
            outcome.unavailable = str(error)
            return outcome
        except (lrs.LrsRefused, ValueError):  # ValueError: a stored statement the client will not send
            if not _one_by_one(db, settings, waiting, now, outcome):
                return outcome
            continue
        records.mark_sent(db, [w.id for w in waiting], now)
        outcome.sent += len(waiting)


def _one_by_one(db: Database, settings: lrs.LrsSettings, waiting: list[records.Waiting], now: datetime,
                outcome: Sent) -> bool:
    """Find the statements the LRS refuses; False when it went down meanwhile."""
    for item in waiting:
        try:
            lrs.post_statements(settings, [item.statement])
        except lrs.LrsUnavailable as error:
            records.mark_failed(db, [item.id], f"the LRS could not be reached: {error}", now)
            outcome.unavailable = str(error)
            return False
        except (lrs.LrsRefused, ValueError) as error:
            records.mark_failed(db, [item.id], f"the LRS refused it: {error}", now)
            outcome.refused += 1
        else:
            records.mark_sent(db, [item.id], now)
            outcome.sent += 1
    return True
