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


NICU = load_library().case("nicu-to-home")


def play_nicu_first_phase(page, url, username, training_option_id):
    first = NICU.phases[0]
    sign_in(page, url, username)
    page.goto(f"{url}/case_player?case={NICU.id}")
    wait_for_app(page)
    page.get_by_role("button", name="Start the case").click()
    wait_for_app(page)
    if first.map_exercise is not None:
        field = page.get_by_test_id("stMultiSelect").locator("input")
        field.click()
        field.fill(first.care_map.nodes[0].label)
        page.get_by_role("option", name=first.care_map.nodes[0].label, exact=True).click()
        wait_for_app(page)
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Check my map").click()
        wait_for_app(page)
    for decision in first.decisions:
        option = decision.option(training_option_id) if decision.id == "nicu-1-ready-to-go" else next(
            o for o in decision.options if o.alignment == "strong")
        form = page.get_by_test_id("stForm").filter(has_text=option.text[:50])
        form.get_by_text(option.text[:50]).click()
        form.get_by_role("button", name="Choose").click()
        wait_for_app(page)
    page.get_by_role("button", name="Continue to phase 2").click()
    wait_for_app(page)


def test_a_later_phase_follows_an_earlier_choice_and_the_plan_is_drafted_first(server, browser):
    second = NICU.phases[1]
    recovery = next(o for o in second.decisions[1].options if o.when)
    gap = next(a.action for a in second.plan_of_care.actions if a.when == ("training-mother-only",))
    pages = {}
    for username, option in (("demo-trainee", "nicu-1-ready-to-go-a"), ("demo-chloe", "nicu-1-ready-to-go-b")):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pages[option] = context.new_page()
        pages[option].set_default_timeout(20_000)
        play_nicu_first_phase(pages[option], server.url, username, option)
    trained, mother_only = pages["nicu-1-ready-to-go-a"], pages["nicu-1-ready-to-go-b"]
    expect(trained.get_by_role("heading", name=second.title, exact=True)).to_be_visible()
    expect(mother_only.get_by_text(recovery.text[:50])).to_be_visible()
    expect(trained.get_by_text(recovery.text[:50])).to_have_count(0)

    # The plan: drafted before the team's is shown, then compared item by item.
    page = mother_only
    expect(page.get_by_text(gap)).to_have_count(0)
    page.get_by_label("The family's goals, in their words").fill("Sleep one full night a week.")
    page.get_by_label("The team's concerns").fill("Empty night shifts.")
    page.get_by_label("Actions: what; who; by when").fill("Ask the plan for a second agency; Marta; Friday")
    page.get_by_role("button", name="Keep my draft and show the team's plan").click()
    wait_for_app(page)
    compare = page.get_by_test_id("stForm").filter(has_text="Save my comparison")
    expect(compare.get_by_text(gap)).to_be_visible()  # the gap the earlier choice left
    for group in compare.get_by_role("radiogroup").all():
        group.get_by_text("Partly", exact=True).click()
    compare.get_by_role("button", name="Save my comparison").click()
    wait_for_app(page)
    expect(page.get_by_text("Your draft held 0 of the team's")).to_be_visible()
    shoot(page, "case-plan-compared")
    for tab in pages.values():
        tab.context.close()
