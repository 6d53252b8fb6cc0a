"""Signing in through the real log-in form, for the browser tests that act as several people."""

from __future__ import annotations

# The password every browser test's setup gives its accounts.
PASSWORD = "a long enough passphrase"


def log_in(browser, base: str, email: str, password: str = PASSWORD):
    """A new browser context (its own cookies) signed in as `email`; its page."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(base + "/users/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    return page
