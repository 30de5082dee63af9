"""Every page in each role's navigation passes axe-core (via wait_for_app), and signing in works by keyboard."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, wait_for_app, wait_for_cookie

ROLES = ["demo-admin", "demo-lead", "demo-trainee", "demo-faculty", "demo-nurse"]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_in_the_navigation_passes_axe(server, page, username):
    sign_in(page, server.url, username)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    addresses = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert addresses, "the navigation lists pages"
    for address in addresses:
        page.goto(address)
        wait_for_app(page)  # runs axe-core on the settled page
        expect(page.locator("h1").first).to_be_visible()


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
    # Reach a page through the navigation with Tab and Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement ? document.activeElement.textContent : ''")
        if focused.endswith("My account"):  # the link's text follows its icon's name
            break
    else:
        raise AssertionError("Tab never reached the My account link")
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
