"""A new coordinator with no history rates themselves in the browser and sees their growth chart,
on the embedded SQLite file and on PostgreSQL."""

import pytest
from playwright.sync_api import expect

from carecoord import db as database
from carecoord.content import load_library
from tests.e2e.conftest import shoot, sign_in, wait_for_app

FRAMEWORK = load_library().framework


@pytest.mark.parametrize("on", ["server", "postgres_server"], ids=["sqlite", "postgresql"])
def test_growth_chart_renders_after_a_self_assessment(on, page, request):
    server = request.getfixturevalue(on)
    sign_in(page, server.url, "demo-hugo")
    page.goto(server.url + "/growth")
    wait_for_app(page)
    expect(page.get_by_text("No submitted assessments yet")).to_be_visible()

    page.goto(server.url + "/self_assessment")
    wait_for_app(page)
    page.get_by_role("button", name="Start a self-assessment").click()
    wait_for_app(page)
    for number, domain in enumerate(FRAMEWORK.domains):
        expect(page.get_by_role("heading", name=domain.name, exact=True)).to_be_visible()
        for item in domain.competencies:
            group = page.get_by_role("radiogroup", name=f"Level for {item.code}")
            group.get_by_text("3 Competent").click()
            expect(group.get_by_role("radio", name="3 Competent")).to_be_checked()
        if number == 0:
            shoot(page, "self-assessment-step")
        page.get_by_role("button", name="Save and next domain").click()
        wait_for_app(page)
    page.get_by_role("button", name="Submit assessment").click()
    wait_for_app(page)
    expect(page.get_by_text("Assessment submitted")).to_be_visible()
    stored = database.connect(server.database)  # it landed in the database the app was given
    assert stored.execute("SELECT count(*) FROM assessment JOIN person ON person.id = assessment.person_id "
                          "WHERE person.username = 'demo-hugo' AND status = 'submitted'").fetchone()[0] == 1
    stored.close()

    page.goto(server.url + "/growth")
    wait_for_app(page)
    expect(page.locator("[data-testid=stVegaLiteChart]:visible")).to_have_count(1)  # the layout that fits the screen
    expect(page.get_by_text("First and latest self-assessment")).to_be_visible()
    shoot(page, "growth" if on == "server" else "growth-postgresql")
