"""Speed as the browser sees it: Debian's Chromium against `streamlit run`, every page of every role.

    uv run python -m bench.browser --scale L     # the issue's measurement (see bench/README.md for how long)
    uv run python -m bench.browser --scale S --repeats 2 --warmup 1   # a quick check of the harness

Builds the scale's organisation with `bench.build`, adds a family-faculty member (the builder makes none),
serves the app on it and the two-page hello-world app (`bench/hello_app.py`) the same way, side by side,
signs one browser context per role in by putting a fresh token in the `carecoord_session` cookie, and times
for every page of each role's navigation

- **navigation**: `page.goto(page's address)` until the app is idle, measured inside the page from the
  navigation's start (`performance.now()` of the new document, whose origin is the navigation start);
- **click**: a click on the page's sidebar link from the page before it in the role's list, measured from
  the click event (a capture listener) to idle.

"Idle" is the end of the last script run the action caused. The attribute `data-test-script-state` on
`[data-testid=stApp]` reads "notRunning" before the first run even starts, and a fast run can go from
"running" back to "notRunning" inside one React render, leaving nothing in the DOM to observe; so an init
script watches the websocket too (each run begins with ForwardMsg `new_session` and ends with
`script_finished`) and ends a run when its `script_finished` has arrived and the attribute reads
"notRunning" (OBSERVER_JS). A measurement ends once every run it started has ended and none has started for
QUIET_MS (a page that reruns itself is timed to the end of its last run).

Every timed page is checked: no "Something went wrong" / "You do not have access" text, no Streamlit
exception box, and the server's run log (CARECOORD_RUN_LOG=1) shows the action's last run with outcome=ok
(or stopped: a page that drew why it has nothing more to show) for the expected page, any before it
rerun/ok. A page that fails a check stops the bench: it is a failure, not a time.

Rounds: each round times hello world, then every role's pages (navigation, then clicks), so that drift of
a shared machine touches every figure alike; the first `--warmup` rounds are not kept.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.request import urlopen

from bench.timing import percentile
from tests.e2e.conftest import Server, _free_port

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "streamlit_app.py"
HELLO_APP = ROOT / "bench" / "hello_app.py"
RESULTS = ROOT / "bench" / "results"
QUIET_MS = 300  # no run may start for this long after the last one ended
ACTION_TIMEOUT_MS = int(os.environ.get('BENCH_ACTION_TIMEOUT_MS', 120_000))
ERROR_TEXTS = ("Something went wrong", "You do not have access")
RUN_LINE = re.compile(r"carecoord run pid=(\d+) tab=(\S+) page=(\S+) outcome=(\S+) ms=([\d.]+) rss_mb=([\d.]+)")

# Installed in every document before the app's own scripts. Two signals, because a fast run can go from
# "running" to "notRunning" within one React render, leaving no change in the DOM to observe:
# - the websocket: every script run begins with a ForwardMsg `new_session` (field 4) and ends with
#   `script_finished` (field 6); the top-level fields of each binary message are read (protobuf wire format);
# - the DOM: `data-test-script-state` on [data-testid=stApp], watched with a MutationObserver (old values
#   too, since several changes can arrive in one batch).
# A run has ended for the browser once its `script_finished` has arrived and the attribute reads
# "notRunning" (at that mutation, or at the next animation frame that sees it, so the end includes the
# frame that draws it); `lastEnd` is that moment.
OBSERVER_JS = """
(() => {
  const cc = window.__cc = {state: null, begun: 0, finished: 0, ended: 0, domRuns: 0, lastEnd: -1, clickAt: -1};
  const appState = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  const settle = () => {
    if (cc.finished > cc.ended && appState() === 'notRunning') {
      cc.ended = cc.finished; cc.lastEnd = performance.now();
    }
  };
  const onFrame = () => { settle(); if (cc.finished > cc.ended) requestAnimationFrame(onFrame); };
  const fields = (buffer) => {
    const b = new Uint8Array(buffer), found = new Set();
    let i = 0;
    const varint = () => {
      let v = 0, m = 1, x;
      do { x = b[i++]; v += (x & 0x7f) * m; m *= 128; } while (x & 0x80 && i < b.length);
      return v;
    };
    while (i < b.length) {
      const tag = varint(), wire = tag % 8;
      found.add(Math.floor(tag / 8));
      if (wire === 0) varint(); else if (wire === 1) i += 8; else if (wire === 5) i += 4;
      else if (wire === 2) { const n = varint(); i += n; } else break;
    }
    return found;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const found = fields(event.data);
        if (found.has(4)) cc.begun += 1;
        if (found.has(6)) { cc.finished += 1; requestAnimationFrame(onFrame); }
      });
    }
  };
  new MutationObserver((mutations) => {
    const states = [];
    mutations.forEach((m) => {
      if (m.type === 'attributes' && m.target.getAttribute('data-testid') === 'stApp') states.push(m.oldValue);
    });
    states.push(appState());
    for (const state of states.slice(1)) {
      if (state === 'running' && cc.state !== 'running') cc.domRuns += 1;
      cc.state = state;
    }
    cc.state = appState();
    settle();
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  document.addEventListener('click', () => { cc.clickAt = performance.now(); }, true);
})();
"""
IDLE_JS = f"""(after) => {{
  const cc = window.__cc;
  return !!cc && cc.ended > after && cc.ended === cc.finished && cc.finished >= cc.begun
         && performance.now() - cc.lastEnd >= {QUIET_MS};
}}"""


# ---------------------------------------------------------------- processes


class Served(Server):
    """A `streamlit run` the bench started: the e2e tests' server (its log), with a name and its runs parsed."""

    def __init__(self, name: str, url: str, port: int, process: subprocess.Popen, log_path: Path):
        super().__init__(url, None, process, log_path)  # no database file of its own to name
        self.name, self.port = name, port

    def runs_since(self, offset: int) -> list[dict]:
        return parse_runs(self.log_since(offset))


