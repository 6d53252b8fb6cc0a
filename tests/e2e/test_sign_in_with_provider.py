"""Logging in through an OpenID Connect provider in Chromium against `quaestio serve`: the
provider (tests/accounts/oidc_provider.py) runs in the test, configured by the environment as
a site owner would. The browser presses "Log in with …", follows the redirects to the provider
and back (the page's CSP lets the form go to the provider; the session cookie comes back on
the callback), lands signed in, and a second visit logs into the same account."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.e2e.conftest import quaestio_serve
from tests.e2e.test_writing_flow import QUAESTIO, _environment, _shell, _shot

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with Provider() as idp:
        data_dir = tmp_path_factory.mktemp("quaestio-sso-e2e")
        env = _environment(data_dir)
        env["QUAESTIO_OIDC_PROVIDERS"] = json.dumps(
            [
                {
                    "id": "staff",
                    "name": "Staff ID",
                    "server_url": idp.url,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                }
            ]
        )
        subprocess.run([*QUAESTIO, "setup"], env=env, check=True, timeout=300)
        with quaestio_serve(env) as base:
            yield base, env, idp


def test_log_in_through_the_provider(site, browser):
    from playwright.sync_api import expect

    base, env, idp = site
    idp.identity = {
        "sub": "e2e-1",
        "email": "grace@example.net",
        "email_verified": True,
        "name": "Grace Hopper",
    }
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base + "/users/login")
    page.click("button[data-provider=staff]")
    page.wait_for_url(base + "/")
    expect(page.locator("a.me")).to_contain_text("Grace Hopper")
    _shot(page, "sign-in-with-provider")
    # The settings page lists the linked login.
    page.goto(base + "/users/edit/logins")
    expect(page.locator(".linked-logins")).to_contain_text("grace@example.net")
    # Another browser, the same provider account: the same site account, not a second one.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(base + "/users/login")
    other.click("button[data-provider=staff]")
    other.wait_for_url(base + "/")
    expect(other.locator("a.me")).to_contain_text("Grace Hopper")
    _shell(
        env,
        "from quaestio.accounts.models import User; "
        "assert User.objects.filter(email='grace@example.net').count() == 1",
    )
