"""AppTest helpers: run streamlit_app.py as a given demo person."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from carecoord import db as database
from carecoord.store import accounts

APP = str(Path(__file__).parents[2] / "streamlit_app.py")
TIMEOUT = 30

# Demo accounts by the role a test wants to act as.
AS = {
    "admin": "demo-admin",
    "lead": "demo-lead",
    "trainee": "demo-trainee",
    "family_faculty": "demo-faculty",
}


class _RouterErrors(logging.Handler):
    """Collects the router's "script run failed" records (AppTest runs the script in this process)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.getMessage() == "script run failed":
            self.records.append(record)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Any exception the router catches fails the test: the router draws its own message instead, so
    AppTest's `exception` list stays empty and the title is already drawn. A test that means to
    trigger one says so with @pytest.mark.script_error_expected."""
    handler = _RouterErrors()
    logger = logging.getLogger("carecoord")
    logger.addHandler(handler)
    try:
        result = yield
    finally:
        logger.removeHandler(handler)
    if handler.records and item.get_closest_marker("script_error_expected") is None:
        details = "\n".join(handler.format(r) + "\n" + logging.Formatter().formatException(r.exc_info)
                            for r in handler.records if r.exc_info)
        pytest.fail(f"the router caught {len(handler.records)} exception(s) from a page:\n{details}",
                    pytrace=False)
    return result


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


def sign_in_as(at: AppTest, db_path: Path, username: str, now) -> AppTest:
    """Give the tab a valid sign-in token for `username`, as the cookie would after a sign-in."""
    connection = database.connect(db_path)
    person_id = connection.execute("SELECT id FROM person WHERE username = ?", [username]).fetchone()[0]
    token = accounts.issue_token(connection, person_id, accounts_now(now))
    connection.close()
    at.session_state["carecoord_token"] = token
    return at


def accounts_now(now):
    # Tokens must outlive the real clock the app reads while the test runs.
    from carecoord.clock import utcnow

    return max(now, utcnow())


def use_database(monkeypatch, target) -> None:
    """Point the app at this database: a SQLite file, or a PostgreSQL URL."""
    if database.is_postgres_url(target):
        monkeypatch.setenv("CARECOORD_DATABASE_URL", target)
    else:
        monkeypatch.delenv("CARECOORD_DATABASE_URL", raising=False)
        monkeypatch.setenv("CARECOORD_DB", str(target))


@pytest.fixture
def app_env(demo_path, monkeypatch):
    use_database(monkeypatch, demo_path)
    return demo_path


@pytest.fixture
def empty_db(backend, tmp_path, monkeypatch, request):
    """An installation with no accounts yet (first-run set-up)."""
    target = (request.getfixturevalue("postgres_database")("empty") if backend == "postgresql"
              else tmp_path / "empty.db")
    use_database(monkeypatch, target)
    return target


@pytest.fixture
def app_as(app_env, now):
    """`app_as("lead")` is an AppTest signed in as the demo lead (or any demo username)."""

    def make(who: str) -> AppTest:
        # Run once so the person's navigation exists: switch_page then refuses pages outside it.
        return sign_in_as(new_app(), app_env, AS.get(who, who), now).run()

    return make


def sign_in_form(at: AppTest, username: str, password: str) -> AppTest:
    """Fill in and send the sign-in form, as a person would."""
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input(username)
    inputs["Password"].input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [e.value for kind in (at.error, at.warning, at.info, at.success) for e in kind]
    return "\n".join(str(p) for p in parts)


def navigation(at: AppTest) -> dict[str, list[str]]:
    """The sidebar's sections: each section's name and the page titles it lists."""
    return {section.label: [link.proto.label for link in section.get("page_link")] for section in at.sidebar.expander}


def page_links(at: AppTest) -> list:
    """The page's own links, in its main area (the navigation is in the sidebar)."""
    return list(at.main.get("page_link"))
