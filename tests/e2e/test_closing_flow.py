"""Closing as a duplicate and reopening, in Chromium against `quaestio serve` (issue 16).

Three 3k users close a question as a duplicate through the close dialog: the first vote's
automatic comment shows under the question, the third closes it, the comment is gone and the
title says [duplicate]; the notice above the question itself lists the original, as does the
reopen dialog's; the question's menu offers Reopen; three users reopen it.
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
asker = User.objects.create_user("asker@example.org", "Asker", "{password}", reputation=1000)
original = question_ask(asker, title="How did Caesar bridge the Rhine in 55 BC?",
    body="Caesar's commentaries describe a timber bridge; how was it built?", tags="rome")
duplicate = question_ask(asker, title="What did Caesar's bridge over the Rhine look like?",
    body="I read that Caesar bridged the Rhine; what did the bridge look like?", tags="rome")
for n in range(6):
    User.objects.create_user(f"curator{{n}}@example.org", f"Curator {{n}}", "{password}", reputation=3000)
open({out!r}, "w").write(json.dumps({{"original": original.id, "duplicate": duplicate.id}}))
"""


def test_three_users_close_as_duplicate_then_three_reopen(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())
    question = f"{base}/q/{ids['duplicate']}"

    curators = [log_in(browser, base, f"curator{n}@example.org") for n in range(6)]
    for number, page in enumerate(curators[:3]):
        page.goto(f"{base}/questions/{ids['duplicate']}/close")
        page.check("input[name=reason][value=duplicate]")
        page.fill("#original-text", "Caesar bridge Rhine")
        page.click("form.close-dialog button[type=submit]")
        # Words search titles: tick the original among the questions found.
        page.check(f"input[name=original][value='{ids['original']}']")
        page.click("form.close-dialog button[type=submit]")
        page.wait_for_url(f"**/questions/{ids['duplicate']}/**")
        if number == 0:
            expect(page.locator(".comment").first).to_contain_text(
                "Does this answer your question?"
            )
    page = curators[2]
    page.goto(question)
    expect(page.locator("h1")).to_contain_text("[duplicate]")
    expect(page.locator("body")).not_to_contain_text("Does this answer your question?")
    banner = page.locator(".closed-notice")
    expect(banner).to_contain_text("This question already has answers here:")
    expect(banner.locator(".duplicate-originals a")).to_have_text(
        "How did Caesar bridge the Rhine in 55 BC?"
    )
    expect(banner).to_contain_text("Curator 0")
    expect(page.locator("#question .post-menu")).to_contain_text("Reopen")
    page.goto(f"{base}/questions/{ids['duplicate']}/reopen")
    notice = page.locator(".closed-notice")
    expect(notice).to_contain_text("This question already has answers here:")
    expect(notice).to_contain_text("How did Caesar bridge the Rhine in 55 BC?")
    expect(notice).to_contain_text("Curator 0")

    for page in curators[3:]:
        page.goto(f"{base}/questions/{ids['duplicate']}/reopen")
        page.click("form button.primary")
        page.wait_for_url(f"**/questions/{ids['duplicate']}/**")
    page.goto(question)
    expect(page.locator("h1")).not_to_contain_text("[duplicate]")
