"""A trainee downloads a signed badge from My credentials; someone without an account uploads it on the
public verification page and is told it is valid."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from carecoord import badges
from tests.e2e.conftest import _need_chromium, shoot, sign_in, start_server, stop_server, wait_for_app

PUBLIC_URL = "https://carecoord.example.org"


@pytest.fixture(scope="module")
def issuing_server(tmp_path_factory):
    _need_chromium()
    tmp = tmp_path_factory.mktemp("e2e-credentials")
    key = tmp / "signing.pem"
    key.write_bytes(badges.new_signing_key())
    saved = {name: os.environ.get(name) for name in ("CARECOORD_PUBLIC_URL", "CARECOORD_SIGNING_KEY")}
    os.environ.update({"CARECOORD_PUBLIC_URL": PUBLIC_URL, "CARECOORD_SIGNING_KEY": str(key)})
    try:
        running = start_server(tmp)  # the demo is loaded with the key present: its credentials are signed
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    yield running
    stop_server(running)


def test_a_trainee_carries_a_badge_that_anyone_can_verify(issuing_server, page, browser, tmp_path):
    sign_in(page, issuing_server.url, "demo-amara")  # a demo trainee who has completed modules
    page.goto(issuing_server.url + "/my_credentials")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My credentials")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Badge image").first.click()
    badge = Path(tmp_path / "badge.png")
    download.value.save_as(badge)
    assert badges.unbake_png(badge.read_bytes())  # the credential is inside the image
    shoot(page, "my-credentials")

    stranger = browser.new_context(viewport={"width": 390, "height": 844})  # no account, a phone
    public_page = stranger.new_page()
    try:
        public_page.goto(issuing_server.url + "/verify")
        wait_for_app(public_page)
        expect(public_page.get_by_role("heading", name="Verify a credential")).to_be_visible()
        public_page.locator("input[type=file]").set_input_files(str(badge))
        wait_for_app(public_page)
        public_page.get_by_role("button", name="Verify").click()
        wait_for_app(public_page)
        expect(public_page.get_by_text("Valid:", exact=False).first).to_be_visible()
        expect(public_page.get_by_role("heading", name="What was checked")).to_be_visible()
        shoot(public_page, "verify-phone")
    finally:
        stranger.close()
