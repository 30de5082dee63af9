"""A throwaway PostgreSQL cluster for tests, from Debian's `postgresql` package.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` user, in a folder
outside pytest's root-only temporary tree. Without PostgreSQL the tests that need it skip with the
reason, except in CI (`CI=true`), where `.ci/run` installs it and they must run.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_cluster_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_cluster(settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start a cluster on a free loopback port (with these server settings); yields its URL and
    removes it afterwards."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing: CI must install Debian's postgresql (see .ci/run)")
        pytest.skip("PostgreSQL tests need Debian's postgresql (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="carecoord-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    data, log = folder / "data", folder / "log"
    subprocess.run(_as_cluster_owner([initdb, "-D", str(data), "-A", "trust", "-U", "carecoord", "--no-sync",
                                      "-E", "UTF8"]), check=True, capture_output=True)
    subprocess.run(_as_cluster_owner([pg_ctl, "-D", str(data), "-l", str(log), "-w", "-o",
                                      f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
                                      + "".join(f" -c {k}={v}" for k, v in (settings or {}).items()),
                                      "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql://carecoord@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_cluster_owner([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from start_cluster()


# Each test gets a database copied from a template (milliseconds); building the demo takes seconds.
def _build_template(url: str, kind: str) -> None:
    from carecoord import db as database, demo
    from tests.conftest import FROZEN_NOW

    connection = database.open_database(url)
    if kind == "demo":
        demo.load(connection, FROZEN_NOW)
    connection.close()


@pytest.fixture(scope="session")
def postgres_templates(postgres_url) -> Iterator[dict[str, str]]:
    """Template databases, built on first use: "empty" (migrated) and "demo" (the demo practice)."""
    built: dict[str, str] = {}
    yield built


@pytest.fixture
def postgres_database(postgres_url, postgres_templates) -> Iterator:
    """`postgres_database("empty" | "demo")`: the URL of a new database of that kind, dropped afterwards."""
    import psycopg

    made: list[str] = []
    base = postgres_url.rsplit("/", 1)[0]

    def make(kind: str) -> str:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            template = f"carecoord_template_{kind}"
            if kind not in postgres_templates:
                admin.execute(f"DROP DATABASE IF EXISTS {template}")
                admin.execute(f"CREATE DATABASE {template}")
                _build_template(f"{base}/{template}", kind)
                postgres_templates[kind] = template
            name = f"carecoord_test_{len(made)}_{os.getpid()}_{next(_numbers)}"
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        made.append(name)
        return f"{base}/{name}"

    yield make
    from carecoord import postgres

    postgres.close_pools()
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        for name in made:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


_numbers = iter(range(10**9))
