"""One line per script run in the server's log, when $CARECOORD_RUN_LOG is 1: for monitoring run times
and memory, and for seeing, behind a proxy, which process served which browser tab.

    carecoord run pid=4120 tab=3f9a1c0b2e4d page=team_readiness outcome=ok ms=84.2 rss_mb=231.5

outcome: ok (the page drew), stopped (the page, or the sign-in screen, ended the run early with st.stop:
nothing more to show, or no access), gate (the router drew the sign-in screen instead), rerun (an action
restarted the run), error (the router caught the page's exception; its traceback is logged just before).
A run with page=- and outcome=stopped could not reach the database (the router logs why just before).

`tab` is a digest of Streamlit's session id: the id itself lets a browser reattach to a tab, so it is
never written. No person is named.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from carecoord.ui import registry

# Which page this run draws: kept on the script thread, because after st.stop() session state cannot be read.
_this_run = threading.local()
# The router's page outcomes, as the log names them: "not run" means the router drew the sign-in (or
# set-up, or unlock) screen itself instead of a page.
_OUTCOMES = {"not run": "gate"}
log = logging.getLogger("carecoord.runs")


def enabled() -> bool:
    return os.environ.get("CARECOORD_RUN_LOG", "").strip() == "1"


def _logger() -> logging.Logger:
    if not getattr(log, "_carecoord_configured", False):  # Streamlit configures only its own loggers
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
        log._carecoord_configured = True
    return log


def note_page(url_path: str) -> None:
    """The router says which page this run draws (the bare address is the landing page)."""
    _this_run.page = url_path or "home"


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def tab_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()[:12]


@contextmanager
def timed() -> Iterator[None]:
    """Time the whole script run, however it ends (a page's st.stop and st.rerun end it too)."""
    if not enabled():
        yield
        return
    started = time.perf_counter()
    _this_run.page = "-"
    outcome = None
    try:
        yield
    except RerunException:  # an action that saved something starts the next run at once
        outcome = "rerun"
        raise
    except StopException:  # a page or the sign-in screen ended the run early (session state is closed now)
        outcome = "stopped"
        raise
    finally:
        if outcome is None:
            outcome = st.session_state.get(registry.PAGE_OUTCOME, "-")
        ctx = get_script_run_ctx()
        _logger().info("carecoord run pid=%d tab=%s page=%s outcome=%s ms=%.1f rss_mb=%.1f", os.getpid(),
                       tab_digest(ctx.session_id) if ctx else "-", _this_run.page,
                       _OUTCOMES.get(outcome, outcome), (time.perf_counter() - started) * 1000, _rss_mb())