def parse_runs(text: str) -> list[dict]:
    return [{"pid": int(m[1]), "tab": m[2], "page": m[3], "outcome": m[4], "ms": float(m[5]), "rss_mb": float(m[6])}
            for m in RUN_LINE.finditer(text)]


def serve(script: Path, log_path: Path, env: dict[str, str], name: str) -> Served:
    """`streamlit run` as the e2e tests start it (headless, loopback, free port, no file watcher), in a process
    group of its own so that it and anything it starts are stopped together."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
         "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return Served(name, url, port, process, log_path)
        except OSError:
            time.sleep(0.2)
    stop_group(process)
    raise RuntimeError(f"{name} did not start:\n{log_path.read_text(errors='replace')[-4000:]}")


def stop_group(process: subprocess.Popen) -> None:
    """Terminate a process group started with start_new_session=True, killing it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def app_env(database: str | Path) -> dict[str, str]:
    """The app's environment: its database (a file or a PostgreSQL URL), the run log on, no idle lock."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CARECOORD_RUN_LOG": "1", "CARECOORD_IDLE_MINUTES": "0"}
    env.pop("CARECOORD_DATABASE_URL", None)
    if str(database).startswith("postgresql://"):
        env["CARECOORD_DATABASE_URL"] = str(database)
    else:
        env["CARECOORD_DB"] = str(database)
    return env


@contextlib.contextmanager
def terminated_on_signal():
    """SIGTERM (and SIGHUP) end the bench like Ctrl-C, so every `finally` stops what the bench started."""
    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {s: signal.signal(s, raise_interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# ---------------------------------------------------------------- the organisation and its roles


@dataclass
class Target:
    """One page of a role's navigation."""
    title: str
    url_path: str
    section: str
    query: str = ""  # for a hidden page reached by a link with its query
    hidden: bool = False


@dataclass
class Role:
    name: str
    username: str
    person_id: int
    pages: list[Target] = field(default_factory=list)


FAMILY_FACULTY_USERNAME = "bench-family-faculty"


