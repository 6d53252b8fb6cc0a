"""AI-use disclosure in Chromium against `quaestio serve` (issue 19 point 4).

A writer answers from the full editor without the attribution line and picks "content": the
server refuses beside the question, keeping what was typed; they add an "AI:" line and post;
the answer shows "Contains AI-generated content, disclosed by the author"."""

from __future__ import annotations

import json

import pytest

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import _shell, server  # noqa: F401

pytestmark = [pytest.mark.e2e]

SETUP = """
import json
from quaestio.accounts.models import User
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag
Tag.objects.get_or_create(name="rome")
asker = User.objects.create_user("aiasker@example.org", "AI Asker", "{password}", reputation=1000)
question = question_ask(asker, title="How long did the Via Appia take to build?",
    body="I would like sources on how long the first stretch of the Via Appia took.", tags="rome")
User.objects.create_user("aiwriter@example.org", "AI Writer", "{password}", reputation=10)
open({out!r}, "w").write(json.dumps({{"question": question.id}}))
"""

ANSWER = "Livy says Appius Claudius began it in 312 BC; the first stretch took a few years."


def test_writer_discloses_ai_content_and_the_notice_shows(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    question_id = json.loads(out.read_text())["question"]

    writer = log_in(browser, base, "aiwriter@example.org")
    writer.goto(f"{base}/questions/{question_id}/answer")
    writer.fill("#answer-form textarea[name=body]", ANSWER)
    writer.check("#answer-form input[name=ai_use][value=content]")
    writer.click("#answer-form button[type=submit]")
    expect(writer.locator("#ai_use-error")).to_contain_text("starts with “AI:”")
    expect(writer.locator("#answer-form input[name=ai_use][value=content]")).to_be_checked()
    body = writer.locator("#answer-form textarea[name=body]")
    body.fill(ANSWER + "\n\nAI: ChatGPT summarised Livy's account; I checked book IX.")
    writer.click("#answer-form button[type=submit]")
    writer.wait_for_url(f"**/questions/{question_id}/**")
    notice = writer.locator("article.answer .ai-disclosure").first
    expect(notice).to_have_text("Contains AI-generated content, disclosed by the author")
    expect(writer.locator("article.question .ai-disclosure")).to_have_count(0)
