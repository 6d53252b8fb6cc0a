"""The demo, served by the production server, read in a real Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_reader_expands_comments_and_follows_a_user_link(demo_server, page, artifacts):
    """A reader opens the seed question, expands o.m.'s collapsed comments with a click, follows
    Semaphore's user card to the profile, and the screenshots are saved."""
    page.goto(demo_server + "/questions/38738")
    assert page.url.endswith("/questions/38738/why-did-stalin-have-trotsky-killed")
    assert page.locator("h1.question-title").inner_text() == "Why did Stalin have Trotsky killed?"
    assert page.locator("#answers-header").inner_text() == "7 Answers"

    comments = page.locator("#answer-38741 .comment")
    assert comments.count() == 5  # the five highest-voted; four more are not in the page
    page.screenshot(path=str(artifacts / "question-page.png"), full_page=True)

    page.locator("#answer-38741 .show-comments").click()
    page.locator("#answer-38741 .comment").nth(8).wait_for()
    assert page.locator("#answer-38741 .comment").count() == 9
    for index in range(9):
        assert comments.nth(index).is_visible()
    assert page.locator("#answer-38741 .show-comments").count() == 0
    assert page.url.endswith("/questions/38738/why-did-stalin-have-trotsky-killed")  # in place
    page.locator("#answer-38741").screenshot(path=str(artifacts / "comments-expanded.png"))

    page.locator("#question .signatures a.user-name", has_text="Semaphore").click()
    page.wait_for_url("**/users/1/semaphore")
    assert page.locator("h1").inner_text().startswith("Semaphore")
    assert "97,526" in page.locator(".profile-stats").inner_text()
    page.screenshot(path=str(artifacts / "user-profile.png"), full_page=True)


def test_comments_expand_without_javascript(browser, demo_server, artifacts):
    """With JavaScript off the "show more comments" link leads to the page with every comment."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(demo_server + "/questions/38738/why-did-stalin-have-trotsky-killed")
    comments = tab.locator("#answer-38741 .comment")
    assert comments.count() == 5
    tab.locator("#answer-38741 .show-comments").click()
    tab.wait_for_url("**comments=all*")
    assert comments.count() == 9
    assert all(comments.nth(i).is_visible() for i in range(9))
    context.close()


def test_page_is_readable_on_a_phone(browser, demo_server, artifacts):
    """At 390 px wide nothing overflows sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(demo_server + "/questions/38738/why-did-stalin-have-trotsky-killed")
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    tab.screenshot(path=str(artifacts / "question-page-phone.png"))
    context.close()
