"""A trainee plays the first phase of the epilepsy case in the browser, leaves, and continues later."""

from playwright.sync_api import expect

from carecoord.content import load_library
from tests.e2e.conftest import shoot, sign_in, wait_for_app

CASE = load_library().case("epilepsy-infant-to-adult")


def test_play_first_phase_leave_and_continue(server, page):
    first, second = CASE.phases[:2]
    sign_in(page, server.url, "demo-trainee")
    page.goto(f"{server.url}/case_player?case={CASE.id}")
    wait_for_app(page)
    page.get_by_role("button", name="Start the case").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=first.title, exact=True)).to_be_visible()

    field = page.get_by_test_id("stMultiSelect").locator("input")
    for node in first.care_map.nodes[:3]:
        field.click()  # reopen the list: after a pick it can stay closed on a loaded machine
        field.fill(node.label)
        page.get_by_role("option", name=node.label, exact=True).click()
        wait_for_app(page)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Check my map").click()
    wait_for_app(page)
    expect(page.get_by_text("You found 3 of")).to_be_visible()
    expect(page.get_by_test_id("stGraphVizChart")).to_be_visible()

    for decision in first.decisions:
        strong = next(o for o in decision.options if o.alignment == "strong")
        form = page.get_by_test_id("stForm").filter(has_text=strong.text[:50])
        form.get_by_text(strong.text[:50]).click()
        form.get_by_role("button", name="Choose").click()
        wait_for_app(page)
        expect(page.get_by_text(strong.feedback[:60])).to_be_visible()
    shoot(page, "case-phase-1")

    page.goto(server.url + "/cases")  # leave
    wait_for_app(page)
    page.get_by_role("link", name="Continue at phase 1").click()
    wait_for_app(page)
    page.get_by_role("button", name="Continue to phase 2").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=second.title, exact=True)).to_be_visible()

    page.goto(server.url + "/cases")  # leave again and come back
    wait_for_app(page)
    page.get_by_role("link", name="Continue at phase 2").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=second.title, exact=True)).to_be_visible()
    expect(page.get_by_text("What changed since the last phase")).to_be_visible()
    shoot(page, "case-phase-2")
