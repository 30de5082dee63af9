"""Real Chromium (Debian's, through Playwright) against a real `streamlit run` on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
               "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


def pytest_configure(config):
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a 2-core CI machine running the suite can be slow to rerun


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            # One worker runs every browser test in turn: two browsers and two servers at once on two
            # cores made page loads slow enough to time out.
            item.add_marker(pytest.mark.xdist_group("browser"))


def _need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run)")
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, db_path: Path, process: subprocess.Popen, log_path: Path,
                 database_url: str | None = None):
        self.url, self.db_path, self.process, self.log_path = url, db_path, process, log_path
        self.database = database_url or db_path  # what the app stores into: a file or a PostgreSQL URL

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")


# Every server this session started (their logs outlive them), for the check after each test.
_STARTED: list[Server] = []
# What a server's log shows when a script run failed: the router logs "script run failed" with the
# traceback of the exception it caught (and draws its own message, so the page can look fine).
LOG_FAILURES = ("script run failed", "Traceback")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Any exception a server logs while a test runs fails the test (the router catches a page's
    exception and draws its own message, so the browser alone may not show it). A test that means to
    trigger one says so with @pytest.mark.script_error_expected."""
    offsets = {id(server): server.log_size() for server in _STARTED}
    result = yield
    if item.get_closest_marker("script_error_expected") is None:
        time.sleep(0.2)  # the server writes its log a moment after the browser has the page
        for server in _STARTED:
            text = server.log_since(offsets.get(id(server), 0))
            if any(marker in text for marker in LOG_FAILURES):
                pytest.fail(f"the server at {server.url} logged an error during this test:\n{text[-6000:]}",
                            pytrace=False)
    return result


def start_server(tmp: Path, *, demo: bool = True, content_root: Path | None = None,
                 database_url: str | None = None, env: dict[str, str] | None = None) -> Server:
    """`streamlit run` on a free loopback port, on a SQLite file in `tmp` or on `database_url` (with `env` added)."""
    db_path = tmp / "e2e.db"
    env = {**os.environ, "CARECOORD_DB": str(db_path), "PYTHONUNBUFFERED": "1", **(env or {})}
    env.pop("CARECOORD_DATABASE_URL", None)
    if database_url is not None:
        env["CARECOORD_DATABASE_URL"] = database_url
    if content_root is not None:
        env["CARECOORD_CONTENT"] = str(content_root)
    if demo:
        subprocess.run([sys.executable, "-m", "carecoord.cli", "demo"], env=env, check=True, cwd=ROOT,
                       capture_output=True)
    port = _free_port()
    log_path = tmp / "streamlit.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                _STARTED.append(running := Server(url, db_path, process, log_path, database_url))
                return running
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    _need_chromium()
    running = start_server(tmp_path_factory.mktemp("e2e"))
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory, postgres_url) -> Iterator[Server]:
    """The app with the demo on a new PostgreSQL database ($CARECOORD_DATABASE_URL)."""
    import psycopg

    _need_chromium()
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS carecoord_e2e WITH (FORCE)")
        admin.execute("CREATE DATABASE carecoord_e2e")
    running = start_server(tmp_path_factory.mktemp("e2e-pg"),
                           database_url=postgres_url.rsplit("/", 1)[0] + "/carecoord_e2e")
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def browser():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


def wait_for_app(page) -> None:
    """Wait until the script run that the last action started has finished; check each new page's accessibility."""
    page.wait_for_timeout(150)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    check_accessibility(page)


_AXE = None


def _streamlit_dropzone(violation: dict) -> bool:
    """Streamlit's file uploader draws its drop zone as a focusable <section role="presentation"> (so the
    keyboard reaches it); axe calls that a minor conflict. It is Streamlit's markup, not ours, and only
    that exact node is excused (docs/decisions.md, "Records that travel")."""
    return violation["id"] == "presentation-role-conflict" and all(
        'data-testid="stFileUploaderDropzone"' in node["html"] for node in violation["nodes"])


def check_accessibility(page, again: bool = False) -> None:
    """axe-core on every page the e2e suite visits (once per address, unless `again`): no violations of any impact."""
    global _AXE
    checked = page.__dict__.setdefault("_carecoord_axe_checked", set())
    if page.url in checked and not again:
        return
    checked.add(page.url)
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    page.wait_for_timeout(400)  # let widgets finish drawing
    # Elements left over from the previous run are drawn faded until replaced; judge the settled page.
    page.wait_for_function("!document.querySelector('[data-stale=\"true\"]')", timeout=15_000)
    violations = [v for v in _AXE.run(page).response["violations"] if not _streamlit_dropzone(v)]
    assert not violations, "accessibility problems on " + page.url + ":\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']} at {v['nodes'][0]['target']}" for v in violations)


def sign_in(page, url: str, username: str, password: str = "demo-password", *, refused: bool = False) -> None:
    """Sign in through the form; `refused=True` when the test expects the sign-in to be refused."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_app(page)
    if not refused:
        wait_for_cookie(page)


def wait_for_cookie(page, timeout_s: float = 15) -> None:
    """The page writes the sign-in cookie just after the signed-in run; later navigation needs it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if any(c["name"] == "carecoord_session" and c["value"] for c in page.context.cookies()):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the sign-in cookie was never written")


def shoot(page, name: str) -> None:
    """Save a screenshot under screenshots/ (git-ignored) when SCREENSHOTS=1, for a person to look at."""
    if os.environ.get("SCREENSHOTS"):
        out = ROOT / "screenshots"
        out.mkdir(exist_ok=True)
        wait_for_app(page)
        page.wait_for_timeout(2000)  # widgets and tables draw after the run ends
        # Streamlit scrolls an inner container, so grow the window to the content's height instead.
        size = page.viewport_size
        height = page.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                               "[data-testid=stAppViewContainer] section')].map(e => e.scrollHeight), 0)")
        page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(out / f"{name}.png"))
        page.set_viewport_size(size)
