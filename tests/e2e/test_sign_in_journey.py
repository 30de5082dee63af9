"""A newcomer's first minutes, in a real browser: demo, sign in, reload, deep link, sign out."""

from playwright.sync_api import expect

from tests.e2e.conftest import shoot, sign_in, wait_for_app, wait_for_cookie


def test_sign_in_survives_a_reload_and_a_new_tab(server, page):
    page.goto(server.url)
    expect(page.get_by_text("Demo accounts")).to_be_visible()
    shoot(page, "sign-in")
    sign_in(page, server.url, "demo-lead")
    expect(page.get_by_role("heading", name="Team readiness")).to_be_visible()
    expect(page.get_by_test_id("stSidebarUserContent").get_by_text("Priya Raman")).to_be_visible()
    expect(page.get_by_text("DEMO: everything here is made-up demo data.")).to_be_visible()
    shoot(page, "lead-home")

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Team readiness")).to_be_visible()

    second_tab = page.context.new_page()
    second_tab.goto(server.url + "/people")
    wait_for_app(second_tab)
    expect(second_tab.get_by_role("heading", name="People")).to_be_visible()
    shoot(second_tab, "lead-people")

    page.get_by_role("button", name="Sign out").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()


def test_deep_link_lands_on_the_page_after_signing_in(server, page):
    page.goto(server.url + "/account")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()
    page.get_by_label("Username").fill("demo-trainee")
    page.get_by_label("Password", exact=True).fill("demo-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_app(page)
    wait_for_cookie(page)
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    assert page.url.rstrip("/").endswith("/account")
