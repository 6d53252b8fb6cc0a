"""`quaestio demo` as the README runs it: what it says and what the site it serves writes."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def test_demo_on_another_port_writes_links_for_that_port(demo_server):
    """`quaestio demo --port N`: the API's links name port N, not the default 8000."""
    port = demo_server.rsplit(":", 1)[1]
    with urllib.request.urlopen(demo_server + "/2.3/questions?site=history") as response:
        items = json.load(response)["items"]
    assert items
    for item in items:
        assert item["link"].startswith(f"http://127.0.0.1:{port}/questions/"), item["link"]


def test_demo_help_says_a_second_run_keeps_the_data():
    """The help text matches the README: the demo loads into an empty data directory and a
    second run serves what is there, rather than promising a fresh one."""
    shown = subprocess.run(
        [sys.executable, "-m", "quaestio.cli", "demo", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(shown.split())
    assert "fresh data directory" not in text
    assert "served as it is" in text


def test_served_site_url_names_the_port_and_a_reachable_host():
    from quaestio.cli_commands import served_site_url

    assert served_site_url("127.0.0.1", 8731) == "http://127.0.0.1:8731"
    assert served_site_url("0.0.0.0", 8731) == "http://127.0.0.1:8731"
    assert served_site_url("::1", 80) == "http://[::1]:80"
