"""Whole script runs of real pages with Streamlit's AppTest, and the peak memory of a process running them.

Run as a module (`python -m bench.pages DB LEAD TRAINEE`) it runs the three pages a few times in a
fresh process and prints its peak resident memory as JSON; `--hello` runs only a hello-world page,
the floor for a Streamlit process.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.timing import Stats, measure

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
READINESS = "carecoord/ui/app_pages/team_readiness.py"
HOME = "carecoord/ui/app_pages/my_learning.py"  # where a trainee lands after signing in
GROWTH = "carecoord/ui/app_pages/growth.py"
ACCOUNT = "carecoord/ui/app_pages/account.py"  # the lightest signed-in page: the router's own cost
HELLO = "import streamlit as st\nst.title('Hello')\nst.write('A hello-world page: the floor of a script run.')\n"
TIMEOUT = 300


def hello_app() -> AppTest:
    return AppTest.from_string(HELLO, default_timeout=TIMEOUT)


def signed_in_app(db_path: Path | str, username: str) -> AppTest:
    """An AppTest of the real app, signed in as `username` the way the browser cookie would."""
    from carecoord.clock import utcnow
    from carecoord.db import connect, is_postgres_url
    from carecoord.store import accounts

    if is_postgres_url(db_path):
        os.environ["CARECOORD_DATABASE_URL"] = str(db_path)
    else:
        os.environ.pop("CARECOORD_DATABASE_URL", None)
        os.environ["CARECOORD_DB"] = str(db_path)
    os.environ["CARECOORD_IDLE_MINUTES"] = "0"
    connection = connect(db_path)
    person_id = connection.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0]
    token = accounts.issue_token(connection, person_id, utcnow())
    connection.close()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["carecoord_token"] = token
    return at


def page_app(db_path: Path, username: str, page: str) -> AppTest:
    at = signed_in_app(db_path, username).run()
    at.switch_page(page).run()
    _check(at, page)
    return at


def _check(at: AppTest, page: str) -> None:
    """A run that raised or drew the router's error message is not a measurement."""
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].message}")
    errors = [e.value for e in at.error]
    if errors:
        raise RuntimeError(f"{page} showed an error: {errors[0]}")
    if not at.title:
        raise RuntimeError(f"{page} drew no title")


def time_page(at: AppTest, *, repeats: int, warmup: int) -> Stats:
    return measure(at.run, repeats=repeats, warmup=warmup)


def peak_memory(db_path: Path | None, lead: str = "", trainee: str = "", runs: int = 3) -> dict:
    """Run the pages (or hello world) in a fresh interpreter and return its peak RSS in MB."""
    args = [sys.executable, "-m", "bench.pages", "--runs", str(runs)]
    args += ["--hello"] if db_path is None else [str(db_path), lead, trainee]
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=Path(APP).parent,
                         timeout=1800).stdout
    return json.loads(out.strip().splitlines()[-1])


def _main(argv: list[str]) -> None:
    import argparse
    import logging

    parser = argparse.ArgumentParser()
    parser.add_argument("db", nargs="?")
    parser.add_argument("lead", nargs="?")
    parser.add_argument("trainee", nargs="?")
    parser.add_argument("--hello", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    if args.hello:
        at = hello_app()
        for _ in range(args.runs):
            at.run()
        pages = ["hello world"]
    else:
        db_path = args.db if "://" in args.db else Path(args.db)
        pages = []
        for username, page in ((args.lead, READINESS), (args.trainee, HOME), (args.trainee, GROWTH)):
            at = page_app(db_path, username, page)
            for _ in range(args.runs):
                at.run()
                _check(at, page)
            pages.append(page)
    print(json.dumps({"peak_rss_mb": round(peak_rss_kb() / 1024, 1), "pages": pages, "runs": args.runs}))


def peak_rss_kb() -> int:
    """This process's peak resident memory. VmHWM belongs to the process's own address space; getrusage's
    ru_maxrss would start from the parent's size at fork, which exec does not reset on Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    _main(sys.argv[1:])
