"""Every page each role may open (in its navigation, or reached by a link with its query) shows no error
box and passes axe-core (via wait_for_app), and signing in works by keyboard."""

import os
import re
from pathlib import Path

import pytest
from urllib.parse import urljoin, urlsplit
from playwright.sync_api import expect

from carecoord import db as database
from carecoord.content import load_library
from carecoord.store import accounts
from carecoord.ui import registry
from tests.e2e.conftest import check_accessibility, shoot, sign_in, wait_for_app, wait_for_cookie

ROLES = ["demo-admin", "demo-lead", "demo-trainee", "demo-faculty", "demo-nurse"]

# Hidden pages are reached by a link that carries their query (a module and a case with demo stories).
QUERIES = {
    registry.LESSON: f"lesson={load_library().module('partnering-with-families').lessons[0].id}",
    "carecoord/ui/app_pages/case_player.py": "case=epilepsy-infant-to-adult",
}
ROUTER_MESSAGE = "Something went wrong and nothing was saved"
# Error boxes the demo data draws on purpose (the demo trainee is behind on assigned modules).
EXPECTED_ERRORS = re.compile(r"\d+ assigned modules? overdue\.")


def person(server, username: str):
    connection = database.connect(server.db_path)
    try:
        person_id = connection.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0]
        return accounts.load_person(connection, person_id)
    finally:
        connection.conn.close()


def assert_no_error_box(page) -> None:
    boxes = page.locator("[data-testid='stAlertContentError']")
    assert boxes.count() == boxes.get_by_test_id("stMarkdownContainer").count()  # each box's text is read below
    errors = [text.strip() for text in boxes.get_by_test_id("stMarkdownContainer").all_inner_texts()]
    unexpected = [text for text in errors if not EXPECTED_ERRORS.fullmatch(text)]
    assert not unexpected, f"error box on {page.url}: {unexpected}"
    assert page.get_by_text(ROUTER_MESSAGE).count() == 0, f"the router's message on {page.url}"
    assert page.get_by_test_id("stException").count() == 0, f"an exception drawn on {page.url}"


def navigation_addresses(page, url: str) -> list[str]:
    """Every page address in the sidebar's sections, opening each closed section as a person would."""
    addresses = []
    sections = page.get_by_test_id("stSidebar").get_by_test_id("stExpander")
    for i in range(sections.count()):
        section = sections.nth(i)
        links = section.get_by_test_id("stPageLink-NavLink")
        # Read the section's own open state: its links may still be drawing, and a click would close it.
        if section.locator("details").get_attribute("open") is None:
            section.locator("summary").click()
        expect(links.first).to_be_visible()
        addresses += [urljoin(url + "/", links.nth(j).get_attribute("href")) for j in range(links.count())]
    check_accessibility(page, again=True)  # every section open: still no violation
    return addresses


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_may_open_shows_no_error_and_passes_axe(server, page, username):
    me = person(server, username)
    pages = [spec for spec in registry.PAGES if spec.open_to(me)]
    sign_in(page, server.url, username)
    addresses = navigation_addresses(page, server.url)
    assert len(addresses) == len([spec for spec in pages if not spec.hidden]), "the navigation lists the role's pages"
    addresses += [f"{server.url}/{Path(spec.path).stem}?{QUERIES[spec.path]}" for spec in pages if spec.hidden]
    for address in addresses:
        page.goto(address)
        wait_for_app(page)  # runs axe-core on the settled page
        expect(page.locator("h1").first).to_be_visible()
        shoot(page, f"desktop-{username}-{urlsplit(address).path.strip('/') or 'landing'}")
        assert_no_error_box(page)


def test_sign_in_with_the_keyboard_only(server, page):
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_label("Username").focus()
    page.keyboard.type("demo-trainee")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    page.keyboard.press("Enter")
    wait_for_app(page)
    wait_for_cookie(page)
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    # Reach a page through the sidebar's sections with Tab and Enter: open Account, then its link.
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement ? document.activeElement.textContent : ''")
        if focused.strip().endswith("Account"):  # the Account section's heading (after its icon's name)
            break
    else:
        raise AssertionError("Tab never reached the Account section")
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement ? document.activeElement.textContent : ''")
        if focused.endswith("My account"):  # the link's text follows its icon's name
            break
    else:
        raise AssertionError("Tab never reached the My account link in the opened section")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My account")).to_be_visible()


@pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="screenshots only: SCREENSHOTS=1")
@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_every_role_at_phone_width_for_a_person_to_look_at(server, browser, username):
    """Screenshots of every page a role may open at 390 px (learner pages are also checked for fit in
    test_phone_width.py), under screenshots/, which is not committed."""
    me = person(server, username)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(20_000)
    sign_in(phone, server.url, username)
    for spec in registry.PAGES:
        if spec.open_to(me):
            query = f"?{QUERIES[spec.path]}" if spec.hidden else ""
            phone.goto(f"{server.url}/{Path(spec.path).stem}{query}")
            wait_for_app(phone)
            shoot(phone, f"phone-{username}-{Path(spec.path).stem}")
    context.close()
