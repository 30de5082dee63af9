"""The pages of the app: which roles may use each, and in which section of the navigation.

A feature adds its page file and a line here; the router builds each person's navigation from
this list on every run, so a page a role may not use is absent and unreachable by URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from carecoord.people import ADMIN, FAMILY_FACULTY, LEAD, TRAINEE, Person

EVERYONE = frozenset({ADMIN, LEAD, TRAINEE, FAMILY_FACULTY, "signed_in"})


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the folder of streamlit_app.py
    title: str
    section: str
    roles: frozenset[str]
    icon: str | None = None

    def open_to(self, person: Person) -> bool:
        return "signed_in" in self.roles or bool(self.roles & person.roles)


def _pages(*roles: str) -> frozenset[str]:
    return frozenset(roles)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("carecoord/ui/app_pages/home.py", "Home", "", EVERYONE, ":material/home:"),
    PageSpec("carecoord/ui/app_pages/people.py", "People", "Manage", _pages(ADMIN, LEAD), ":material/group:"),
    PageSpec("carecoord/ui/app_pages/practices.py", "Practices", "Manage", _pages(ADMIN), ":material/domain:"),
    PageSpec("carecoord/ui/app_pages/audit.py", "Audit log", "Manage", _pages(ADMIN), ":material/history:"),
    PageSpec("carecoord/ui/app_pages/account.py", "My account", "Account", EVERYONE, ":material/person:"),
)


def _st_page(spec: PageSpec, default: bool = False) -> st.Page:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, default=default)


def navigation_for(person: Person | None, pages: Iterable[PageSpec] = PAGES) -> dict[str, list[st.Page]]:
    """The person's navigation, by section; signed out, every page (drawn hidden) so deep links survive."""
    specs = [p for p in pages if person is None or p.open_to(person)]
    sections: dict[str, list[st.Page]] = {}
    for index, spec in enumerate(specs):
        sections.setdefault(spec.section, []).append(_st_page(spec, default=index == 0))
    return sections
