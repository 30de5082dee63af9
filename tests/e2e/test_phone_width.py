"""Coordinators read lessons and cases on phones: every learner page works at 390 px wide, with nothing
running off the right edge (screenshots with SCREENSHOTS=1)."""

from __future__ import annotations

import pytest

from carecoord.content import load_library
from tests.e2e.conftest import shoot, sign_in, wait_for_app

LIBRARY = load_library()
PHONE = {"width": 390, "height": 844}
LEARNER_PAGES = {
    "my_learning": "",
    "lesson": f"?lesson={LIBRARY.module('partnering-with-families').lessons[0].id}",
    "search": "?q=teach-back",
    "cases": "",
    "case_player": "?case=epilepsy-infant-to-adult",
    "family_voices": "",
    "my_competencies": "",
    "self_assessment": "",
    "growth": "",
    "surveys": "",
    "account": "",
}

# Elements wider than the screen: the page's own width, and anything inside the main area that sticks out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid=stMain]');
  const wide = [...main.querySelectorAll('*')].filter(e => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1 && getComputedStyle(e).position !== 'fixed'
             && !e.closest('[data-testid=stDataFrame], [data-testid=stCodeBlock], [data-testid=stTable]');
  }).map(e => (e.getAttribute('data-testid') || e.tagName) + ':' + Math.round(e.getBoundingClientRect().right));
  return {page: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


@pytest.mark.parametrize("username", ["demo-trainee", "demo-hugo"])
def test_every_learner_page_fits_a_phone(server, phone, username):
    sign_in(phone, server.url, username)
    problems = []
    for name, query in LEARNER_PAGES.items():
        phone.goto(f"{server.url}/{name}{query}")
        wait_for_app(phone)
        phone.wait_for_timeout(500)  # charts and tables size themselves after the run
        found = phone.evaluate(OVERFLOW)
        if found["page"] > found["width"] + 1 or found["wide"]:
            problems.append(f"{name}: page {found['page']} px wide on a {found['width']} px screen; {found['wide']}")
        shoot(phone, f"phone-{username}-{name}")
    assert not problems, "\n".join(problems)


def test_a_lead_lands_on_team_readiness_on_a_phone_with_nothing_out_of_reach(server, phone):
    """Signing in runs the accessibility check on the landing page at 390 px (wait_for_app): the gaps table
    has a three-column form there, where five columns made a region that scrolled sideways."""
    sign_in(phone, server.url, "demo-lead")
    phone.locator(".st-key-narrow-gaps [data-testid=stTable]").wait_for()
    assert phone.locator(".st-key-wide-gaps").is_hidden()
    assert list(phone.locator(".st-key-narrow-gaps th").all_inner_texts()) == [
        "Competency domain", "Reading", "Team · systems"]


# A lead's pages whose grids have a phone form (ui/tables.wide_and_narrow): the page and the key of a table.
LEAD_PHONE_FORMS = {"people": "members", "learning_plans": "plans", "curriculum_map": "coverage",
                    "practice_measures": "capability-results", "rate_trainee": "side-by-side"}


def test_a_leads_tables_show_their_phone_form_at_390_px_and_fit(server, phone):
    sign_in(phone, server.url, "demo-lead")
    problems = []
    for name, key in LEAD_PHONE_FORMS.items():
        phone.goto(f"{server.url}/{name}")
        wait_for_app(phone)
        narrow = phone.locator(f".st-key-narrow-{key} [data-testid=stTable]")
        narrow.wait_for()
        if not phone.locator(f".st-key-wide-{key}").is_hidden():
            problems.append(f"{name}: the laptop grid {key} is shown on a phone")
        found = phone.evaluate(OVERFLOW)
        if found["page"] > found["width"] + 1 or found["wide"]:
            problems.append(f"{name}: page {found['page']} px wide on a {found['width']} px screen; {found['wide']}")
        shoot(phone, f"phone-lead-{name}")
    assert not problems, "\n".join(problems)
