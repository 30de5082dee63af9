"""Demo learning plan: the orientation track for the whole practice plus a few individual assignments,
so some trainees are ahead, some on time and some overdue (through `store.plans.import_items`)."""

from __future__ import annotations

from datetime import timedelta

from carecoord.clock import local_date
from carecoord.demo import DemoContext
from carecoord.store import accounts, plans


def build(context: DemoContext) -> None:
    library = context.library
    orientation = library.track("orientation")
    if orientation is None:
        return
    today = local_date(context.now, "UTC")
    lead = context.people["demo-lead"]
    assigned_at = context.now - timedelta(days=40)
    items: list[plans.PastItem] = []

    def add(module_id: str, due_days: int, person: str | None = None, track: str | None = None) -> None:
        if library.module(module_id) is None:
            return
        items.append(plans.PastItem(module_id, today + timedelta(days=due_days), lead, assigned_at,
                                    person_id=context.people[person] if person else None, track_id=track))

    for module_id in orientation.modules:
        add(module_id, 21, track="orientation")  # on time for most, ahead for the longest-serving
    add("hospital-to-home-transitions", -7, "demo-trainee")  # overdue
    add("hospital-to-home-transitions", -3, "demo-grace")  # overdue
    add("school-and-adult-transitions", 10, "demo-elena")  # due soon
    add("information-sharing", 45, "demo-farid")
    plans.import_items(context.db, accounts.SYSTEM, context.practice_id, items, library=library)
