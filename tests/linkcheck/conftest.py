"""Local HTTP servers for the link checker's tests (threads, free ports, loopback only): a site
with dead, redirecting, slow, huge and flapping links and a robots.txt, and a stand-in of the
Internet Archive's availability API. Nothing here reaches the internet."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

HUGE_BYTES = 8 * 1024 * 1024
SLOW_SECONDS = 2.0
ROBOTS = "User-agent: *\nDisallow: /private/\n"


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self._send(301, headers={"Location": to})

    def do_HEAD(self) -> None:
        self._route()

    def do_GET(self) -> None:
        self._route()

    def _route(self) -> None:
        server = self.server
        path = urlsplit(self.path).path
        server.requests.append((self.command, path, self.headers.get("User-Agent", "")))
        if path == "/robots.txt":
            self._send(200, server.robots.encode())
        elif path in ("/ok", "/private/page") or path.startswith("/page"):
            self._send(200, b"<html>fine</html>", {"Content-Type": "text/html"})
        elif path == "/dead":
            self._send(404, b"not found")
        elif path == "/gone":
            self._send(410, b"gone")
        elif path == "/head-refused":
            self._send(405) if self.command == "HEAD" else self._send(200, b"fine by GET")
        elif path == "/redirect":
            self._redirect("/redirect-2")
        elif path == "/redirect-2":
            self._redirect(f"http://127.0.0.1:{server.server_port}/ok")
        elif path == "/loop-a":
            self._redirect("/loop-b")
        elif path == "/loop-b":
            self._redirect("/loop-a")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send(200, b"late")
        elif path == "/flap":
            server.flaps += 1
            self._send(200 if server.flaps % 2 else 404, b"flap")
        elif path == "/huge":
            self._huge()
        else:
            self._send(404)

    def _huge(self) -> None:
        if self.command == "HEAD":
            self._send(405)  # make the checker GET it
            return
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE_BYTES))
        self.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
                self.server.huge_sent += len(chunk)
        except OSError:
            pass  # the checker hung up after its cap, as it should


class _Wayback(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        url = parse_qs(parts.query).get("url", [""])[0]
        self.server.asked.append(url)
        if parts.path != "/wayback/available":
            body = b"{}"
            status = 404
        else:
            status = 200
            copy = self.server.copies.get(url)
            snapshots = (
                {
                    "closest": {
                        "available": True,
                        "url": copy,
                        "timestamp": "20200101000000",
                        "status": "200",
                    }
                }
                if copy
                else {}
            )
            body = json.dumps({"url": url, "archived_snapshots": snapshots}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(handler, **state):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    for name, value in state.items():
        setattr(server, name, value)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def site():
    server = _serve(_Site, requests=[], flaps=0, huge_sent=0, robots=ROBOTS)
    server.base = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def wayback():
    server = _serve(_Wayback, asked=[], copies={})
    server.endpoint = f"http://127.0.0.1:{server.server_port}/wayback/available"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_checks(settings):
    """The checker allowed to reach loopback only, quickly and without waiting between
    requests (the waits are tested with a clock of their own)."""
    settings.QUAESTIO_LINKCHECK_ALLOW_PRIVATE = False
    settings.QUAESTIO_LINKCHECK_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.QUAESTIO_LINKCHECK_TIMEOUT = 0.5
    settings.QUAESTIO_LINKCHECK_HOST_INTERVAL = 0
    settings.QUAESTIO_LINKCHECK_MAX_BYTES = 64 * 1024
    # The site's own address is not an outbound link (sources/extract.py): not 127.0.0.1 here.
    settings.SITE_URL = "http://quaestio.test"
    return settings