def build_database(scale_name: str, workdir: Path, now) -> tuple[Path, object]:
    """The scale's organisation (bench.build), plus a family-faculty member with a few stories."""
    from bench import build as builder
    from carecoord.content import load_library

    library = load_library()
    started = time.perf_counter()
    built = builder.build(workdir / f"browser-{scale_name}.db", builder.SCALES[scale_name], library, now)
    print(f"built scale {scale_name} in {built.seconds:.1f} s", flush=True)
    add_family_faculty(built, library, now)
    print(f"  family faculty added; database ready in {time.perf_counter() - started:.1f} s", flush=True)
    return built.path, built


def add_family_faculty(built, library, now) -> int:
    """A family-faculty member of the middle practice, through the store, with three stories in draft."""
    from bench.build import PASSWORD
    from carecoord import auth
    from carecoord.db import connect
    from carecoord.people import FAMILY_FACULTY
    from carecoord.store import accounts, stories

    db = connect(built.path)
    try:
        practice_id = built.practice_ids[len(built.practice_ids) // 2]
        person_id = accounts.create_person(db, accounts.SYSTEM, username=FAMILY_FACULTY_USERNAME,
                                           display_name="Family faculty member", password="",
                                           password_hash=auth.hash_password(PASSWORD), now=now)
        accounts.add_membership(db, accounts.SYSTEM, person_id, practice_id, FAMILY_FACULTY, now,
                                discipline="family faculty")
        author = accounts.load_person(db, person_id)
        for n in range(3):
            story = stories.create_draft(db, author, now)
            stories.save_draft(db, author, story.id, now, title=f"What I wish the team had known {n + 1}",
                               body="When our daughter came home from the hospital we had eleven appointments "
                                    "in the first month and nobody who saw the whole picture. " * 6)
        return person_id
    finally:
        db.conn.close()


def roles(database: str | Path, built) -> list[Role]:
    """Who is timed: an administrator, the middle practice's lead, one of its coordinators, one of its senior
    coordinators named an assessor (pages the coordinator has are not timed again), and family faculty."""
    from carecoord.db import connect
    from carecoord.store import accounts
    from carecoord.ui import registry

    db = connect(database)
    try:
        index = len(built.practice_ids) // 2
        trainees = built.trainee_ids[index]
        assessor_id = next((pid for pid in trainees
                            if accounts.load_person(db, pid).assessor_practice_ids()), None)
        plain_id = next(pid for pid in reversed(trainees) if not accounts.load_person(db, pid).assessor_practice_ids())
        ff_id = db.execute("SELECT id FROM person WHERE username = ?", [FAMILY_FACULTY_USERNAME]).fetchone()[0]
        wanted = [("administrator", built.admin_id), ("practice lead", built.lead_ids[index]),
                  ("coordinator", plain_id)]
        if assessor_id is not None:
            wanted.append(("senior coordinator, assessor", assessor_id))
        wanted.append(("family faculty", ff_id))
        found: list[Role] = []
        timed: set[str] = set()
        for name, person_id in wanted:
            person = accounts.load_person(db, person_id)
            pages = [target_for(spec) for spec in registry.PAGES if spec.open_to(person)]
            if name.startswith("senior coordinator"):
                pages = [p for p in pages if p.url_path not in timed]  # the same pages as the coordinator's
            if name == "coordinator":
                timed = {p.url_path for p in pages}
            found.append(Role(name, person.username, person_id, pages))
        return found
    finally:
        db.conn.close()


def hidden_queries() -> dict[str, str]:
    """A sensible query for each hidden page: the first lesson, the first case."""
    from carecoord.content import load_library

    library = load_library()
    return {"lesson": f"lesson={library.lessons[0].id}", "case_player": f"case={library.cases[0].id}"}


_QUERIES: dict[str, str] = {}


def target_for(spec) -> Target:
    url_path = Path(spec.path).stem
    if spec.hidden and not _QUERIES:
        _QUERIES.update(hidden_queries())
    return Target(spec.title, url_path, spec.section, _QUERIES.get(url_path, "") if spec.hidden else "",
                  spec.hidden)


def issue_token(database: str | Path, person_id: int) -> str:
    from carecoord.clock import utcnow
    from carecoord.db import connect
    from carecoord.store import accounts

    db = connect(database)
    try:
        return accounts.issue_token(db, person_id, utcnow())
    finally:
        close = getattr(db, "close", None) or db.conn.close
        close()


# ---------------------------------------------------------------- the browser


def launch(playwright):
    from tests.e2e.conftest import CHROMIUM, LAUNCH_ARGS

    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)


