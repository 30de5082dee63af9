"""A family faculty member writes, checks, consents to and submits a story in the browser; a lead asks for
changes and then publishes it; a trainee reads it in Family voices and keeps a reflection."""

from playwright.sync_api import TimeoutError as PlaywrightTimeout, expect

from tests.e2e.conftest import shoot, sign_in, wait_for_app

TITLE = "The night nurse who wrote everything down"
BODY = ("When our son came home on a ventilator we had night nurses five nights a week. Most were kind and "
        "careful. One of them, Dr Okafor's favourite nurse from the ward, wrote down every alarm, every suction "
        "and every change in his colour, and left the notebook on the kitchen table for us each morning.\n\n"
        "That notebook became the way the whole team talked to each other.")


def choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option)
    for _ in range(3):  # after a rerun the first click can go to focusing the box rather than opening it
        box.click()
        try:
            wanted.wait_for(timeout=2_000)
        except PlaywrightTimeout:
            continue
        break
    wanted.click()
    wait_for_app(page)


def commit(page) -> None:
    """Leave the box (click elsewhere): Streamlit commits the text and the draft saves itself."""
    page.get_by_role("heading", name="Write", exact=True).click()
    wait_for_app(page)


def test_a_story_goes_from_family_faculty_through_review_to_a_trainee(server, page, browser):
    # Family faculty: write, check, resolve, consent, submit.
    sign_in(page, server.url, "demo-faculty")
    page.goto(server.url + "/my_stories")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My stories")).to_be_visible()
    page.get_by_role("button", name="Write a new story").click()
    wait_for_app(page)
    page.get_by_role("textbox", name="Title", exact=True).fill(TITLE)
    commit(page)
    page.get_by_role("textbox", name="Your story", exact=True).fill(BODY)
    commit(page)
    expect(page.get_by_text("Saved automatically when you leave a box")).to_be_visible()
    keep = page.get_by_role("button", name='Keep "Okafor": it is intended')
    expect(keep).to_be_visible()
    expect(page.get_by_text("1 detail to resolve")).to_be_visible()
    shoot(page, "story-write-and-check")
    keep.click()
    wait_for_app(page)
    expect(page.get_by_text("Every flagged detail is resolved.")).to_be_visible()
    choose(page, "Stage of childhood it covers", "Infancy (the first year)")

    page.get_by_text("Everyone in every practice that uses this app").click()
    page.get_by_text("By my initials (M. V.)").click()
    page.get_by_role("button", name="Record my consent").click()
    wait_for_app(page)
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    shoot(page, "story-consent")
    page.get_by_role("button", name="Send for review").click()
    wait_for_app(page)
    expect(page.get_by_text("Sent for review.")).to_be_visible()

    # Lead: ask for a change.
    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(lead, server.url, "demo-lead")
    lead.goto(server.url + "/story_review")
    wait_for_app(lead)
    choose(lead, "Story waiting for review", f"{TITLE} · by Marisol Vega")
    expect(lead.get_by_role("heading", name=TITLE)).to_be_visible()
    lead.get_by_role("textbox", name="Comments for the author").fill("Please add one discussion question for trainees.")
    shoot(lead, "story-review")
    lead.get_by_role("button", name="Request changes").click()
    wait_for_app(lead)
    expect(lead.get_by_text("Sent back to Marisol Vega")).to_be_visible()

    # Family faculty: sees the comment after a reload, adds a question, sends it again.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Please add one discussion question for trainees.").first).to_be_visible()
    page.get_by_role("textbox", name="Discussion questions for trainees (one a line)").fill("Who on your team reads the night notes?")
    commit(page)
    page.get_by_role("button", name="Send for review").click()
    wait_for_app(page)
    expect(page.get_by_text("Sent for review.")).to_be_visible()

    # Lead: publish.
    lead.reload()
    wait_for_app(lead)
    choose(lead, "Story waiting for review", f"{TITLE} · by Marisol Vega")
    lead.get_by_role("button", name="Approve and publish").click()
    wait_for_app(lead)
    expect(lead.get_by_text(f'Published "{TITLE}"')).to_be_visible()
    lead.context.close()

    # Trainee: finds it in Family voices, reads it with its question, keeps a reflection.
    trainee = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(trainee, server.url, "demo-trainee")
    trainee.goto(server.url + "/family_voices")
    wait_for_app(trainee)
    trainee.get_by_text(TITLE).first.click()
    expect(trainee.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(trainee.get_by_text("That notebook became the way the whole team talked to each other.")).to_be_visible()
    expect(trainee.get_by_text("Who on your team reads the night notes?")).to_be_visible()
    expect(trainee.get_by_text("By M. V.", exact=False).first).to_be_visible()
    reflection = trainee.get_by_role("textbox", name="Reflect on this story").first
    reflection.fill("I will ask night nurses how their notes reach the day team.")
    trainee.get_by_role("button", name="Save reflection").first.click()
    wait_for_app(trainee)
    expect(trainee.get_by_text("Reflection saved.")).to_be_visible()
    shoot(trainee, "family-voices")
    trainee.context.close()
