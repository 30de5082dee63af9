"""The demo practice: a lead, nine trainees, a family faculty member, survey-only team members
in several disciplines and a demo administrator.

History is built relative to the day the demo is loaded, so it always looks current. Each
feature adds its own demo data through a builder appended to BUILDERS. Builders write only through
store functions (backdated history through the store's import paths, as the system account); no
SQL lives here. Whether the demo is loaded is `store.accounts.demo_loaded`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from carecoord.db import Database

from carecoord import auth
from carecoord.content import Library, load_library
from carecoord.db import write
from carecoord.people import FAMILY_FACULTY, LEAD, TEAM_MEMBER, TRAINEE
from carecoord.store import accounts

DEMO_PASSWORD = "demo-password"
PRACTICE_NAME = "Riverside Children's Practice (demo)"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    role: str | None  # None: the demo administrator
    discipline: str
    months_in_post: int


PEOPLE = (
    DemoPerson("demo-admin", "Dana Okafor", None, "administrator", 24),
    DemoPerson("demo-lead", "Priya Raman", LEAD, "nurse", 60),
    DemoPerson("demo-faculty", "Marisol Vega", FAMILY_FACULTY, "family partner", 18),
    DemoPerson("demo-trainee", "Sam Whitfield", TRAINEE, "care coordinator", 13),
    DemoPerson("demo-amara", "Amara Nwosu", TRAINEE, "care coordinator", 13),
    DemoPerson("demo-ben", "Ben Castillo", TRAINEE, "care coordinator", 13),
    DemoPerson("demo-chloe", "Chloe Lindqvist", TRAINEE, "nurse", 13),
    DemoPerson("demo-dev", "Dev Patel", TRAINEE, "social worker", 13),
    DemoPerson("demo-elena", "Elena Moreau", TRAINEE, "care coordinator", 10),
    DemoPerson("demo-farid", "Farid Haddad", TRAINEE, "care coordinator", 7),
    DemoPerson("demo-grace", "Grace Kim", TRAINEE, "family partner", 4),
    DemoPerson("demo-hugo", "Hugo Brennan", TRAINEE, "care coordinator", 0),
    # Colleagues the lead invited only to answer practice surveys (team members).
    DemoPerson("demo-nurse", "Rosa Delgado", TEAM_MEMBER, "nurse", 48),
    DemoPerson("demo-pcp", "Dr Tom Asante", TEAM_MEMBER, "primary care clinician", 72),
    DemoPerson("demo-pcp2", "Dr Leah Fischer", TEAM_MEMBER, "primary care clinician", 30),
    DemoPerson("demo-pcp3", "Dr Omar Said", TEAM_MEMBER, "primary care clinician", 20),
    DemoPerson("demo-specialist", "Dr Ines Walsh", TEAM_MEMBER, "specialist", 40),
    DemoPerson("demo-social", "Kwame Mensah", TEAM_MEMBER, "social worker", 36),
    DemoPerson("demo-therapist", "Nina Petrova", TEAM_MEMBER, "therapist", 26),
    DemoPerson("demo-school", "Jo Whitaker", TEAM_MEMBER, "school or early-intervention liaison", 30),
    DemoPerson("demo-partner", "Aisha Bello", TEAM_MEMBER, "family partner", 24),
)


@dataclass(frozen=True)
class DemoContext:
    db: Database
    now: datetime
    library: Library
    practice_id: int
    people: dict[str, int]  # username -> person id

    def trainees(self) -> list[DemoPerson]:
        return [p for p in PEOPLE if p.role == TRAINEE]


Builder = Callable[[DemoContext], None]


def _months_before(day: date, months: int) -> date:
    return day - timedelta(days=round(months * 30.44))


def load(db: Database, now: datetime, library: Library | None = None) -> DemoContext:
    """Create the demo practice and run every feature's demo builder, in one transaction."""
    library = library if library is not None else load_library()
    password_hash = auth.hash_password(DEMO_PASSWORD)  # one hash: every demo account shares it
    with write(db):
        practice_id = accounts.create_practice(db, accounts.SYSTEM, PRACTICE_NAME, now,
                                               setting="primary care", is_demo=True)
        people: dict[str, int] = {}
        for p in PEOPLE:
            people[p.username] = accounts.create_person(
                db, accounts.SYSTEM, username=p.username, display_name=p.display_name, password="",
                password_hash=password_hash, now=now, is_admin=p.role is None, is_demo=True,
                started_on=_months_before(now.date(), p.months_in_post),
            )
            if p.role is not None:
                accounts.add_membership(db, accounts.SYSTEM, people[p.username], practice_id, p.role, now,
                                        discipline=p.discipline)
        context = DemoContext(db=db, now=now, library=library, practice_id=practice_id, people=people)
        for build in builders():
            build(context)
        accounts.record(db, accounts.SYSTEM, "demo.load", "demo", now, accounts=len(people))
    return context


def builders() -> list[Builder]:
    """Each feature's demo builder, in the order they run (later ones may use earlier data)."""
    from carecoord.demo import assessments, cases, learning, measures
    from carecoord.demo import credentials, earlier_cohorts, observations, stories, plans

    return [learning.build, earlier_cohorts.build, assessments.build, observations.build, cases.build,
            measures.build, stories.build, plans.build, credentials.build]
