"""Real web processes for the multi-process tests: `quaestio serve` and `quaestio cluster` in
subprocesses, on a database of their own (a SQLite file in a temporary data directory, or a
PostgreSQL database named after the suite's when DATABASE_URL is set) and, when asked, Redis.
The test process itself talks to them only over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlencode, urlparse, urlunparse

import pytest

# Redis database numbers of this suite (the lead's allocation); tests flush it.
TEST_REDIS_URL = os.environ.get("QUAESTIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(50):
        first = free_port()
        if first + count >= 65535:
            continue
        try:
            for port in range(first, first + count + 1):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError("no run of free ports")


def _fresh_postgres_database(suffix: str) -> str:
    """A new, empty database beside DATABASE_URL's, for processes outside the test database."""
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/') or 'quaestio'}_{suffix}"
    admin = urlunparse(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(url._replace(path=f"/{name}"))


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def site_environment(tmp_path, suffix: str, redis_url: str | None = None, **extra) -> dict:
    """The environment of the processes: their own data directory and database."""
    env = {**os.environ, "QUAESTIO_DATA_DIR": str(tmp_path / "site"), **extra}
    env.pop("REDIS_URL", None)
    env.pop("QUAESTIO_SITE_URL", None)
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = _fresh_postgres_database(suffix)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def quaestio(*args: str) -> list[str]:
    return [sys.executable, "-m", "quaestio.cli", *args]


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get_json(url: str) -> tuple[int, dict]:
    status, body = get(url)
    return status, json.loads(body)


def wait_until_serving(url: str, process: subprocess.Popen | None = None, seconds=120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if get(url, timeout=2)[0] < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


def stop(process: subprocess.Popen) -> None:
    """Ends the process and the children in its group (Granian's workers)."""
    for number in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, number)
        except ProcessLookupError:
            return
        try:
            process.wait(10)
            if number == signal.SIGTERM:
                os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
        except (subprocess.TimeoutExpired, ProcessLookupError):
            continue
        return


@contextmanager
def web_processes(env: dict, count: int):
    """`count` separate `quaestio serve` processes on the same site; yields their base URLs.
    Started one after the other, so only the first creates the database."""
    processes, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                quaestio("serve", "--port", str(port), "--workers", "1"),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            processes.append(process)
            url = f"http://127.0.0.1:{port}"
            wait_until_serving(url + "/2.3/info?site=history&filter=total", process)
            urls.append(url)
        yield urls
    finally:
        for process in processes:
            stop(process)


class Browser:
    """A visitor with cookies, who does not follow redirects (the tests read them)."""

    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def send(self, url: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one GET, or POST when a form is given."""
        parsed = urlparse(url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request("POST" if form is not None else "GET", parsed.path, body, headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", text
        finally:
            connection.close()

    def log_in(self, site: str, email: str, password: str) -> None:
        self.send(f"{site}/users/login")  # the CSRF cookie
        status, _, _ = self.send(f"{site}/users/login", {"email": email, "password": password})
        assert status == 302, "logged in"


def create_user(env: dict, email: str, name: str, password: str) -> None:
    code = (
        "from quaestio.accounts.models import User; "
        f"User.objects.create_user({email!r}, {name!r}, {password!r})"
    )
    subprocess.run(quaestio("manage", "shell", "-c", code), env=env, check=True, timeout=120)