def new_tab(browser, base_url: str, token: str | None = None):
    """A context of its own (its own cookies), signed in by the token in the app's cookie."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
    if token is not None:
        context.add_cookies([{"name": "carecoord_session", "value": token, "url": base_url,
                              "sameSite": "Strict", "secure": base_url.startswith("https")}])
    context.add_init_script(OBSERVER_JS)
    tab = context.new_page()
    tab.set_default_timeout(ACTION_TIMEOUT_MS)
    return tab


class BenchFailure(RuntimeError):
    """A page that did not draw, or drew an error: a failure of the bench, not a fast page."""


def _ended(tab) -> int:
    return tab.evaluate("window.__cc ? window.__cc.ended : 0")


def _wait_idle(tab, after: int) -> dict:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        tab.wait_for_function(IDLE_JS, arg=after, polling=50, timeout=ACTION_TIMEOUT_MS)
    except PlaywrightTimeout:
        raise BenchFailure(f"{tab.url} was not idle after {ACTION_TIMEOUT_MS} ms: "
                           f"{tab.evaluate('window.__cc && ({...window.__cc})')}, waiting for more than {after} "
                           "finished runs") from None
    return tab.evaluate("({...window.__cc})")


def time_navigation(tab, url: str) -> float:
    """ms from the navigation's start to the end of the last script run it caused."""
    tab.goto(url, wait_until="commit")
    state = _wait_idle(tab, 0)
    return state["lastEnd"]


def time_click(tab, link, prepare=None) -> float:
    """ms from the click on `link` to the end of the last script run it caused. `prepare` (untimed) makes the
    link clickable, and is called again when the click could not be made (an expander still moving)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    after = _ended(tab)
    begun = tab.evaluate("window.__cc.begun")
    for attempt in range(4):
        if prepare is not None:
            prepare()
        try:
            link.click(timeout=5_000)
            # A click that started no run missed (the sidebar moving under the pointer): make it again.
            tab.wait_for_function("(begun) => window.__cc.begun > begun", arg=begun, timeout=5_000, polling=20)
            break
        except PlaywrightTimeout:
            if attempt == 3:
                raise BenchFailure(f"could not click {link} on {tab.url}") from None
    state = _wait_idle(tab, after)
    if state["clickAt"] < 0:
        raise BenchFailure("the click was not seen by the page")
    return state["lastEnd"] - state["clickAt"]


def sidebar_link(tab, target: Target):
    """The target's sidebar link, and how to open its section first (untimed: an expander opens in the browser
    alone). After a page switch the sidebar closes the other sections, animated: wait for that to end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    sidebar = tab.locator("[data-testid='stSidebar']")
    link = sidebar.locator(f"a[href='{target.url_path}'], a[href$='/{target.url_path}']").first  # relative or not

    def open_section() -> None:
        with contextlib.suppress(PlaywrightTimeout):
            tab.wait_for_function("document.getAnimations().length === 0", timeout=3_000, polling=50)
        if not link.is_visible():
            sidebar.locator("[data-testid='stExpander'] summary").filter(has_text=target.section).first.click()
            with contextlib.suppress(PlaywrightTimeout):
                link.wait_for(state="visible", timeout=5_000)

    return link, open_section


