"""A second Quaestio server holding the demo's seed thread (the source the tests import from
through its Stack Exchange-compatible API), and a scripted HTTP proxy in front of it that adds
what a live API sends now and then: backoff, throttle errors, 5xx, a spent quota, bad answers."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cluster.servers import free_port, quaestio, site_environment, stop, wait_until_serving

LOAD_DEMO = "from quaestio.demo.loader import load_demo; load_demo()"


@pytest.fixture(scope="session")
def source_site(tmp_path_factory):
    """The base URL of the second server's API: `quaestio setup`, the demo loaded by the same
    loader `quaestio demo` runs, then `quaestio serve` (a daily quota large enough for every
    test; a method called more than 40 times a minute gets a backoff of 1 s)."""
    env = site_environment(
        tmp_path_factory.mktemp("importapi-source"),
        "importapi_source",
        QUAESTIO_API_QUOTA_ANONYMOUS="100000",
        QUAESTIO_API_REQUESTS_PER_SECOND="1000",
        QUAESTIO_API_BACKOFF_AFTER="40",
        QUAESTIO_API_BACKOFF_SECONDS="1",
    )
    subprocess.run(quaestio("setup"), env=env, check=True, timeout=300, capture_output=True)
    subprocess.run(
        quaestio("manage", "shell", "-c", LOAD_DEMO),
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(
        quaestio("serve", "--port", str(port), "--workers", "1", "--no-live"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/2.3"
        wait_until_serving(url + "/info?site=history", process)
        yield url
    finally:
        stop(process)


class ScriptedProxy:
    """Forwards every GET to the source and hands each answer to `script(method, number,
    payload)`, which returns it changed, or (status, body bytes) to send instead. `calls`
    records (monotonic time, method) of every request received."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.script = None
        self.calls: list[tuple[float, str]] = []
        self.requests: list[tuple[str, object]] = []  # (path and query, headers) of each
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                proxy.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/2.3"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self, method: str) -> int:
        return sum(1 for _, called in self.calls if called == method)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path, _, query = request.path.partition("?")
        method = path.removeprefix("/2.3/").strip("/")
        self.calls.append((time.monotonic(), method))
        self.requests.append((request.path, request.headers))  # names case-insensitive
        number = self.count(method)
        with urllib.request.urlopen(f"{self.upstream}/{method}?{query}", timeout=30) as upstream:
            payload = json.loads(upstream.read())
        status, body = 200, None
        if self.script is not None:
            changed = self.script(method, number, payload)
            if isinstance(changed, tuple):
                status, body = changed
            else:
                payload = changed
        if body is None:
            body = json.dumps(payload).encode()
        gzipped = "gzip" in (request.headers.get("Accept-Encoding") or "")
        if gzipped and status < 500 and body[:1] in (b"{", b"["):
            buffer = io.BytesIO()
            with gzip.GzipFile(fileobj=buffer, mode="wb") as stream:
                stream.write(body)
            body = buffer.getvalue()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        if gzipped and body[:2] == b"\x1f\x8b":
            request.send_header("Content-Encoding", "gzip")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(source_site):
    scripted = ScriptedProxy(source_site)
    yield scripted
    scripted.close()
