"""Two app processes on one PostgreSQL database, side by side and behind nginx as docs/deploy.md sets it up.

Each process writes one line per script run to its log (CARECOORD_RUN_LOG=1: pid, a digest of the tab's
session id, page, outcome), so the tests read from the processes' own records which one served what.
"""

from __future__ import annotations

import http.client
import re
import shutil
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from carecoord.ui.content import CHECK_EVERY_S
from tests.e2e.conftest import ROOT, _need_chromium, sign_in, start_server, stop_server, wait_for_app
from tests.proxy import start_proxy

RUN_LINE = re.compile(r"carecoord run pid=(\d+) tab=(\w+) page=(\S+) outcome=(\S+)")
MODULE_TITLE = "What care coordination is (and is not)"


def runs(log: str) -> list[tuple[str, str, str, str]]:
    """(pid, tab, page, outcome) of every script run in this stretch of a server's log."""
    return RUN_LINE.findall(log)


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory, postgres_url):
    import psycopg

    _need_chromium()
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS carecoord_two WITH (FORCE)")
        admin.execute("CREATE DATABASE carecoord_two")
    url = postgres_url.rsplit("/", 1)[0] + "/carecoord_two"
    content = tmp_path_factory.mktemp("content")
    for folder in ("curriculum", "competencies", "cases"):
        shutil.copytree(ROOT / folder, content / folder)
    env = {"CARECOORD_RUN_LOG": "1"}
    first = start_server(tmp_path_factory.mktemp("first"), database_url=url, content_root=content, env=env)
    second = start_server(tmp_path_factory.mktemp("second"), demo=False, database_url=url, content_root=content,
                          env=env)
    yield first, second, content
    stop_server(first)
    stop_server(second)


