"""voting.js in a real browser: a click votes in place, without reloading the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quaestio.votes.models import Vote
from quaestio.votes.services import vote_set
from tests.votes.factories import make_answer, make_question, make_user

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain
# synchronous test set-up, so Django's async-safety guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser_page(live_server, settings):
    playwright_sync = pytest.importorskip("playwright.sync_api")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context()
        yield context, live_server
        browser.close()


def _log_in(context, live_server, user) -> None:
    from django.conf import settings as django_settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_vote_click_updates_count_in_place(browser_page):
    """Clicking the up arrow votes through fetch: the count and pressed state change, no reload."""
    from playwright.sync_api import expect  # matches without eval, which the CSP forbids

    context, live_server = browser_page
    voter = make_user(200)
    question = make_question(make_user(1))
    answer = make_answer(question, make_user(1))
    _log_in(context, live_server, voter)
    page = context.new_page()
    page.goto(f"{live_server.url}/questions/{question.id}/x")
    page.evaluate("window.__notReloaded = true")
    cell = page.locator(f"#answer-{answer.id} .vote-cell")
    cell.locator("button.vote-up").click()
    expect(page.locator(f"#answer-{answer.id} .vote-count")).to_have_text("1")
    assert cell.locator("button.vote-up").get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.__notReloaded") is True
    assert Vote.objects.filter(post=answer, user=voter, vote_type=2).count() == 1
    cell.locator("button.vote-up").click()
    expect(page.locator(f"#answer-{answer.id} .vote-count")).to_have_text("0")
    assert not Vote.objects.filter(post=answer).exists()


def test_vote_click_sends_the_state_the_page_shows_as_intent(browser_page):
    """voting.js posts the intent read from the page: after another tab retracted the vote,
    a click on the arrow still shown pressed asks for no vote, and does not cast one again."""
    context, live_server = browser_page
    voter = make_user(200)
    question = make_question(make_user(1))
    _log_in(context, live_server, voter)
    page = context.new_page()
    page.goto(f"{live_server.url}/questions/{question.id}/x")
    cell = page.locator("#question .vote-cell")
    cell.locator("button.vote-up").click()
    from playwright.sync_api import expect  # matches without eval, which the CSP forbids

    expect(cell.locator(".vote-count")).to_have_text("1")
    vote_set(voter, question.id, None)  # the other tab's retraction
    cell.locator("button.vote-up").click()
    expect(cell.locator("button.vote-up")).to_have_attribute("aria-pressed", "false")
    assert not Vote.objects.filter(post=question).exists()


def test_refused_vote_shows_the_reason(browser_page):
    """A vote the viewer may not cast (too little reputation) is marked disabled, and a click
    on it shows the policy's reason beside the arrows."""
    context, live_server = browser_page
    voter = make_user(20)
    question = make_question(make_user(1))
    _log_in(context, live_server, voter)
    page = context.new_page()
    page.goto(f"{live_server.url}/questions/{question.id}/x")
    button = page.locator("#question .vote-cell button.vote-down")
    assert button.get_attribute("aria-disabled") == "true"
    button.click(force=True)  # a marked-disabled button still answers a click, with the reason
    error = page.locator("#question .vote-error")
    error.wait_for()
    assert "125" in error.text_content()


def test_visitor_vote_click_goes_to_login_and_back(browser_page):
    """A visitor's click on an arrow opens the login page, which will return to that answer."""
    context, live_server = browser_page
    question = make_question(make_user(1))
    answer = make_answer(question, make_user(1))
    page = context.new_page()
    page.goto(f"{live_server.url}/questions/{question.id}/x")
    with page.expect_navigation():
        page.locator(f"#answer-{answer.id} .vote-cell button.vote-up").click()
    assert "/users/login?next=" in page.url and f"answer-{answer.id}" in page.url
    assert not Vote.objects.exists()
