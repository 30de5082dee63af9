"""In the browser: a trainee reviews the questions they got wrong, and finds a lesson by the other spelling."""

import re

from playwright.sync_api import expect

from carecoord.content import load_library
from tests.e2e.conftest import shoot, sign_in, wait_for_app

LIBRARY = load_library()
CHECKS = {check.prompt: check for lesson in LIBRARY.lessons for check in lesson.checks}


def test_a_trainee_works_through_a_review_session(server, page):
    sign_in(page, server.url, "demo-trainee")
    waiting = page.get_by_role("link", name=re.compile(r"^\d+ questions? to review today$"))
    expect(waiting).to_be_visible()
    due = int(re.search(r"(\d+) questions? to review", waiting.inner_text())[1])
    assert due >= 2
    page.get_by_role("button", name=re.compile("^Start a review")).click()
    wait_for_app(page)
    forms = page.locator("[data-testid='stForm']")
    expect(forms).to_have_count(min(due, 5))
    for index in range(forms.count()):
        form = forms.nth(index)
        prompt = form.locator("strong").first.inner_text().split(". ", 1)[1]
        check = CHECKS[prompt]
        for choice in check.choices:
            if choice.correct:
                form.get_by_text(choice.text, exact=True).click()
        form.get_by_role("button", name="Check answer").click()
        wait_for_app(page)
        expect(forms.nth(index).get_by_text("Right.", exact=True)).to_be_visible()
        expect(forms.nth(index).get_by_text(re.compile("It comes back in 3 days"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Review done\."))).to_be_visible()
    shoot(page, "trainee-review-done")
    page.get_by_role("button", name=re.compile("^(Close the review|Review more)$")).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()


def test_a_search_finds_a_lesson_by_the_other_spelling(server, page):
    sign_in(page, server.url, "demo-trainee")
    page.get_by_role("link", name="Search").click()
    wait_for_app(page)
    box = page.get_by_label("Search lessons, cases and family stories")
    box.fill("authorisation")
    box.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(re.compile("contain every word of “authorisation”"))).to_be_visible()
    result = page.get_by_role("link", name="Payers, insurance and equipment")  # spelled "authorization" there
    expect(result).to_be_visible()
    expect(page.locator("strong", has_text=re.compile("^Authori[sz]ation", re.I)).first).to_be_visible()
    result.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Payers, insurance and equipment", exact=True)).to_be_visible()