def new_tab(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


def next_action(tab) -> None:
    """What a person does next in a tab that is already open: follow a sidebar link (no reload)."""
    tab.get_by_test_id("stSidebar").get_by_role("link").first.click()
    wait_for_app(tab)


def choose(tab, label: str, option: str) -> None:
    box = tab.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.press_sequentially(option.split("(")[0].strip())  # a long list draws only its first options
    tab.get_by_role("option", name=option).click()
    wait_for_app(tab)


def test_sign_ins_sign_outs_and_content_changes_reach_both_processes(two_processes, browser):
    first, second, content = two_processes
    # A sign-in made through the first process is valid on the second (the browser sends the same cookie:
    # cookies do not depend on the port).
    trainee = new_tab(browser)
    sign_in(trainee, first.url, "demo-trainee")
    expect(trainee.get_by_role("heading", name="My learning")).to_be_visible()
    on_second = trainee.context.new_page()
    on_second.goto(second.url + "/account")
    wait_for_app(on_second)
    expect(on_second.get_by_role("heading", name="My account")).to_be_visible()

    # A content file changes: both processes show the change within the documented interval.
    for tab, server in ((trainee, first), (on_second, second)):
        tab.goto(server.url + "/my_learning")
        wait_for_app(tab)
        expect(tab.get_by_role("heading", name=f"1. {MODULE_TITLE}")).to_be_visible()
    module = next((content / "curriculum").glob("01-*/module.md"))
    module.write_text(module.read_text().replace(f"title: {MODULE_TITLE}", "title: Care coordination, defined", 1))
    time.sleep(CHECK_EVERY_S + 0.5)  # files are looked at every 2 s (docs/deploy.md, section 11)
    for tab in (trainee, on_second):
        next_action(tab)  # the first sidebar link is My learning
        expect(tab.get_by_role("heading", name="1. Care coordination, defined")).to_be_visible()

    # Sign out everywhere, through the first: the second's tab is signed out at its next action.
    trainee.goto(first.url + "/account")
    wait_for_app(trainee)
    trainee.get_by_role("button", name="Sign out everywhere").click()
    wait_for_app(trainee)
    next_action(on_second)
    expect(on_second.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()
    trainee.context.close()

    # An administrator on the first process disables one account and resets another's password; both
    # people, signed in on the second, are signed out at their next action.
    amara, ben = new_tab(browser), new_tab(browser)
    sign_in(amara, second.url, "demo-amara")
    sign_in(ben, second.url, "demo-ben")
    admin = new_tab(browser)
    sign_in(admin, first.url, "demo-admin")
    admin.goto(first.url + "/people")
    wait_for_app(admin)
    choose(admin, "Account", "Amara Nwosu (demo-amara)")
    admin.get_by_role("button", name="Disable account").click()
    wait_for_app(admin)
    choose(admin, "Account", "Ben Castillo (demo-ben)")
    admin.get_by_label("Temporary password", exact=True).first.fill("a-temporary-passphrase-1")
    admin.get_by_role("button", name="Reset password").click()
    wait_for_app(admin)

    next_action(amara)
    expect(amara.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()
    sign_in(amara, second.url, "demo-amara", refused=True)
    expect(amara.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()
    next_action(ben)
    expect(ben.get_by_role("heading", name="Sign in to carecoord")).to_be_visible()
    sign_in(ben, second.url, "demo-ben", "a-temporary-passphrase-1", refused=True)
    expect(ben.get_by_role("heading", name="Choose a new password")).to_be_visible()
    for tab in (amara, ben, admin):
        tab.context.close()

    # Both processes served these runs, by their own records, and every run ended as a run should.
    first_runs, second_runs = runs(first.log()), runs(second.log())
    assert first_runs and second_runs
    assert not {pid for pid, *_ in first_runs} & {pid for pid, *_ in second_runs}
    assert {outcome for *_, outcome in first_runs + second_runs} <= {"ok", "stopped", "gate", "rerun"}


def _status_and_location(url: str) -> tuple[int, str | None]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", "/my_learning")
    response = connection.getresponse()
    return response.status, response.getheader("Location")


def test_behind_nginx_both_processes_serve_and_each_browser_stays_on_one(two_processes, browser):
    first, second = two_processes[:2]
    servers = (first, second)
    proxy = start_proxy([int(urlsplit(s.url).port) for s in servers])
    tabs = []
    try:
        # Plain HTTP only redirects, to the same address on the standard HTTPS port.
        assert _status_and_location(proxy.http_url) == (301, "https://127.0.0.1/my_learning")

        def served_by(action) -> object:
            """Do `action`; the one process whose own log shows new runs (the other must show none)."""
            before = {id(s): s.log_size() for s in servers}
            action()
            # A run's log line is written just after the browser is idle, later still on a busy machine: wait
            # until the logs stop growing, so that no line of this action falls into the next one's count.
            sizes, deadline = None, time.monotonic() + 15
            while time.monotonic() < deadline:
                now = [s.log_size() for s in servers]
                if now == sizes and any(size > before[id(s)] for size, s in zip(now, servers)):
                    break
                sizes = now
                time.sleep(0.5)
            grew = [s for s in servers if runs(s.log_since(before[id(s)]))]
            assert len(grew) == 1, f"one action was served by {len(grew)} processes"
            return grew[0]

        # Each new browser gets its own route cookie; open browsers until each process has one.
        assigned = {}
        for _ in range(16):
            tab = new_tab(browser, ignore_https_errors=True)
            tabs.append(tab)
            server = served_by(lambda tab=tab: (tab.goto(proxy.url), wait_for_app(tab)))
            assigned.setdefault(id(server), (server, tab))
            if len(assigned) == 2:
                break
        assert len(assigned) == 2, "16 browsers were all sent to one process"

        # Each signs in and works through several pages and a reload (a new websocket): every step is
        # served by the same process as the first.
        for (server, tab), username, heading in zip(assigned.values(), ("demo-lead", "demo-trainee"),
                                                    ("Team readiness", "My learning")):
            assert served_by(lambda: sign_in(tab, proxy.url, username)) is server
            expect(tab.get_by_role("heading", name=heading)).to_be_visible()
            for _ in range(3):
                assert served_by(lambda: next_action(tab)) is server
            assert served_by(lambda: (tab.reload(), wait_for_app(tab))) is server
            expect(tab.get_by_test_id("stSidebar").get_by_role("button", name="Sign out")).to_be_visible()
            cookie = {c["name"]: c for c in tab.context.cookies()}["carecoord_route"]
            assert cookie["secure"] and cookie["httpOnly"]

        # nginx's own log agrees: every request of one browser went to one upstream.
        upstreams_by_route: dict[str, set[str]] = {}
        for upstream, route in re.findall(r"upstream=(\S+) route=(\w+)", proxy.access_log()):
            upstreams_by_route.setdefault(route, set()).add(upstream)
        assert all(len(upstreams) == 1 for upstreams in upstreams_by_route.values()), upstreams_by_route
        assert len(set().union(*upstreams_by_route.values())) == 2
    finally:
        for tab in tabs:
            tab.context.close()
        proxy.stop()
