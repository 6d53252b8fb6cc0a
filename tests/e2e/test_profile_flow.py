"""Profiles and settings in Chromium against `quaestio serve` (issue 18.1).

Livia, with ten years of reputation history, opens her profile, goes through the Activity tabs
(the reputation graph draws its line across the box), sorts her answers and sees her votes
cast, which a visitor cannot; she writes About me with the live preview. Then she changes her
password while logged in in a second browser, which is logged out; and Marcus deletes his
account, after which his answer is credited to `user<id>` as plain text.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import _shell, server  # noqa: F401

pytestmark = [pytest.mark.e2e]

SETUP = """
import json
from datetime import UTC, datetime, timedelta
from quaestio.accounts.models import User
from quaestio.posts.models import Post
from quaestio.posts.services import question_ask, answer_post
from quaestio.reputation.models import Reason, ReputationChange
from quaestio.tags.models import Tag
from quaestio.votes.services import vote_set
Tag.objects.get_or_create(name="rome")
livia = User.objects.create_user("livia@example.org", "Livia Drusilla", "{password}", reputation=3000)
marcus = User.objects.create_user("marcus@example.org", "Marcus Agrippa", "{password}", reputation=500)
question = question_ask(marcus, title="How did Agrippa build the Pantheon's first version?",
    body="The first Pantheon burned down; what do we know about how it was built?", tags="rome")
answer = answer_post(marcus, question.id,
    body="Cassius Dio says it was dedicated in 25 BC; the portico inscription names Agrippa.")
mine = question_ask(livia, title="Where did Livia's garden frescoes come from?",
    body="The garden room at Prima Porta is famous; who painted its frescoes and when?", tags="rome")
vote_set(livia, question.id, "up")
start = datetime(2016, 1, 1, 12, tzinfo=UTC)
ReputationChange.objects.bulk_create(
    ReputationChange(user=livia, amount=1, nominal=1, reason=Reason.UPVOTE,
                     created_at=start + timedelta(days=n)) for n in range(3650))
open({out!r}, "w").write(json.dumps({{"livia": livia.id, "marcus": marcus.id,
    "question": question.id, "answer": answer.id}}))
"""


def test_profile_tabs_graph_settings_and_deletion(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())

    livia = log_in(browser, base, "livia@example.org")
    livia.goto(f"{base}/users/{ids['livia']}")
    expect(livia.locator("h1")).to_contain_text("Livia Drusilla")
    expect(livia.locator(".top-posts")).to_contain_text("Livia's garden frescoes")

    livia.click(".profile-tabs >> text=Activity")
    expect(livia.locator(".activity-nav a.current")).to_have_text("Summary")
    livia.click(".activity-nav >> text=Reputation")
    assert "tab=reputation" in livia.url
    graph = livia.locator(".reputation-graph polyline")
    box = graph.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 100, box
    assert livia.locator(".reputation-graph").get_attribute("data-bucket") == "month"
    livia.screenshot(path="tests/artifacts/profile-reputation.png")

    livia.click(".activity-nav >> text=Questions")
    livia.click(".profile-sorts >> text=Newest")
    assert "sort=newest" in livia.url
    expect(livia.locator(".profile-sorts a.current")).to_have_text("Newest")
    livia.click(".activity-nav >> text=Votes")
    expect(livia.locator(".vote-list")).to_contain_text("Agrippa build the Pantheon")

    visitor = browser.new_context().new_page()
    visitor.goto(f"{base}/users/{ids['livia']}?tab=activity")
    expect(visitor.locator(".activity-nav")).not_to_contain_text("Votes")
    assert visitor.goto(f"{base}/users/{ids['livia']}?tab=votes").status == 404

    # About me with the live preview, saved and shown on the profile.
    livia.goto(base + "/users/edit")
    livia.fill("#about_me", "Wife of **Augustus** for fifty years.")
    expect(livia.locator("#about-preview strong")).to_have_text("Augustus")
    livia.click("form.post-form button[type=submit]")
    expect(livia.locator(".about strong")).to_have_text("Augustus")

    # A password change logs the other browser out; this one stays in.
    second = log_in(browser, base, "livia@example.org")
    livia.goto(base + "/users/edit/password")
    livia.fill("#current", PASSWORD)
    livia.fill("#new", "an entirely different passphrase")
    livia.click("form.post-form button[type=submit]")
    expect(livia.locator(".notice")).to_contain_text("logged out")
    second.goto(base + "/users/edit")
    assert "/users/login" in second.url
    livia.goto(base + "/users/edit")
    assert livia.url.endswith("/users/edit")

    # Marcus deletes his account: his answer stays, credited to user<id> as plain text.
    marcus = log_in(browser, base, "marcus@example.org")
    marcus.goto(base + "/users/delete")
    marcus.check("input[name=confirm]")
    marcus.fill("#password", PASSWORD)
    marcus.click("form.post-form button[type=submit]")
    expect(marcus.locator("h1")).to_have_text("Your account is deleted")
    marcus.goto(f"{base}/a/{ids['answer']}")
    placeholder = f"user{ids['marcus']}"
    expect(marcus.locator(f".deleted-user >> text={placeholder}").first).to_be_visible()
    assert marcus.locator("text=Marcus Agrippa").count() == 0
    marcus.screenshot(path="tests/artifacts/profile-deleted-author.png", full_page=True)
