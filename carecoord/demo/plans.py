"""Demo learning plan: the orientation track for the whole practice plus a few individual assignments,
so some trainees are ahead, some on time and some overdue."""

from __future__ import annotations

from datetime import timedelta

from carecoord.clock import local_date
from carecoord.clock import iso
from carecoord.demo import DemoContext


def build(context: DemoContext) -> None:
    library = context.library
    orientation = library.track("orientation")
    if orientation is None:
        return
    today = local_date(context.now, "UTC")
    lead = context.people["demo-lead"]
    assigned_at = iso(context.now - timedelta(days=40))

    def add(module_id: str, due_days: int, person: str | None = None, track: str | None = None) -> None:
        if library.module(module_id) is None:
            return
        context.db.execute(
            """INSERT INTO plan_item (practice_id, person_id, module_id, track_id, due_on, assigned_by, assigned_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [context.practice_id, context.people[person] if person else None, module_id, track,
             (today + timedelta(days=due_days)).isoformat(), lead, assigned_at],
        )

    for module_id in orientation.modules:
        add(module_id, 21, track="orientation")  # on time for most, ahead for the longest-serving
    add("hospital-to-home-transitions", -7, "demo-trainee")  # overdue
    add("hospital-to-home-transitions", -3, "demo-grace")  # overdue
    add("school-and-adult-transitions", 10, "demo-elena")  # due soon
    add("information-sharing", 45, "demo-farid")