def check_page(tab, served: Served | None, offset: int, expected_page: str | None, what: str) -> list[dict]:
    """The page drew itself: no error text or exception box; every run of this action logged outcome=ok."""
    text = tab.locator("[data-testid='stMain']").inner_text(timeout=10_000) if tab.locator(
        "[data-testid='stMain']").count() else ""
    for bad in ERROR_TEXTS:
        if bad in text:
            raise BenchFailure(f"{what}: the page shows {bad!r}:\n{text[:1500]}")
    if tab.locator("[data-testid='stException']").count():
        raise BenchFailure(f"{what}: the page shows an exception")
    if served is None:
        return []
    time.sleep(0.05)  # the log line is written as the run ends; let the file catch up
    runs = served.runs_since(offset)
    if not runs:
        raise BenchFailure(f"{what}: the server logged no run for this action")
    # A run that ended in st.rerun() ("rerun") is followed by the one that draws; "stopped" is a page that drew
    # why it has no more to show. "gate" (signed out), "error" and anything else fail.
    bad_runs = [r for r in runs[:-1] if r["outcome"] not in ("ok", "rerun", "stopped")]
    if bad_runs or runs[-1]["outcome"] not in ("ok", "stopped"):
        raise BenchFailure(f"{what}: the run log shows {bad_runs or runs[-1:]}")
    if expected_page and runs[-1]["page"] != expected_page:
        raise BenchFailure(f"{what}: the last run drew {runs[-1]['page']!r}, not {expected_page!r}")
    return runs


# ---------------------------------------------------------------- one role's pages, once


@dataclass
class Samples:
    """Per figure key: browser ms, and the server's own run ms (the last run of each action)."""
    browser: dict[str, list[float]] = field(default_factory=dict)
    server: dict[str, list[float]] = field(default_factory=dict)
    drawn: dict[str, dict] = field(default_factory=dict)  # what the page put in the browser (the last visit's)

    def note_drawn(self, key: str, tab) -> None:
        self.drawn[key] = tab.evaluate(DRAWN_JS)

    def add(self, key: str, ms: float, runs: list[dict]) -> None:
        self.browser.setdefault(key, []).append(ms)
        if runs:
            self.server.setdefault(key, []).append(sum(r["ms"] for r in runs))


# How much a page gives the browser to draw: Streamlit elements, all DOM nodes, and charts (Vega) and iframes.
DRAWN_JS = """() => ({elements: document.querySelectorAll('[data-testid=stElementContainer]').length,
  nodes: document.getElementsByTagName('*').length,
  charts: document.querySelectorAll('[data-testid=stVegaLiteChart], .vega-embed').length,
  iframes: document.getElementsByTagName('iframe').length})"""


def page_url(base: str, target: Target) -> str:
    return f"{base}/{target.url_path}" + (f"?{target.query}" if target.query else "")


def visit_role(tab, served: Served | None, base: str, role: Role, samples: Samples | None, *,
               clicks: bool = True) -> None:
    """Navigate to each of the role's pages, then click through the visible ones in turn. With `served` None
    (several tabs on one server) the run log is not checked per page: its lines cannot be told apart."""
    def offset() -> int:
        return served.log_size() if served is not None else 0

    for target in role.pages:
        start = offset()
        ms = time_navigation(tab, page_url(base, target))
        runs = check_page(tab, served, start, target.url_path, f"{role.name}: {target.title} (navigation)")
        if samples is not None:
            samples.add(key(role, target, "nav"), ms, runs)
    if not clicks:
        return
    visible = [t for t in role.pages if not t.hidden]
    # Start on the last page, so the first click comes from another page.
    start = offset()
    time_navigation(tab, page_url(base, visible[-1]))
    check_page(tab, served, start, visible[-1].url_path, f"{role.name}: {visible[-1].title} (before the clicks)")
    for target in visible:
        link, open_section = sidebar_link(tab, target)
        start = offset()
        ms = time_click(tab, link, open_section)
        runs = check_page(tab, served, start, target.url_path, f"{role.name}: {target.title} (click)")
        if samples is not None:
            samples.add(key(role, target, "click"), ms, runs)
            samples.note_drawn(key(role, target, "click"), tab)


