"""A small HTTP server for the public JSON (`carecoord serve-public`; the documents: `carecoord.published`).

Streamlit serves pages, not JSON at chosen paths, so these documents come from this server instead;
the reverse proxy sends `/public/` to it and everything else to the app (README, "Records that travel").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from carecoord.content.models import Library
from carecoord.db import Database
from carecoord.published import document

log = logging.getLogger(__name__)


def make_server(host: str, port: int, open_db: Callable[[], Database], library: Callable[[], Library]) -> ThreadingHTTPServer:
    """The server; `open_db` gives a handle per request (the store's, on either backend)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "carecoord-public"
        sys_version = ""

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            self._answer(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(with_body=False)

        def _answer(self, with_body: bool) -> None:
            path = urlsplit(self.path).path
            try:
                db = open_db()
                try:
                    found = document(path, db, library())
                finally:
                    db.close()
            except Exception:  # a broken database must not show a traceback to the world
                log.exception("public document %s failed", path[:200])
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "temporarily unavailable"}, with_body)
            if found is None:
                return self._send(HTTPStatus.NOT_FOUND, {"error": "not found"}, with_body)
            self._send(HTTPStatus.OK, found, with_body, max_age=60 if path.endswith("revocations.json") else 3600)

        def _send(self, status: HTTPStatus, body: dict, with_body: bool, max_age: int = 0) -> None:
            data = json.dumps(body, indent=2, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Access-Control-Allow-Origin", "*")  # verifiers run in other sites' pages
            self.send_header("Cache-Control", f"public, max-age={max_age}" if max_age else "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if with_body:
                self.wfile.write(data)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            line = format % args
            log.info("%s %r", self.address_string(), line[:300])  # repr: a request line cannot forge log lines

    return ThreadingHTTPServer((host, port), Handler)
