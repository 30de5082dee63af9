"""The pages of the app: which roles may use each, and in which section of the navigation.

A feature adds its page file and a line here; the router builds each person's navigation from
this list on every run, so a page a role may not use is absent and unreachable by URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from carecoord.people import ADMIN, ASSESSOR, FAMILY_FACULTY, LEAD, TEAM_MEMBER, TRAINEE, Person

EVERYONE = frozenset({ADMIN, LEAD, TRAINEE, FAMILY_FACULTY, "signed_in"})


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the folder of streamlit_app.py
    title: str
    section: str
    roles: frozenset[str]
    icon: str | None = None
    hidden: bool = False  # reachable by link (with its query), not listed in the navigation

    def open_to(self, person: Person) -> bool:
        return "signed_in" in self.roles or bool(self.roles & person.roles)


def _pages(*roles: str) -> frozenset[str]:
    return frozenset(roles)


LEARNERS = _pages(TRAINEE, LEAD, FAMILY_FACULTY)

# The first page a person may use is where they land after signing in.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("carecoord/ui/app_pages/my_learning.py", "My learning", "Learn", LEARNERS, ":material/school:"),
    PageSpec("carecoord/ui/app_pages/lesson.py", "Lesson", "Learn", LEARNERS, ":material/menu_book:", hidden=True),
    PageSpec("carecoord/ui/app_pages/search.py", "Search", "Learn", LEARNERS, ":material/search:"),
    PageSpec("carecoord/ui/app_pages/cases.py", "Cases", "Learn", LEARNERS, ":material/account_tree:"),
    PageSpec("carecoord/ui/app_pages/case_player.py", "Case", "Learn", LEARNERS, ":material/account_tree:",
             hidden=True),
    PageSpec("carecoord/ui/app_pages/family_voices.py", "Family voices", "Learn", LEARNERS,
             ":material/auto_stories:"),
    PageSpec("carecoord/ui/app_pages/my_competencies.py", "My competencies", "Learn", _pages(TRAINEE, LEAD),
             ":material/star_half:"),
    PageSpec("carecoord/ui/app_pages/self_assessment.py", "Self-assessment", "Learn", _pages(TRAINEE, LEAD),
             ":material/edit_note:"),
    PageSpec("carecoord/ui/app_pages/growth.py", "Growth", "Learn", _pages(TRAINEE, LEAD), ":material/trending_up:"),
    PageSpec("carecoord/ui/app_pages/my_evidence.py", "Observations and evidence", "Learn", _pages(TRAINEE),
             ":material/visibility:"),
    PageSpec("carecoord/ui/app_pages/observe.py", "Observe a trainee", "Team", _pages(ASSESSOR),
             ":material/assignment_ind:"),
    PageSpec("carecoord/ui/app_pages/rate_trainee.py", "Rate a trainee", "Team", _pages(LEAD),
             ":material/rate_review:"),
    PageSpec("carecoord/ui/app_pages/sign_off.py", "Sign-off", "Team", _pages(LEAD), ":material/verified:"),
    PageSpec("carecoord/ui/app_pages/case_insights.py", "Case insights", "Team", _pages(LEAD),
             ":material/insights:"),
    PageSpec("carecoord/ui/app_pages/learning_plans.py", "Learning plans", "Team", _pages(LEAD),
             ":material/assignment:"),
    PageSpec("carecoord/ui/app_pages/curriculum_map.py", "Curriculum map", "Team", _pages(LEAD),
             ":material/grid_on:"),
    PageSpec("carecoord/ui/app_pages/facilitator.py", "Facilitator notes", "Team", _pages(LEAD),
             ":material/co_present:"),
    PageSpec("carecoord/ui/app_pages/team_readiness.py", "Team readiness", "Team", _pages(LEAD),
             ":material/grid_view:"),
    PageSpec("carecoord/ui/app_pages/practice_measures.py", "Practice measures", "Team", _pages(LEAD),
             ":material/monitoring:"),
    PageSpec("carecoord/ui/app_pages/surveys.py", "Surveys", "Team",
             _pages(TEAM_MEMBER, TRAINEE, LEAD, FAMILY_FACULTY), ":material/ballot:"),
    PageSpec("carecoord/ui/app_pages/home.py", "Home", "Manage", _pages(ADMIN), ":material/home:"),
    # After Home, so an administrator still lands on Home; for a lead it joins the Team section.
    PageSpec("carecoord/ui/app_pages/story_review.py", "Story review", "Team", _pages(LEAD, ADMIN),
             ":material/fact_check:"),
    PageSpec("carecoord/ui/app_pages/my_stories.py", "My stories", "Teach", _pages(FAMILY_FACULTY),
             ":material/history_edu:"),
    PageSpec("carecoord/ui/app_pages/item_analysis.py", "Checks and review", "Team", _pages(LEAD, ADMIN),
             ":material/query_stats:"),
    PageSpec("carecoord/ui/app_pages/people.py", "People", "Manage", _pages(ADMIN, LEAD), ":material/group:"),
    PageSpec("carecoord/ui/app_pages/practices.py", "Practices", "Manage", _pages(ADMIN), ":material/domain:"),
    PageSpec("carecoord/ui/app_pages/content_status.py", "Content", "Manage", _pages(ADMIN), ":material/library_books:"),
    PageSpec("carecoord/ui/app_pages/personal_data.py", "Personal data", "Manage", _pages(ADMIN),
             ":material/folder_shared:"),
    PageSpec("carecoord/ui/app_pages/audit.py", "Audit log", "Manage", _pages(ADMIN), ":material/history:"),
    PageSpec("carecoord/ui/app_pages/my_credentials.py", "My credentials", "Learn", LEARNERS,
             ":material/workspace_premium:"),
    PageSpec("carecoord/ui/app_pages/account.py", "My account", "Account", EVERYONE, ":material/person:"),
    PageSpec("carecoord/ui/app_pages/verify.py", "Verify a credential", "Account", EVERYONE,
             ":material/verified_user:"),
)
# Pages anyone may open without signing in (by their url path): the public verification page.
PUBLIC_URL_PATHS = frozenset({"verify"})


LESSON = "carecoord/ui/app_pages/lesson.py"
SELF_ASSESSMENT = "carecoord/ui/app_pages/self_assessment.py"
SURVEYS = "carecoord/ui/app_pages/surveys.py"
STORY_REVIEW = "carecoord/ui/app_pages/story_review.py"
MY_STORIES = "carecoord/ui/app_pages/my_stories.py"
TEAM_READINESS = "carecoord/ui/app_pages/team_readiness.py"
HOME = "carecoord/ui/app_pages/home.py"
# Session-state key where the router records how this run's page ended: "ok" (it returned),
# "stopped" (it ended its run with st.stop(), as a page does after drawing why it has no more to show),
# "error" (the router caught an exception and drew its message instead), or "not run" (signed out).
PAGE_OUTCOME = "_carecoord_page_outcome"
MY_LEARNING = "carecoord/ui/app_pages/my_learning.py"
MY_EVIDENCE = "carecoord/ui/app_pages/my_evidence.py"
OBSERVE = "carecoord/ui/app_pages/observe.py"
SIGN_OFF = "carecoord/ui/app_pages/sign_off.py"
# Where each role lands after signing in: where its work is. A person with several roles lands at
# the first of theirs in this order (a lead who also teaches lands on Team readiness).
LANDING = ((ADMIN, HOME), (LEAD, TEAM_READINESS), (FAMILY_FACULTY, MY_STORIES), (TRAINEE, MY_LEARNING),
           (ASSESSOR, OBSERVE), (TEAM_MEMBER, SURVEYS))


def landing_for(person: Person) -> str | None:
    return next((path for role, path in LANDING if role in person.roles), None)


def page(path: str) -> st.Page:
    """The page at `path`, to pass to st.page_link: a link to a Page object skips finding the page's
    file again, which a link to a path does every time (a list of lessons has dozens of links)."""
    return _st_page(next(spec for spec in PAGES if spec.path == path))


def may_open(path: str, person: Person | None) -> bool:
    """Whether `path` is in the person's navigation: st.page_link to a page outside it raises."""
    spec = next(spec for spec in PAGES if spec.path == path)
    return person is not None and spec.open_to(person)