def key(role: Role, target: Target, how: str) -> str:
    return f"{role.name}|{target.title}|{how}"


HELLO_ROLE = Role("hello world", "", 0, [Target("Hello", "", "", ""), Target("World", "world", "", "")])


def visit_hello(tab, served: Served, samples: Samples | None) -> None:
    """Navigation to the hello page, then a click on the other page's link in Streamlit's sidebar and back."""
    offset = served.log_size()
    ms = time_navigation(tab, served.url + "/")
    check_page(tab, None, offset, None, "hello world (navigation)")
    if samples is not None:
        samples.add("hello world|Hello|nav", ms, [])
    nav = tab.locator("[data-testid='stSidebarNav']")
    for title in ("World", "Hello"):
        ms = time_click(tab, nav.get_by_role("link", name=title))
        check_page(tab, None, 0, None, f"hello world ({title} click)")
        if samples is not None:
            samples.add(f"hello world|{title}|click", ms, [])
            samples.note_drawn(f"hello world|{title}|click", tab)


# ---------------------------------------------------------------- summary


def stats(values: list[float]) -> dict:
    import statistics

    return {"median_ms": round(statistics.median(values), 1), "p95_ms": round(percentile(values, 0.95), 1),
            "min_ms": round(min(values), 1), "max_ms": round(max(values), 1), "n": len(values)}


def summarise(samples: Samples, roles_timed: list[Role]) -> dict:
    hello_nav = stats(samples.browser["hello world|Hello|nav"])
    hello_click = stats(samples.browser["hello world|World|click"] + samples.browser["hello world|Hello|click"])
    pages = []
    for role in roles_timed:
        for target in role.pages:
            for how, base in (("nav", hello_nav), ("click", hello_click)):
                k = key(role, target, how)
                if k not in samples.browser:
                    continue
                figure = stats(samples.browser[k])
                pages.append({"role": role.name, "page": target.title, "how": how, **figure,
                              "ratio": round(figure["median_ms"] / base["median_ms"], 2),
                              "ratio_p95": round(figure["p95_ms"] / base["p95_ms"], 2),
                              "server_run": stats(samples.server[k]) if k in samples.server else None,
                              "drawn": samples.drawn.get(k)})
    worst = max(pages, key=lambda p: p["ratio"]) if pages else None
    return {"hello_navigation": hello_nav, "hello_click": hello_click, "pages": pages,
            "hello_drawn": samples.drawn.get("hello world|World|click"),
            "target": "every page <= 1.5x hello world (median)",
            "met": all(p["ratio"] <= 1.5 for p in pages), "worst": worst,
            "over_target": [f"{p['role']}: {p['page']} ({p['how']}) {p['ratio']}x" for p in pages if p["ratio"] > 1.5]}


def print_table(summary: dict) -> None:
    h, c = summary["hello_navigation"], summary["hello_click"]
    print(f"\nhello world: navigation median {h['median_ms']} ms p95 {h['p95_ms']}; "
          f"click median {c['median_ms']} ms p95 {c['p95_ms']}")
    print(f"{'role':<30} {'page':<28} {'how':<5} {'median':>8} {'p95':>8} {'x hello':>8} {'server ms':>10} "
          f"{'elements':>8} {'nodes':>6}")
    for p in summary["pages"]:
        server = f"{p['server_run']['median_ms']:.1f}" if p["server_run"] else ""
        drawn = p.get("drawn") or {}
        flag = "  over" if p["ratio"] > 1.5 else ""
        print(f"{p['role']:<30} {p['page']:<28} {p['how']:<5} {p['median_ms']:>8.0f} {p['p95_ms']:>8.0f} "
              f"{p['ratio']:>7.2f}x {server:>10} {drawn.get('elements', ''):>8} {drawn.get('nodes', ''):>6}{flag}")
    print(f"\ntarget {summary['target']}: {'MET' if summary['met'] else 'MISSED'}"
          + (f" ({len(summary['over_target'])} over)" if summary["over_target"] else ""))


