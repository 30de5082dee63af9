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


def start_cluster() -> Iterator[str]:
    """Start a cluster on a free loopback port; yields its URL and removes it afterwards."""
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
                                      f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off",
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
