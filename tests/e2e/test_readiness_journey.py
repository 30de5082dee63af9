"""A practice lead opens team readiness in the browser, reads the heatmap, downloads the CSV and prints."""

import csv
import io

from playwright.sync_api import expect

from tests.e2e.conftest import shoot, sign_in, wait_for_app


def test_lead_opens_readiness_sees_the_heatmap_and_downloads_the_csv(server, page):
    sign_in(page, server.url, "demo-lead")
    page.goto(server.url + "/team_readiness")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Team readiness")).to_be_visible()
    heatmap = page.get_by_test_id("stVegaLiteChart").first
    expect(heatmap).to_be_visible()
    expect(heatmap.locator("canvas, svg").first).to_be_visible()
    expect(page.get_by_role("heading", name="People gaps and system gaps")).to_be_visible()
    shoot(page, "team-readiness")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download readiness (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("team-readiness-")
    with open(download.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert {"Amara Nwosu", "Priya Raman"} <= {r["Person"] for r in rows}
    assert "Rosa Delgado" not in {r["Person"] for r in rows}  # survey-only team members have no targets
    assert {r["Target"] for r in rows} == {"3", "4"}

    # Printing leaves the navigation out.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_be_visible()
    page.emulate_media(media="print")
    expect(sidebar).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_text("By domain", exact=True).first.click()
    wait_for_app(page)
    shoot(page, "team-readiness-domains")
    page.goto(server.url + "/practice_measures")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Practice measures")).to_be_visible()
    expect(page.get_by_text("Overall capability")).to_be_visible()
    shoot(page, "practice-measures")
