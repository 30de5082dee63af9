"""An administrator puts a new installation live, in a real browser: set-up only through the address
the server printed, the first administrator, and the demo's published accounts refused afterwards."""

import re
import subprocess
import sys
import time

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, shoot, sign_in, start_server, stop_server, wait_for_app


def setup_address(server, timeout_s: float = 15) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := re.search(r"\?setup=([\w-]+)", server.log()):
            return f"{server.url}/?setup={found.group(1)}"
        time.sleep(0.2)
    raise AssertionError("the server never printed a set-up address:\n" + server.log())


def test_first_administrator_through_the_logged_address_and_demo_refused_after(tmp_path, browser):
    server = start_server(tmp_path, demo=False)
    try:
        # A browser that only looks local (or forges a proxy's headers) is not offered set-up.
        context = browser.new_context(extra_http_headers={"X-Real-IP": "127.0.0.1", "X-Forwarded-For": "127.0.0.1"})
        page = context.new_page()
        page.goto(server.url)
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Set up carecoord")).to_be_visible()
        expect(page.get_by_text("open the address printed in the server log")).to_be_visible()
        expect(page.get_by_role("button", name="Create administrator")).to_have_count(0)

        page.goto(setup_address(server))
        wait_for_app(page)
        page.get_by_label("Your name").fill("Ada Okonkwo")
        page.get_by_label("Username").fill("ada")
        page.get_by_label("Password (at least 10 characters)").fill("a strong passphrase")
        page.get_by_label("Password again").fill("a strong passphrase")
        shoot(page, "set-up")
        page.get_by_role("button", name="Create administrator").click()
        wait_for_app(page)
        expect(page.get_by_text("Administrator created")).to_be_visible()
        context.close()

        # The demo loaded afterwards (say, for a training day) cannot sign in with its published password.
        env = {"CARECOORD_DB": str(server.db_path), "PATH": "/usr/bin:/bin"}
        subprocess.run([sys.executable, "-m", "carecoord.cli", "demo"], env=env, check=True, cwd=ROOT,
                       capture_output=True)
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, server.url, "demo-admin", refused=True)
        expect(page.get_by_text("do not match an account that can sign in")).to_be_visible()
        expect(page.get_by_text("Demo accounts")).to_have_count(0)  # the published passwords are not shown
        sign_in(page, server.url, "ada", "a strong passphrase")
        expect(page.get_by_role("heading", name="Welcome, Ada Okonkwo")).to_be_visible()
        shoot(page, "go-live-admin-home")
        context.close()
    finally:
        stop_server(server)
