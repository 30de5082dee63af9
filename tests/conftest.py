"""Shared fixtures: a frozen clock, temp databases and the demo practice built once per session."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carecoord import db as database, demo

pytest_plugins = ["tests.postgres"]  # the postgres_url fixture: a throwaway cluster

FROZEN_NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return FROZEN_NOW


@pytest.fixture
def db(tmp_path):
    """A fresh, migrated file database."""
    connection = database.open_database(tmp_path / "test.db")
    yield connection
    connection.conn.close()


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
def demo_path(demo_template, tmp_path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_path):
    connection = database.open_database(demo_path)
    yield connection
    connection.conn.close()
