"""Learning plans (due, overdue, completion, time zones)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from carecoord import clock, plans
from carecoord.content import load_library
from carecoord.learning import Progress
from carecoord.people import LEAD, TRAINEE
from carecoord.permissions import PermissionDenied
from carecoord.store import accounts as A, plans as S
from tests.content_fixtures import make_content_root

REAL = load_library()


@pytest.fixture
def library(tmp_path):
    return load_library(make_content_root(tmp_path))


def item(due_on, module="test-module", item_id=1):
    return plans.PlanItem(id=item_id, module_id=module, due_on=due_on, whole_practice=True)


def test_local_date_follows_the_practice_time_zone():
    moment = datetime(2026, 3, 6, 3, 30, tzinfo=UTC)  # 3:30 UTC on the 6th
    assert plans.local_date(moment, "UTC") == date(2026, 3, 6)
    assert plans.local_date(moment, "America/Chicago") == date(2026, 3, 5)  # still the evening of the 5th
    assert plans.local_date(moment, "Not/AZone") == date(2026, 3, 6)  # unknown zones fall back to UTC


def test_overdue_starts_the_day_after_the_due_day_in_the_practice_zone(library):
    due = date(2026, 3, 5)
    late_evening_chicago = datetime(2026, 3, 6, 3, 30, tzinfo=UTC)
    assert plans.item_status(item(due), library, Progress(), late_evening_chicago, "America/Chicago").status == "due soon"
    assert plans.item_status(item(due), library, Progress(), late_evening_chicago, "UTC").status == "overdue"


def test_statuses_worked_example(library, now):
    lessons = library.lessons
    today = now.date()
    assert plans.item_status(item(today + timedelta(days=30)), library, Progress(), now, "UTC").status == "assigned"
    assert plans.item_status(item(today + timedelta(days=14)), library, Progress(), now, "UTC").status == "due soon"
    half = Progress(completed={lessons[0].id: now})
    status = plans.item_status(item(today - timedelta(days=1)), library, half, now, "UTC")
    assert (status.status, status.done, status.total, status.days_left) == ("overdue", 1, 2, -1)
    on_time = Progress(completed={lesson.id: now - timedelta(days=3) for lesson in lessons})
    assert plans.item_status(item(today - timedelta(days=1)), library, on_time, now, "UTC").status == "done"
    late = Progress(completed={lesson.id: now for lesson in lessons})
    assert plans.item_status(item(today - timedelta(days=1)), library, late, now, "UTC").status == "done late"


def test_completion_against_plan_counts_each_module_once(library, now):
    today = now.date()
    items = [item(today + timedelta(days=20), item_id=1), item(today - timedelta(days=2), item_id=2)]
    statuses = plans.plan_statuses(items, library, Progress(), now, "UTC")
    assert len(statuses) == 1 and statuses[0].status == "overdue"  # the earliest due day wins
    summary = plans.summarise(statuses)
    assert (summary.assigned, summary.done, summary.overdue, summary.label) == (1, 0, 1, "behind")
    assert plans.summarise([]).label == "nothing assigned"


@pytest.fixture
def practice(db, now):
    practice_id = A.create_practice(db, A.SYSTEM, "Maple", now, timezone="America/Chicago")
    people = {}
    for name, role in (("lee", LEAD), ("tia", TRAINEE), ("tom", TRAINEE)):
        pid = A.create_person(db, A.SYSTEM, username=name, display_name=name.title(), password="long enough pw", now=now)
        A.add_membership(db, A.SYSTEM, pid, practice_id, role, now)
        people[name] = A.load_person(db, pid)
    return practice_id, people


def test_lead_assigns_to_one_trainee_and_to_everyone(db, now, practice):
    practice_id, people = practice
    module = REAL.modules[0].id
    due = now.date() + timedelta(days=10)
    S.assign(db, people["lee"], practice_id, [module], due, now, library=REAL, person_id=people["tia"].id)
    S.assign(db, people["lee"], practice_id, list(REAL.track("orientation").modules), due, now, library=REAL,
             track_id="orientation")
    tia = S.plans_for(db, people["tia"], people["tia"])[0]
    tom = S.plans_for(db, people["tom"], people["tom"])[0]
    assert len(tia.items) == 1 + len(REAL.track("orientation").modules)
    assert len(tom.items) == len(REAL.track("orientation").modules) and tia.timezone == "America/Chicago"
    audit = [e.action for e in A.audit_log(db, A.SYSTEM)]
    assert audit.count("plan.assign") == 2


def test_assigning_is_refused_clearly(db, now, practice):
    practice_id, people = practice
    with pytest.raises(PermissionDenied):
        S.assign(db, people["tia"], practice_id, [REAL.modules[0].id], now.date(), now, library=REAL)
    with pytest.raises(S.PlanError, match="past") as error:
        S.assign(db, people["lee"], practice_id, [REAL.modules[0].id], now.date() - timedelta(days=2), now, library=REAL)
    assert error.value.field == "due_on"
    with pytest.raises(S.PlanError, match="Unknown module"):
        S.assign(db, people["lee"], practice_id, ["no-such-module"], now.date(), now, library=REAL)
    with pytest.raises(S.PlanError, match="not a trainee"):
        S.assign(db, people["lee"], practice_id, [REAL.modules[0].id], now.date(), now, library=REAL,
                 person_id=people["lee"].id)
    with pytest.raises(S.PlanError, match="Choose a track") as error:  # nothing but the library's tracks is stored
        S.assign(db, people["lee"], practice_id, [REAL.modules[0].id], now.date(), now, library=REAL,
                 track_id="x" * 5_000_000)
    assert error.value.field == "track"
    assert db.execute("SELECT count(*) FROM plan_item").fetchone()[0] == 0


def test_removing_an_item_is_audited_and_hides_it(db, now, practice):
    practice_id, people = practice
    S.assign(db, people["lee"], practice_id, [REAL.modules[0].id], now.date(), now, library=REAL)
    [row] = S.practice_plan(db, people["lee"], practice_id)
    S.remove(db, people["lee"], row.id, now)
    assert S.practice_plan(db, people["lee"], practice_id) == []
    assert "plan.remove" in [e.action for e in A.audit_log(db, A.SYSTEM)]


def test_a_module_already_assigned_is_reported_with_the_due_day_it_keeps(db, now, practice):
    practice_id, people = practice
    module, other = REAL.modules[0].id, REAL.modules[1].id
    first_due, later = now.date() + timedelta(days=10), now.date() + timedelta(days=40)
    whole = S.assign(db, people["lee"], practice_id, [module], first_due, now, library=REAL)
    assert whole == S.Assigned(added=[module], already=[])
    # Tia has it through the whole-practice assignment: a later due day for her alone would change nothing.
    again = S.assign(db, people["lee"], practice_id, [module, other], later, now, library=REAL,
                     person_id=people["tia"].id)
    assert again == S.Assigned(added=[other], already=[(module, first_due)])
    assert plans.assignment_message(again.added, again.already, REAL, later, "Tia") == (
        f"Assigned 1 module to Tia, due {clock.day(later)}. Already assigned, due day kept: "
        f"{REAL.modules[0].title} (due {clock.day(first_due)}). To move a due day, use *Change a due day* below.")
    nothing = S.assign(db, people["lee"], practice_id, [module], later, now, library=REAL)
    assert nothing.added == [] and plans.assignment_message(nothing.added, nothing.already, REAL, later, None).startswith(
        "Nothing new was assigned to the whole practice.")
    assert [e.action for e in A.audit_log(db, A.SYSTEM)].count("plan.assign") == 2  # nothing new: nothing audited


def test_a_lead_moves_a_due_day_on_purpose(db, now, practice):
    practice_id, people = practice
    S.assign(db, people["lee"], practice_id, [REAL.modules[0].id], now.date() + timedelta(days=5), now, library=REAL)
    [row] = S.practice_plan(db, people["lee"], practice_id)
    moved = now.date() + timedelta(days=20)
    S.change_due(db, people["lee"], row.id, moved, now)
    assert S.practice_plan(db, people["lee"], practice_id)[0].due_on == moved
    assert "plan.due_change" in [e.action for e in A.audit_log(db, A.SYSTEM)]
    with pytest.raises(S.PlanError, match="past") as error:
        S.change_due(db, people["lee"], row.id, now.date() - timedelta(days=3), now)
    assert error.value.field == "due_on"
    with pytest.raises(PermissionDenied):
        S.change_due(db, people["tia"], row.id, moved, now)
    with pytest.raises(S.PlanError, match="no longer exists"):
        S.change_due(db, people["lee"], 10**9, moved, now)
