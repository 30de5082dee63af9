"""A lead assigns a module in the browser; the trainee signs in and sees it due."""

from playwright.sync_api import expect

from carecoord.content import load_library
from tests.e2e.conftest import shoot, sign_in, wait_for_app

MODULE = load_library().module("paying-for-care-coordination")


def test_lead_assigns_a_module_and_the_trainee_sees_it_due(server, page, browser):
    sign_in(page, server.url, "demo-lead")
    page.goto(server.url + "/learning_plans")
    wait_for_app(page)
    modules = page.get_by_test_id("stMultiSelect").locator("input")
    modules.fill("Paying")
    page.get_by_role("option", name=f"{MODULE.order}. {MODULE.title}").click()
    page.keyboard.press("Escape")
    to = page.get_by_role("combobox", name="To", exact=True)
    to.click()
    to.fill("Hugo")  # the selectbox filters as you type
    page.get_by_role("option", name="Hugo Brennan").click()
    page.get_by_role("button", name="Assign").click()
    wait_for_app(page)
    expect(page.get_by_text("Assigned 1 module to Hugo Brennan")).to_be_visible()
    shoot(page, "lead-learning-plans")

    trainee = browser.new_context().new_page()
    sign_in(trainee, server.url, "demo-hugo")
    expect(trainee.get_by_text(f"{MODULE.title} — due ")).to_be_visible()
    shoot(trainee, "trainee-assigned")
    trainee.context.close()
