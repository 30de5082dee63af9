"""Shared fixtures: a frozen clock, temp databases and the demo practice built once per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carecoord import db as database, demo
from tests.lrs import Lrs, LrsToolMissing, start_lrs

pytest_plugins = ["tests.postgres"]  # the postgres_url fixture: a throwaway cluster

FROZEN_NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return FROZEN_NOW


BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself; it runs on SQLite only")


def pytest_generate_tests(metafunc):
    """Every test that reaches a database (`db`, `demo_db`, `demo_path`, the app) runs on each backend,
    as `test[sqlite]` and `test[postgresql]`, unless it is marked sqlite_only."""
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", ("sqlite",) if only_sqlite else BACKENDS, scope="function")


@pytest.fixture
def db(backend, tmp_path, request):
    """A fresh, migrated database on the backend under test."""
    if backend == "postgresql":
        connection = database.connect(request.getfixturevalue("postgres_database")("empty"))
    else:
        connection = database.open_database(tmp_path / "test.db")
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo practice, built once; tests get their own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    connection = database.open_database(path)
    demo.load(connection, FROZEN_NOW)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.conn.close()
    return path


@pytest.fixture
def demo_path(backend, request, tmp_path) -> Path | str:
    """Where this test's own copy of the demo database is: a file, or a PostgreSQL URL."""
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database")("demo")
    path = tmp_path / "demo.db"
    shutil.copy(request.getfixturevalue("demo_template"), path)
    return path


@pytest.fixture
def demo_db(demo_path):
    connection = database.open_database(demo_path)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def lrs(tmp_path_factory) -> Iterator[Lrs]:
    """A ralph learning record store (xAPI) for the session (tests/lrs.py): `endpoint`, `username`,
    `password`, `stop()` and `start()`. A test that stops it starts it again before it ends."""
    try:
        server = start_lrs(tmp_path_factory.mktemp("lrs"))
    except LrsToolMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must be able to run ralph through uv")
        pytest.skip(str(missing))
    yield server
    server.close()
