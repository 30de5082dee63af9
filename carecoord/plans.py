"""Learning plans: which assigned modules are done, due or overdue, in the practice's time zone (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from carecoord.clock import day, local_date
from carecoord.content.models import Library
from carecoord.learning import Progress
from carecoord.wording import count

DUE_SOON_DAYS = 14
Status = Literal["done", "done late", "overdue", "due soon", "assigned"]


__all__ = ["local_date", "item_status", "plan_statuses", "summarise"]


@dataclass(frozen=True)
class PlanItem:
    id: int
    module_id: str
    due_on: date
    whole_practice: bool
    track_id: str | None = None


@dataclass(frozen=True)
class ItemStatus:
    item: PlanItem
    title: str
    status: Status
    done: int
    total: int
    days_left: int  # negative when overdue


def item_status(item: PlanItem, library: Library, progress: Progress, now: datetime, timezone: str) -> ItemStatus:
    """Done means every lesson of the module complete; a module finished after its due day is "done late".

    Due days are whole days in the practice's time zone: an item due on the 5th is overdue from the 6th.
    """
    module = library.module(item.module_id)
    today = local_date(now, timezone)
    days_left = (item.due_on - today).days
    if module is None:
        return ItemStatus(item, item.module_id, "assigned", 0, 0, days_left)
    done, total = progress.counts(module)
    if total and done == total:
        finished = max(progress.completed[lesson.id] for lesson in module.lessons)
        late = local_date(finished, timezone) > item.due_on
        return ItemStatus(item, module.title, "done late" if late else "done", done, total, days_left)
    if days_left < 0:
        status: Status = "overdue"
    elif days_left <= DUE_SOON_DAYS:
        status = "due soon"
    else:
        status = "assigned"
    return ItemStatus(item, module.title, status, done, total, days_left)


def plan_statuses(items: list[PlanItem], library: Library, progress: Progress, now: datetime,
                  timezone: str) -> list[ItemStatus]:
    """One status per module (a module assigned twice counts once, at its earliest due day)."""
    earliest: dict[str, PlanItem] = {}
    for item in sorted(items, key=lambda i: (i.due_on, i.id)):
        earliest.setdefault(item.module_id, item)
    statuses = [item_status(i, library, progress, now, timezone) for i in earliest.values()]
    order = {"overdue": 0, "due soon": 1, "assigned": 2, "done late": 3, "done": 4}
    return sorted(statuses, key=lambda s: (order[s.status], s.item.due_on))


@dataclass(frozen=True)
class PlanSummary:
    assigned: int
    done: int
    overdue: int
    due_soon: int

    @property
    def label(self) -> str:
        if not self.assigned:
            return "nothing assigned"
        if self.overdue:
            return "behind"
        return "complete" if self.done == self.assigned else "on track"


def summarise(statuses: list[ItemStatus]) -> PlanSummary:
    return PlanSummary(
        assigned=len(statuses),
        done=sum(s.status in ("done", "done late") for s in statuses),
        overdue=sum(s.status == "overdue" for s in statuses),
        due_soon=sum(s.status == "due soon" for s in statuses),
    )


def assignment_message(added: list[str], already: list[tuple[str, date]], library: Library, due_on: date,
                       whom: str | None, shown: Callable[[str], str] = str) -> str:
    """What an assignment did, in one message: what was assigned, and what was already assigned with
    the due day it keeps. `whom` is a name, or None for the whole practice; `shown` makes a name or
    title safe where the message is drawn.
    """

    def title(module_id: str) -> str:
        module = library.module(module_id)
        return shown(module.title if module else module_id)

    to = "the whole practice" if whom is None else shown(whom)
    parts = [f"Assigned {count(len(added), 'module')} to {to}, due {day(due_on)}." if added
             else f"Nothing new was assigned to {to}."]
    if already:
        kept = "; ".join(f"{title(m)} (due {day(d)})" for m, d in already)
        parts.append(f"Already assigned, due day kept: {kept}. To move a due day, use *Change a due day* below.")
    return " ".join(parts)
