"""nginx from Debian on loopback, in front of app processes, with the configuration docs/deploy.md documents.

The documented site file (docs/deploy/nginx-carecoord.conf) is used as written except for what only a real
host has: its ports, a self-signed certificate for 127.0.0.1 and log paths. Each substitution must match the
file exactly once, so a change to the documented file that the test no longer exercises fails here.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.postgres import _free_port

ROOT = Path(__file__).parents[1]
SITE = ROOT / "docs" / "deploy" / "nginx-carecoord.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def need_nginx() -> None:
    if Path(NGINX).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("nginx is missing: CI must install Debian's nginx (see .ci/run)")
    pytest.skip("the proxy tests need Debian's nginx (apt-get install nginx)")


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"docs/deploy/nginx-carecoord.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def site_for_loopback(folder: Path, https_port: int, http_port: int, app_ports: list[int], public_port: int) -> str:
    site = SITE.read_text()
    upstreams = "".join(f"    server 127.0.0.1:{port};\n" for port in app_ports)
    site = _replace_once(site, "    server 127.0.0.1:8501;\n    server 127.0.0.1:8511;\n", upstreams)
    site = _replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = _replace_once(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = _replace_once(site, "/etc/letsencrypt/live/carecoord.example.org/fullchain.pem", str(folder / "cert.pem"))
    site = _replace_once(site, "/etc/letsencrypt/live/carecoord.example.org/privkey.pem", str(folder / "key.pem"))
    site = _replace_once(site, "/var/log/nginx/carecoord.access.log", str(folder / "access.log"))
    return _replace_once(site, "proxy_pass http://127.0.0.1:8502;", f"proxy_pass http://127.0.0.1:{public_port};")


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:PORT
    http_url: str  # the plain-HTTP listener, which only redirects
    folder: Path
    process: subprocess.Popen

    def access_log(self) -> str:
        return (self.folder / "access.log").read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_proxy(app_ports: list[int], public_port: int | None = None) -> Proxy:
    """nginx with the documented site on free loopback ports, in front of the app processes on `app_ports`."""
    need_nginx()
    folder = Path(tempfile.mkdtemp(prefix="carecoord-nginx-"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    https_port, http_port = _free_port(), _free_port()
    (folder / "carecoord.conf").write_text(
        site_for_loopback(folder, https_port, http_port, app_ports, public_port or _free_port()))
    temp = folder / "temp"
    temp.mkdir()
    # The main file a Debian host already has (/etc/nginx/nginx.conf), reduced to what a test needs.
    (folder / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/carecoord.conf;
}}
""")
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, f"nginx refused the documented configuration:\n{checked.stderr}"
    process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            return Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", folder, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"nginx did not start:\n{(folder / 'error.log').read_text(errors='replace')}")
