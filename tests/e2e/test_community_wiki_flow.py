"""Community wiki in Chromium against `quaestio serve` (issue 16, spec §5.3).

An answer's author ticks "Community wiki" on the answer page; the answer shows "Community
wiki" instead of their card; a 100-reputation user (far below the 2,000 of free editing) edits
it straight away, without review; the card then counts two users.
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
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag
Tag.objects.get_or_create(name="rome")
asker = User.objects.create_user("wikiasker@example.org", "Wiki Asker", "{password}", reputation=1000)
question = question_ask(asker, title="Which roads did the legions use to reach Gaul?",
    body="I would like a list of the Roman roads the legions marched on into Gaul.", tags="rome")
User.objects.create_user("wikiauthor@example.org", "Wiki Author", "{password}", reputation=10)
User.objects.create_user("wikieditor@example.org", "Wiki Editor", "{password}", reputation=100)
open({out!r}, "w").write(json.dumps({{"question": question.id}}))
"""

ANSWER = "The Via Domitia, built from 118 BC, led from Italy across the Alps into Gaul."
ADDED = " The Via Agrippa network followed under Augustus."


def test_author_makes_an_answer_wiki_and_a_100_rep_user_edits_it(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    question_id = json.loads(out.read_text())["question"]

    author = log_in(browser, base, "wikiauthor@example.org")
    author.goto(f"{base}/questions/{question_id}/answer")
    author.fill("#answer-form textarea[name=body]", ANSWER)
    author.check("#community-wiki")
    author.check("#answer-form input[name=ai_use][value=none]")
    author.click("#answer-form button[type=submit]")
    author.wait_for_url(f"**/questions/{question_id}/**")
    answer = author.locator("article.answer").first
    card = answer.locator(".signatures .cw")
    expect(card.locator(".user-action")).to_have_text("Community wiki")
    expect(card.locator(".cw-editors")).to_have_text("1 user")
    expect(answer.locator(".signatures")).not_to_contain_text("Wiki Author")

    editor = log_in(browser, base, "wikieditor@example.org")
    editor.goto(author.url)
    editor.locator("article.answer .post-menu a", has_text="Edit").first.click()
    expect(editor.locator("h1")).to_contain_text("Edit answer")  # not "Suggest an edit"
    expect(editor.locator("body")).not_to_contain_text("peer reviewed")
    body = editor.locator("#edit-form textarea[name=body]")
    body.fill(ANSWER + ADDED)
    editor.click("#edit-form button[type=submit]")
    editor.wait_for_url(f"**/questions/{question_id}/**")
    answer = editor.locator("article.answer").first
    expect(answer).to_contain_text(ADDED.strip())
    card = answer.locator(".signatures .cw")
    expect(card.locator(".user-action")).to_have_text("Community wiki")
    expect(card.locator(".cw-editors")).to_have_text("2 users")