# ---------------------------------------------------------------- the run


def machine_and_load() -> dict:
    from bench.run import load_state, machine

    return {"machine": machine(), "load": load_state()}


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    from carecoord.clock import utcnow

    started = time.perf_counter()
    report: dict = {"kind": "browser", "scale": args.scale, "date": utcnow().isoformat(timespec="seconds"),
                    "settings": {"repeats": args.repeats, "warmup": args.warmup, "quiet_ms": QUIET_MS},
                    **machine_and_load()}
    own_dir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="carecoord-browser-")) if own_dir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    servers: list[Served] = []
    try:
        now = utcnow().replace(microsecond=0)
        database, built = build_database(args.scale, workdir, now)
        report["build_seconds"] = round(built.seconds, 1)
        timed_roles = roles(database, built)
        if args.roles:
            timed_roles = [r for r in timed_roles if any(w in r.name for w in args.roles)]
        report["roles"] = [{"role": r.name, "username": r.username, "pages": [t.title for t in r.pages]}
                           for r in timed_roles]
        app = serve(APP, workdir / "app.log", app_env(database), "app")
        servers.append(app)
        hello = serve(HELLO_APP, workdir / "hello.log", app_env(database), "hello world")
        servers.append(hello)
        print(f"app at {app.url}, hello world at {hello.url}", flush=True)
        samples = Samples()
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                hello_tab = new_tab(browser, hello.url)
                tabs = {r.name: new_tab(browser, app.url, issue_token(database, r.person_id)) for r in timed_roles}
                for round_ in range(args.warmup + args.repeats):
                    kept = round_ >= args.warmup
                    mark = time.perf_counter()
                    visit_hello(hello_tab, hello, samples if kept else None)
                    for role in timed_roles:
                        try:
                            visit_role(tabs[role.name], app, app.url, role, samples if kept else None)
                        except Exception:
                            shot = workdir / "failure.png"
                            with contextlib.suppress(Exception):
                                tabs[role.name].screenshot(path=str(shot))
                            print(f"failed as {role.name} at {tabs[role.name].url}; screenshot {shot}", flush=True)
                            raise
                    print(f"round {round_ + 1}/{args.warmup + args.repeats}"
                          f"{'' if kept else ' (warm-up)'} in {time.perf_counter() - mark:.0f} s", flush=True)
            finally:
                browser.close()
        report["app_runs"] = summarise_log(app)
        report["summary"] = summarise(samples, timed_roles)
        report["samples_ms"] = {k: [round(v, 1) for v in vs] for k, vs in samples.browser.items()}
    finally:
        for served in servers:
            stop_group(served.process)
        if own_dir and not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    report["load_after"] = machine_and_load()["load"]
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def summarise_log(served: Served) -> dict:
    """The server's own run times and memory over the whole bench (every run, warm-up included)."""
    runs = served.runs_since(0)
    if not runs:
        return {}
    return {"runs": len(runs), "run_ms": stats([r["ms"] for r in runs]),
            "peak_rss_mb": max(r["rss_mb"] for r in runs),
            "outcomes": {o: sum(1 for r in runs if r["outcome"] == o) for o in {r["outcome"] for r in runs}}}


def save(report: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--repeats", type=int, default=10, help="timed rounds (default 10)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    parser.add_argument("--roles", nargs="+", help="only roles whose name contains one of these words")
    parser.add_argument("--json", type=Path, help="default bench/results/browser-<scale>.json")
    parser.add_argument("--workdir", type=Path, help="build the database and keep the logs here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server logs)")
    args = parser.parse_args(argv)
    with terminated_on_signal():
        report = run(args)
    print_table(report["summary"])
    path = save(report, args.json or RESULTS / f"browser-{args.scale}.json")
    print(f"\nwrote {path} ({report['seconds']:.0f} s in all)")
    return report


if __name__ == "__main__":
    main()
