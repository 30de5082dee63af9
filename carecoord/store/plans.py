"""Learning plans: assigning modules (or a track) to a trainee or a whole practice, with due days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime


from carecoord import permissions, plans
from carecoord.clock import iso, local_date
from carecoord.content.models import Library
from carecoord.db import Database, placeholders, write
from carecoord.errors import FieldError
from carecoord.people import LEAD, TRAINEE, Person
from carecoord.permissions import require
from carecoord.store.accounts import record


class PlanError(FieldError):
    """Refused plan requests; see `carecoord.errors.FieldError`."""


@dataclass(frozen=True)
class Assigned:
    """What an assignment did: the modules newly assigned, and those already assigned to the same
    people, whose due day was kept (module id, its due day); `change_due` changes one on purpose."""

    added: list[str]
    already: list[tuple[str, date]]


def assign(db: Database, actor: Person, practice_id: int, module_ids: list[str], due_on: date, now: datetime, *,
           library: Library, person_id: int | None = None, track_id: str | None = None) -> Assigned:
    """Assign modules to one trainee (person_id) or the whole practice (None); audited.

    A module the same people already have (for one trainee, also through a whole-practice
    assignment) is not assigned again: a second, later due day would change nothing they see.
    """
    require(actor.has_role(LEAD, practice_id) and not actor.disabled,
            "Only a lead of this practice can assign learning.")
    if not module_ids:
        raise PlanError("Choose at least one module or a track.", "modules")
    unknown = [m for m in module_ids if library.module(m) is None]
    if unknown:
        raise PlanError(f"Unknown module(s): {', '.join(unknown)}.", "modules")
    if track_id is not None and library.track(track_id) is None:
        raise PlanError("Choose a track from the list.", "track")
    timezone = _timezone(db, practice_id)
    if due_on < local_date(now, timezone):
        raise PlanError("The due day cannot be in the past.", "due_on")
    if person_id is not None:
        member = db.execute("SELECT 1 FROM membership WHERE person_id = ? AND practice_id = ? AND role = ? AND active <> 0",
                            [person_id, practice_id, TRAINEE]).fetchone()
        if member is None:
            raise PlanError("That person is not a trainee of this practice.", "person")
    module_ids = list(dict.fromkeys(module_ids))
    with write(db):
        covering = "person_id IS NULL" if person_id is None else "(person_id IS NULL OR person_id = ?)"
        rows = db.execute(
            f"""SELECT module_id, min(due_on) FROM plan_item
                WHERE practice_id = ? AND removed_at IS NULL AND {covering} AND module_id IN ({placeholders(module_ids)})
                GROUP BY module_id""",
            [practice_id, *([] if person_id is None else [person_id]), *module_ids]).fetchall()
        existing = {module_id: date.fromisoformat(due) for module_id, due in rows}
        added = [m for m in module_ids if m not in existing]
        for module_id in added:
            db.execute(
                """INSERT INTO plan_item (practice_id, person_id, module_id, track_id, due_on, assigned_by, assigned_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [practice_id, person_id, module_id, track_id, due_on.isoformat(), actor.id, iso(now)],
            )
        if added:
            record(db, actor, "plan.assign", f"practice:{practice_id}", now, person_id=person_id, modules=added,
                   track=track_id, due_on=due_on.isoformat())
    return Assigned(added=added, already=[(m, existing[m]) for m in module_ids if m in existing])


def change_due(db: Database, actor: Person, item_id: int, due_on: date, now: datetime) -> None:
    """Move one assignment's due day, on purpose; audited."""
    row = next(db.query("SELECT practice_id, person_id, module_id, due_on FROM plan_item "
                        "WHERE id = ? AND removed_at IS NULL", [item_id]), None)
    if row is None:
        raise PlanError("That plan item no longer exists.")
    require(actor.has_role(LEAD, row["practice_id"]) and not actor.disabled,
            "Only a lead of this practice can change its plan.")
    if not isinstance(due_on, date):
        raise PlanError("Choose the new due day.", "due_on")
    if due_on < local_date(now, _timezone(db, row["practice_id"])):
        raise PlanError("The due day cannot be in the past.", "due_on")
    with write(db):
        db.execute("UPDATE plan_item SET due_on = ? WHERE id = ?", [due_on.isoformat(), item_id])
        record(db, actor, "plan.due_change", f"practice:{row['practice_id']}", now, item=item_id,
               person_id=row["person_id"], module=row["module_id"], due_from=row["due_on"], due_to=due_on.isoformat())


