"""Observations by named assessors in the browser: a trainee asks on a phone and the assessor answers on a
phone; a lead signs off a competency and Team readiness marks it with ✓."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from carecoord import clock, db as database
from carecoord.clock import utcnow
from carecoord.content import load_library
from carecoord.people import FAMILY_FACULTY, TEAM_MEMBER
from carecoord.store import accounts, observations
from tests.e2e.conftest import check_accessibility, shoot, sign_in, wait_for_app
from tests.e2e.test_phone_width import OVERFLOW, PHONE

FRAMEWORK = load_library().framework
NOTE = "The discharge call on Thursday morning, e2e journey"
CODES = ("CM1", "CM2")  # not the demo's own waiting request from Sam to Rosa (TR1, CP3)
WHAT_SEEN = "Used teach-back after the new medicine times and agreed who phones the school."
NEXT_STEP = "Send the summary to the family the same afternoon"
SIGN_CODE = FRAMEWORK.competencies[0].code  # the first column of the heatmap, so it is drawn without scrolling
RATIONALE = "Three assessors saw it in family meetings over the last two months."


def _label(code: str) -> str:
    return f"{code} {FRAMEWORK.competency(code).name}"


def _people(server, *usernames):
    db = database.connect(server.database)
    found = [accounts.load_person(db, db.execute("SELECT id FROM person WHERE username = ?", [u]).fetchone()[0])
             for u in usernames]
    return db, found


def _is_assessor(person) -> bool:
    return any(m.assessor for m in person.memberships)


def _phone(browser):
    tab = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    tab.set_default_timeout(20_000)
    return tab


def _fits(tab) -> None:
    found = tab.evaluate(OVERFLOW)
    assert found["page"] <= found["width"] + 1 and not found["wide"], (
        f"{tab.url}: page {found['page']} px wide on a {found['width']} px screen; {found['wide']}")


def _card(tab, text: str):
    """The bordered card holding `text`: the innermost block around it (blocks nest, outer ones first)."""
    return tab.get_by_test_id("stVerticalBlock").filter(has_text=text).last


def _pick(tab, combobox, text: str, option: str) -> None:
    """A selectbox or multiselect filters as you type; choose the option."""
    combobox.click()
    combobox.fill(text)
    tab.get_by_role("option", name=option, exact=True).click()


def test_a_trainees_request_is_completed_by_the_assessor_at_phone_width(server, browser):
    db, (nurse,) = _people(server, "demo-nurse")
    db.close()
    trainee = _phone(browser)  # the lead's tab too, when Rosa must be named first
    try:
        if not _is_assessor(nurse):  # the demo names her; otherwise the lead does it on the People page
            sign_in(trainee, server.url, "demo-lead")
            trainee.goto(server.url + "/people")
            wait_for_app(trainee)
            member = trainee.locator(".st-key-assessor_member").get_by_role("combobox")
            member.click()
            member.fill("Rosa")
            trainee.get_by_role("option").filter(has_text="Rosa Delgado").first.click()
            wait_for_app(trainee)
            shoot(trainee, "phone-lead-names-an-assessor")
            trainee.get_by_role("button", name="Name them an assessor").click()
            wait_for_app(trainee)
            expect(trainee.get_by_text("Rosa Delgado is now an assessor of this practice.")).to_be_visible()
            trainee.context.clear_cookies()

        sign_in(trainee, server.url, "demo-trainee")
        trainee.goto(server.url + "/my_evidence")
        wait_for_app(trainee)
        expect(trainee.get_by_role("heading", name="Observations and evidence")).to_be_visible()
        _pick(trainee, trainee.get_by_role("combobox", name="Who"), "Rosa", "Rosa Delgado (nurse)")
        codes = trainee.get_by_test_id("stMultiSelect").locator("input")
        for code in CODES:
            _pick(trainee, codes, code, _label(code))
        trainee.keyboard.press("Escape")
        trainee.get_by_label("What they could see, and when (optional)").fill(NOTE)
        trainee.get_by_role("button", name="Send the request").click()
        wait_for_app(trainee)
        expect(trainee.get_by_text("Asked Rosa Delgado. The request waits for them")).to_be_visible()
        _fits(trainee)
        shoot(trainee, "phone-trainee-asks-for-an-observation")

        assessor = _phone(browser)
        try:
            sign_in(assessor, server.url, "demo-nurse")  # assessors land on Observe a trainee
            expect(assessor.get_by_role("heading", name="Observe a trainee")).to_be_visible()
            expect(assessor.get_by_role("heading", name="Requests from trainees")).to_be_visible()
            shoot(assessor, "phone-assessor-requests-waiting")
            request = _card(assessor, NOTE)
            expect(request).to_contain_text("Sam Whitfield")
            expect(request).to_contain_text(_label(CODES[0]))
            request.get_by_role("button", name="Observe now").click()
            wait_for_app(assessor)
            # The form opens in the request's card, where the button was.
            expect(_card(assessor, NOTE).get_by_role("button", name="Observe now")).to_have_count(0)
            expect(assessor.get_by_text("Day you saw it")).to_be_in_viewport()

            seen_on = (utcnow() - timedelta(days=2)).date()
            day = assessor.get_by_role("spinbutton", name="day, Day you saw it")
            assessor.get_by_role("spinbutton", name="year, Day you saw it").click()
            # The app's one date form (clock.DATE_INPUT_FORMAT, YYYY-MM-DD): each part moves on to the next.
            assessor.keyboard.type(seen_on.strftime("%Y%m%d"))
            assessor.keyboard.press("Tab")
            expect(day).to_have_attribute("aria-valuenow", str(seen_on.day))
            _pick(assessor, assessor.get_by_role("combobox", name="Where"), "Discharge", "Discharge call")
            assessor.get_by_label("What you saw them do").fill(WHAT_SEEN)
            for code in CODES:
                levels = assessor.get_by_role("radiogroup", name=f"{_label(code)}: the level you saw")
                levels.get_by_text("3 Competent", exact=True).click()
            assessor.get_by_label("One thing for them to do next").fill(NEXT_STEP)
            _fits(assessor)
            check_accessibility(assessor, again=True)  # the form, its radios and their captions
            shoot(assessor, "phone-assessor-observation-form")
            assessor.get_by_role("button", name="Save the observation").click()
            wait_for_app(assessor)
            saved = "Saved your observation of Sam Whitfield. They can read it now."
            expect(assessor.get_by_text(saved)).to_be_visible()
            recorded = _card(assessor, WHAT_SEEN)  # under "Observations you recorded"
            expect(recorded).to_contain_text(f"{clock.day(seen_on)} · Discharge call · Sam Whitfield")
            expect(assessor.get_by_text(NOTE)).to_have_count(0)  # no longer waiting
            _fits(assessor)
            shoot(assessor, "phone-assessor-saved")
        finally:
            assessor.context.close()

        trainee.reload()
        wait_for_app(trainee)
        trainee.get_by_role("tab", name=re.compile("^Observed")).click()
        card = _card(trainee, WHAT_SEEN)
        expect(card).to_contain_text(f"{clock.day(seen_on)} · Discharge call · observed by Rosa Delgado (nurse)")
        expect(card).to_contain_text(NEXT_STEP)
        for code in CODES:
            expect(card).to_contain_text(f"{_label(code)}: 3 Competent")
        trainee.get_by_role("tab", name="Ask").click()
        asked = _card(trainee, NOTE)
        expect(asked).to_contain_text("Observed: asked Rosa Delgado on")
        check_accessibility(trainee, again=True)
        _fits(trainee)
        shoot(trainee, "phone-trainee-reads-the-observation")
    finally:
        trainee.context.close()


def test_a_lead_signs_off_a_competency_and_team_readiness_marks_it(server, page):
    now = utcnow()
    db, (lead, nurse, faculty, hugo) = _people(server, "demo-lead", "demo-nurse", "demo-faculty", "demo-hugo")
    practice_id = next(iter(hugo.practice_ids()))
    for person, role in ((nurse, TEAM_MEMBER), (faculty, FAMILY_FACULTY)):
        if not _is_assessor(person):
            accounts.set_assessor(db, lead, person.id, practice_id, role, True, now)
    _, (nurse, faculty) = _people(server, "demo-nurse", "demo-faculty")
    for who, days in ((lead, 60), (nurse, 30), (faculty, 6)):
        observations.record_observation(db, who, hugo, FRAMEWORK, now, observed_on=(now - timedelta(days=days)).date(),
                                        setting="Family meeting", what_seen="Let the parent lead the meeting.",
                                        levels={SIGN_CODE: 3}, next_step="Write the goals in the family's words")
    db.close()

    sign_in(page, server.url, "demo-lead")
    page.goto(server.url + "/sign_off")
    wait_for_app(page)
    _pick(page, page.get_by_role("combobox", name="Trainee"), "Hugo", "Hugo Brennan")
    wait_for_app(page)
    ready = page.get_by_test_id("stTable").first
    expect(ready).to_contain_text(_label(SIGN_CODE))
    expect(ready).to_contain_text("3 observations by 3 assessors")
    _pick(page, page.get_by_role("combobox", name="Competency", exact=True), SIGN_CODE, _label(SIGN_CODE))
    wait_for_app(page)
    evidence = page.get_by_test_id("stMultiSelect")  # the default: the three observations
    for name in ("Priya Raman", "Rosa Delgado", "Marisol Vega"):
        expect(evidence).to_contain_text(f"{name}: 3 Competent")
    page.get_by_label("Why you sign it off").fill(RATIONALE)
    shoot(page, "lead-sign-off-form")
    page.get_by_role("button", name="Sign off", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text(f"Signed off {SIGN_CODE} at level 3 for Hugo Brennan.")).to_be_visible()
    signed = page.get_by_test_id("stTable").last
    expect(signed).to_contain_text(_label(SIGN_CODE))
    expect(signed).to_contain_text("3 Competent")
    expect(signed).to_contain_text(RATIONALE)
    check_accessibility(page, again=True)
    shoot(page, "lead-signed-off")

    page.goto(server.url + "/team_readiness")
    wait_for_app(page)
    expect(page.get_by_text("A level with ✓ is signed off by a lead")).to_be_visible()
    page.get_by_text("The heatmap as a table").click()
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    # The grid draws on a canvas; the table behind it, for screen readers, holds the cells' text.
    column = grid.locator("th", has_text=re.compile(f"^{SIGN_CODE}$"))
    expect(column).to_have_count(1)
    hugo = grid.locator("tbody tr").filter(has=page.locator("td", has_text=re.compile("^Hugo Brennan$")))
    expect(hugo.locator(f"td[aria-colindex='{column.get_attribute('aria-colindex')}']")).to_have_text("3✓")
    shoot(page, "lead-readiness-signed-off")
