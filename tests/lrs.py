"""A throwaway learning record store (xAPI) for tests: ralph 5.1.0 on a free loopback port.

ralph's server extras cannot share the project's environment (their fastapi and click are older
than Streamlit and sqlite-utils need), so it runs in a uv tool environment of its own:
`uv tool run --with requests --from 'ralph-malph[cli,lrs]==5.1.0'` (5.1.0 imports requests without
declaring it). The first run downloads ralph into uv's cache; later runs reuse it. `start_lrs` asks
uv for that environment's interpreter once and starts the server with it (no uv in between).

ralph stores statements in files (`RALPH_RUNSERVER_BACKEND=fs`) in the folder given. Its file
backend writes with "create" by default and so refuses every write after the first; the launcher
written next to the data switches it to "append" and then runs `ralph.api:app` under uvicorn
(`ralph runserver` would start uvicorn with reload on, watching the working folder). The launcher
also writes the credentials file on its first start, as `ralph auth -u USER -p PASS -s all -M
mailto:... -w` would (same model, bcrypt hash), which saves starting ralph's command line.

`Lrs.stop()` and `Lrs.start()` take it down and bring it back on the same port with the same data,
so a test can make the LRS unreachable half-way. Without `uv`, or when the tool environment cannot
be made (no network and nothing cached), `start_lrs` raises `LrsToolMissing`: the `lrs` fixture
then skips with the reason, except in CI (`CI=true`), where it fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

RALPH = "ralph-malph[cli,lrs]==5.1.0"
TOOL = ["--with", "requests", "--from", RALPH]
START_TIMEOUT_S = 180.0  # making the tool environment may download ralph; a server starts in 5-10 s
STOP_TIMEOUT_S = 10.0

LAUNCHER = '''\
"""Run ralph's LRS API with the file backend appending (written by tests/lrs.py)."""
import json
import os
import sys
from pathlib import Path

import bcrypt
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND  # before the app makes its backend

from ralph.api.auth.basic import ServerUsersCredentials
from ralph.conf import settings

# The credentials file as `ralph auth -u USER -p PASS -s all -M mailto:... -w` writes it (the same
# model and hash), made here rather than by a second start of ralph's command line.
auth_file = Path(settings.AUTH_FILE)
if not auth_file.exists():
    password = os.environ["LRS_TEST_PASSWORD"].encode()
    users = [{"agent": {"mbox": "mailto:carecoord-test@example.org", "objectType": "Agent"},
              "scopes": ["all"], "hash": bcrypt.hashpw(password, bcrypt.gensalt()).decode("ascii"),
              "username": os.environ["LRS_TEST_USERNAME"]}]
    text = json.dumps(users, indent=2)
    ServerUsersCredentials.model_validate_json(text)
    auth_file.write_text(text)

uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False)
'''


class LrsToolMissing(Exception):
    """ralph cannot be run here: no `uv`, or its tool environment could not be made; says why."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path: Path, limit: int = 3000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return text[-limit:].strip()


class Lrs:
    """A running ralph: `endpoint` (http://127.0.0.1:PORT/xAPI/), `username`, `password`;
    `stop()`, `start()` (same port, same data) and `close()`."""

    def __init__(self, folder: Path, python: str, port: int, username: str, password: str, env: dict[str, str]):
        self.folder, self.python, self.port = folder, python, port
        self.username, self.password = username, password
        self.env = env
        self.log = folder / "server.log"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start ralph (again) and return once it answers; RuntimeError with its stderr otherwise."""
        if self.running:
            return
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.python, str(self.folder / "launch_ralph.py"), str(self.port)],
                cwd=self.folder, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)  # its own process group, which stop() ends
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                code = self.process.returncode
                self.process = None
                raise RuntimeError(f"ralph exited with status {code} before answering:\n{_tail(self.log)}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"ralph did not answer on port {self.port} within {timeout:.0f} s:\n"
                                   f"{_tail(self.log)}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop ralph (the port then refuses connections); its data stays."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _group_alive(process.pid):  # nothing of it may keep the port
            if time.monotonic() > deadline:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.05)

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> Lrs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_lrs(tmp_dir: Path, username: str = "carecoord-test", password: str | None = None) -> Lrs:
    """Write the launcher into `tmp_dir`, start ralph on a free loopback port with its credentials
    file and data in `tmp_dir`, and return it once it answers."""
    uv = shutil.which("uv")
    if uv is None:
        raise LrsToolMissing("the LRS tests need uv on PATH, to run ralph in a tool environment of its own")
    folder = Path(tmp_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    password = password or secrets.token_urlsafe(16)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("RALPH_", "LRS_TEST_")) and key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    try:  # makes the tool environment, or finds it in uv's cache, and names its interpreter
        made = subprocess.run([uv, "tool", "run", *TOOL, "python", "-c",
                               "import sys, bcrypt, ralph.conf, uvicorn; print(sys.executable)"],
                              cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=START_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise LrsToolMissing(f"making ralph's tool environment ({RALPH}) took over {START_TIMEOUT_S:.0f} s") from None
    python = made.stdout.strip().splitlines()[-1] if made.stdout.strip() else ""
    if made.returncode != 0 or not Path(python).is_file():
        raise LrsToolMissing(f"could not make ralph's tool environment ({RALPH}) with uv tool run: "
                             f"{(made.stderr or made.stdout).strip()[-1500:]}")
    env.update({
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_APP_DIR": str(folder / "app"),
        "RALPH_AUTH_FILE": str(folder / "auth.json"),
        "RALPH_HISTORY_FILE": str(folder / "app" / "history.json"),
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
        "LRS_TEST_USERNAME": username,
        "LRS_TEST_PASSWORD": password,  # for the launcher's first start, which writes the auth file
        "PYTHONUNBUFFERED": "1",
    })
    (folder / "launch_ralph.py").write_text(LAUNCHER)
    (folder / "auth.json").unlink(missing_ok=True)
    server = Lrs(folder, python, _free_port(), username, password, env)
    server.start()
    return server