@dataclass(frozen=True)
class PastItem:
    """A plan item assigned earlier (the demo's history, a previous system), for `import_items`."""

    module_id: str
    due_on: date
    assigned_by: int | None  # the lead who assigned it
    assigned_at: datetime
    person_id: int | None = None  # None: the whole practice
    track_id: str | None = None


def import_items(db: Database, actor: Person, practice_id: int, items: Sequence[PastItem], *,
                 library: Library) -> list[int]:
    """Record plan items assigned earlier, as of their own times (a due day may since have passed).

    Checked as `assign` checks them (known modules and track, a trainee of this practice); not
    audited, like the other imports. Administrators only. Returns the new ids, in order.
    """
    require(permissions.may_administer_accounts(actor), "Only an administrator imports learning plans.")
    for item in items:
        if library.module(item.module_id) is None:
            raise PlanError(f"Unknown module(s): {item.module_id}.", "modules")
        if item.track_id is not None and library.track(item.track_id) is None:
            raise PlanError("Choose a track from the list.", "track")
        if item.person_id is not None and db.execute(
                "SELECT 1 FROM membership WHERE person_id = ? AND practice_id = ? AND role = ? AND active <> 0",
                [item.person_id, practice_id, TRAINEE]).fetchone() is None:
            raise PlanError("That person is not a trainee of this practice.", "person")
    with write(db):
        return [db.execute(
            """INSERT INTO plan_item (practice_id, person_id, module_id, track_id, due_on, assigned_by, assigned_at)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [practice_id, item.person_id, item.module_id, item.track_id, item.due_on.isoformat(), item.assigned_by,
             iso(item.assigned_at)],
        ).fetchone()[0] for item in items]


def remove(db: Database, actor: Person, item_id: int, now: datetime) -> None:
    row = next(db.query("SELECT practice_id, person_id, module_id FROM plan_item WHERE id = ? AND removed_at IS NULL",
                        [item_id]), None)
    if row is None:
        raise PlanError("That plan item no longer exists.")
    require(actor.has_role(LEAD, row["practice_id"]), "Only a lead of this practice can change its plan.")
    with write(db):
        db.execute("UPDATE plan_item SET removed_at = ? WHERE id = ?", [iso(now), item_id])
        record(db, actor, "plan.remove", f"practice:{row['practice_id']}", now, item=item_id,
               person_id=row["person_id"], module=row["module_id"])


def _timezone(db: Database, practice_id: int) -> str:
    row = db.execute("SELECT timezone FROM practice WHERE id = ?", [practice_id]).fetchone()
    return row[0] if row else "UTC"


def _items(rows) -> list[plans.PlanItem]:
    return [plans.PlanItem(id=r["id"], module_id=r["module_id"], due_on=date.fromisoformat(r["due_on"]),
                           whole_practice=r["person_id"] is None, track_id=r["track_id"]) for r in rows]


@dataclass(frozen=True)
class PersonPlan:
    practice_id: int
    practice_name: str
    timezone: str
    items: list[plans.PlanItem]


def plans_for(db: Database, actor: Person, subject: Person) -> list[PersonPlan]:
    """The plan items that apply to a person, per practice they are a trainee in."""
    require(permissions.may_view_person(actor, subject), "You may not see that person's learning plan.")
    found = []
    for practice_id in sorted(subject.practice_ids(TRAINEE)):
        rows = db.query("""SELECT id, module_id, track_id, due_on, person_id FROM plan_item
                           WHERE practice_id = ? AND removed_at IS NULL AND (person_id IS NULL OR person_id = ?)
                           ORDER BY due_on, id""", [practice_id, subject.id])
        practice = db.execute("SELECT name, timezone FROM practice WHERE id = ?", [practice_id]).fetchone()
        found.append(PersonPlan(practice_id, practice[0], practice[1], _items(rows)))
    return [p for p in found if p.items]


@dataclass(frozen=True)
class AssignedRow:
    id: int
    module_id: str
    track_id: str | None
    due_on: date
    person: str  # a name, or "Whole practice"


def practice_plan(db: Database, actor: Person, practice_id: int) -> list[AssignedRow]:
    require(actor.has_role(LEAD, practice_id), "Only a lead of this practice sees its learning plan.")
    rows = db.query("""SELECT plan_item.id, module_id, track_id, due_on,
                              coalesce(person.display_name, 'Whole practice') AS person
                       FROM plan_item LEFT JOIN person ON person.id = plan_item.person_id
                       WHERE practice_id = ? AND removed_at IS NULL ORDER BY due_on, person, module_id""",
                    [practice_id])
    return [AssignedRow(id=r["id"], module_id=r["module_id"], track_id=r["track_id"],
                        due_on=date.fromisoformat(r["due_on"]), person=r["person"]) for r in rows]
