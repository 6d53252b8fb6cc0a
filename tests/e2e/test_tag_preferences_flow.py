"""Watched tags and tag excerpts in Chromium against `quaestio serve` (issue 18, point 3).

A user watches [rome] from the tag page (a plain form post); /questions then highlights the
question in [rome]; the tag links show the tag's excerpt as hover text (site.js fills the
title from /tags/excerpts.json), on the list and on the question page.
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
from quaestio.tags.wiki import tag_wiki_edit
for name in ("rome", "greece"):
    Tag.objects.get_or_create(name=name)
asker = User.objects.create_user("tagasker@example.org", "Tag Asker", "{password}", reputation=1000)
rome = question_ask(asker, title="How did Roman legions cross wide rivers?",
    body="I would like to know how the legions crossed the Rhine and the Danube.", tags="rome")
greece = question_ask(asker, title="Why did Sparta never build city walls?",
    body="Sparta seems to have had no walls for centuries; why was that the case?", tags="greece")
mod = User.objects.create_user("tagmod@example.org", "Tag Mod", "{password}", is_moderator=True)
tag_wiki_edit(mod, "rome", excerpt="Ancient Rome, from the city's founding to 476.", wiki="")
User.objects.create_user("watcher@example.org", "Watcher", "{password}", reputation=1)
open({out!r}, "w").write(json.dumps({{"rome": rome.id, "greece": greece.id}}))
"""


def test_watching_a_tag_highlights_its_questions_and_tags_show_excerpts(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())

    watcher = log_in(browser, base, "watcher@example.org")
    watcher.goto(f"{base}/questions/tagged/rome")
    watcher.click("button:has-text('Watch tag')")
    expect(watcher.locator(".tag-watched-note")).to_be_visible()

    watcher.goto(f"{base}/questions")
    expect(watcher.locator(f"#question-summary-{ids['rome']}")).to_have_class(
        "question-summary tag-watched"
    )
    expect(watcher.locator(f"#question-summary-{ids['greece']}")).to_have_class("question-summary")
    excerpt = "Ancient Rome, from the city's founding to 476."
    expect(
        watcher.locator(f"#question-summary-{ids['rome']} a.tag", has_text="rome")
    ).to_have_attribute("title", excerpt)

    watcher.goto(f"{base}/questions?tab=watched")
    expect(watcher.locator(".question-summary")).to_have_count(1)

    watcher.goto(f"{base}/questions/{ids['rome']}")
    expect(watcher.locator("a.tag[rel=tag]", has_text="rome").first).to_have_attribute(
        "title", excerpt
    )
