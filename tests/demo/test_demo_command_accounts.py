"""`quaestio demo` prints the demo accounts before it serves, and they log in on the served
site with exactly what was printed (a real server process, a real HTTP log-in)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from tests.e2e.conftest import free_port


def _read_until_serving(process: subprocess.Popen, seconds: float = 120) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("the demo stopped before serving:\n" + "".join(lines))
        lines.append(line)
        if line.startswith("Quaestio is serving"):
            return lines
    raise AssertionError("the demo did not start serving:\n" + "".join(lines))


def _log_in(url: str, email: str, password: str) -> str:
    """Log in as a browser does (CSRF cookie and token from the form); the page reached."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(url + "/users/login", timeout=20).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": email, "password": password}
    ).encode()
    request = urllib.request.Request(url + "/users/login", data=data, headers={"Referer": url})
    with opener.open(request, timeout=20) as response:
        assert any(cookie.name == "sessionid" for cookie in jar), "no session after log-in"
        return response.read().decode()


def test_demo_prints_the_accounts_before_serving_and_they_log_in():
    data_dir = tempfile.mkdtemp(prefix="quaestio-demo-accounts-")
    port = free_port()
    env = {**os.environ, "QUAESTIO_DATA_DIR": data_dir, "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)  # the demo is the SQLite default
    process = subprocess.Popen(
        [sys.executable, "-m", "quaestio.cli", "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        printed = "".join(_read_until_serving(process))
        credentials = re.findall(r"^\s+(\S+@\S+)\s+password (\S+)", printed, re.MULTILINE)
        emails = [email for email, _ in credentials]
        assert emails == [
            "moderator@example.com",
            "trusted@example.com",
            "established@example.com",
            "newcomer@example.com",
        ], printed
        assert printed.index("Demo accounts") < printed.index("Quaestio is serving")
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        for email, password in credentials:
            page = _log_in(url, email, password)
            assert "Log out" in page or "logout" in page, email
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(data_dir, ignore_errors=True)
