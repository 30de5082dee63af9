"""The run log: one line per script run, however the run ends, and nothing when it is off."""

import logging

import pytest
from streamlit.testing.v1 import AppTest

from carecoord.ui import runlog


def _stops():
    import streamlit as st

    from carecoord.ui import runlog

    with runlog.timed():
        runlog.note_page("family_voices")
        st.write("No stories yet.")
        st.stop()


def _draws():
    import streamlit as st

    from carecoord.ui import registry, runlog

    with runlog.timed():
        runlog.note_page("")
        st.session_state[registry.PAGE_OUTCOME] = "ok"
        st.write("Home")


@pytest.fixture
def lines():
    caught: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            caught.append(record.getMessage())

    handler = Keep()
    runlog.log.addHandler(handler)
    yield caught
    runlog.log.removeHandler(handler)


@pytest.mark.parametrize(("script", "page", "outcome"), [(_stops, "family_voices", "stopped"), (_draws, "home", "ok")])
def test_a_run_is_logged_however_it_ends(monkeypatch, lines, script, page, outcome):
    monkeypatch.setenv("CARECOORD_RUN_LOG", "1")
    at = AppTest.from_function(script).run()
    assert not at.exception
    assert len(lines) == 1, lines
    assert f" page={page} outcome={outcome} ms=" in lines[0]
    tab = lines[0].split(" tab=")[1].split()[0]
    assert len(tab) == 12 and int(tab, 16) >= 0  # a digest of the session id, never the id itself


def test_nothing_is_logged_when_it_is_off(monkeypatch, lines):
    monkeypatch.delenv("CARECOORD_RUN_LOG", raising=False)
    AppTest.from_function(_draws).run()
    assert lines == []
