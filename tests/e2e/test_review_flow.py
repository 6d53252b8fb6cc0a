"""Reviewing one item of the first-answers queue, in Chromium against `quaestio serve`.

A new user's first answer enters the queue when posted; a 500-reputation reviewer opens
/review, sees the queue's count, opens it, shares the canned "supporting information"
feedback: the queue is then cleared for them, the Community comment shows under the answer,
and the queue's history names the reviewer.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import _shell, server  # noqa: F401

pytestmark = [pytest.mark.e2e]


SETUP = """
import json
from quaestio.accounts.models import User
from quaestio.posts.services import answer_post, question_ask
from quaestio.tags.models import Tag
Tag.objects.get_or_create(name="rome")
asker = User.objects.create_user("asker@example.org", "Asker", "{password}", reputation=1000)
newcomer = User.objects.create_user("newcomer@example.org", "Newcomer", "{password}", reputation=1)
User.objects.create_user("reviewer@example.org", "Riley Reviewer", "{password}", reputation=500)
q = question_ask(asker, title="How did Roman legions cross the Danube?",
    body="Trajan's bridge is famous; what did legions do before it was built?", tags="rome")
a = answer_post(newcomer, q.id, body="They used pontoon bridges made of boats tied together.")
open({out!r}, "w").write(json.dumps({{"question": q.id, "answer": a.id}}))
"""


def test_a_reviewer_shares_feedback_on_a_first_answer(server, browser, tmp_path, artifacts):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())

    page = log_in(browser, base, "reviewer@example.org")

    page.goto(base + "/review")
    queue = page.locator('[data-queue="first-answers"]')
    expect(queue.locator(".review-count")).to_have_text("1")
    queue.get_by_role("link", name="First answers").click()
    expect(page.locator(".review-post")).to_contain_text("pontoon bridges")
    page.screenshot(path=str(artifacts / "review-first-answer.png"), full_page=True)
    page.check("input[name=feedback][value=supporting]")
    page.get_by_role("button", name="Share feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for reviewing")
    expect(page.locator(".review-cleared")).to_be_visible()

    page.goto(f"{base}/q/{ids['question']}")
    expect(page.locator(f"#answer-{ids['answer']}")).to_contain_text(
        "additional supporting information"
    )
    page.goto(base + "/review/first-answers/history")
    row = page.locator(".review-row").first
    expect(row).to_contain_text("Riley Reviewer")
    expect(row).to_contain_text("Share feedback")
