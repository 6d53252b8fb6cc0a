"""Browser tests: the real production server on a free port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else "(not kept)"
            raise RuntimeError(f"the server exited with {process.returncode}: {output}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on {url} within {seconds} s")


@contextmanager
def quaestio_serve(env: dict[str, str], *, live: bool = False, seconds: float = 120):
    """`quaestio serve` (one worker) on a free port for a data directory already set up in
    `env`: its address while the block runs, once it answers (and its live-updates process,
    with `live`). Generous: a loaded 2-core machine takes most of a minute to start it."""
    port = free_port()
    command = [sys.executable, "-m", "quaestio.cli", "serve", "--port", str(port)]
    waits = [f"http://127.0.0.1:{port}/"]
    if live:
        live_port = free_port()
        command += ["--live-port", str(live_port)]
        waits.append(f"http://127.0.0.1:{live_port}/live/status.json")
    process = subprocess.Popen(
        [*command, "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for url in waits:
            _wait_for(url, process, seconds)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def demo_server(demo_site):
    """The demo's address."""
    return demo_site[0]


@pytest.fixture(scope="session")
def demo_site():
    """`quaestio demo` in a fresh data directory, exactly as the README runs it: its address
    and its data directory (where the file e-mail backend writes the site's e-mails)."""
    data_dir = tempfile.mkdtemp(prefix="quaestio-e2e-")
    port = free_port()
    env = {**os.environ, "QUAESTIO_DATA_DIR": data_dir}
    env.pop("DATABASE_URL", None)  # the demo is the SQLite default
    process = subprocess.Popen(
        [sys.executable, "-m", "quaestio.cli", "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/", process)
        yield url, Path(data_dir)
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