def _st_page(spec: PageSpec, default: bool = False) -> st.Page:
    return st.Page(spec.path, title=spec.title, icon=spec.icon, default=default,
                   visibility="hidden" if spec.hidden else "visible")


def _open_pages(person: Person | None, pages: Iterable[PageSpec]) -> list[PageSpec]:
    specs = [p for p in pages if person is None or p.open_to(person)]
    order = list(dict.fromkeys(spec.section for spec in specs))
    return sorted(specs, key=lambda spec: order.index(spec.section))


def navigation_for(person: Person | None, pages: Iterable[PageSpec] = PAGES) -> list[st.Page]:
    """Every page the person may open (signed out: every page, so deep links survive), for
    st.navigation, which the router draws hidden: `sections_for` is what the sidebar shows."""
    specs = _open_pages(person, pages)
    if person is None:
        # The bare address is a page of its own while signed out, so signing in from it lands the person
        # where their role's work is rather than on the first page in this list; deep links keep theirs.
        return [st.Page(_signed_out, title="Sign in", url_path="sign-in", default=True),
                *(_st_page(spec) for spec in specs)]
    wanted = landing_for(person)
    landing = next((spec for spec in specs if spec.path == wanted), None) or \
        next((spec for spec in specs if not spec.hidden), None)
    if landing is None:
        return [_st_page(spec) for spec in specs]

    def go_to_landing() -> None:
        st.switch_page(_st_page(landing))

    # The bare address goes on to the landing page, which keeps its own address (a default page has
    # none: a bookmark of /my_stories would find nothing).
    start = st.Page(go_to_landing, title=landing.title, url_path="start", default=True, visibility="hidden")
    return [start, *(_st_page(spec) for spec in specs)]


def _signed_out() -> None:
    """The signed-out default page: the router draws the sign-in gate and never runs a page."""


def sections_for(person: Person, pages: Iterable[PageSpec] = PAGES) -> list[tuple[str, list[PageSpec]]]:
    """The sidebar's sections (Learn, Team, Teach, Manage, Account) with the person's pages in each.

    Drawn as a heading and links per section rather than Streamlit's sectioned navigation, which
    puts its headings directly inside a list, and screen readers and axe-core reject that
    (list/listitem, serious).
    """
    sections: dict[str, list[PageSpec]] = {}
    for spec in _open_pages(person, pages):
        if not spec.hidden:
            sections.setdefault(spec.section, []).append(spec)
    return list(sections.items())


def draw_sections(person: Person, current_title: str) -> None:
    """The sidebar's navigation: one expander per section, the current page's section open, each listing
    its pages. Only one section is open at a time, so the sidebar stays shorter than a phone's screen."""
    current = next((spec.section for spec in PAGES if spec.title == current_title and spec.open_to(person)), None)
    for section, specs in sections_for(person):
        with st.expander(section, expanded=section == current):
            for spec in specs:
                st.page_link(_st_page(spec), label=spec.title, icon=spec.icon)
