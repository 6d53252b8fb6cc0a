"""A moderator handles a flag and suspends the author, in Chromium against `quaestio serve`
(issue 17.7, the second browser test).

A reader flags the user's answer "in need of moderator intervention" with an explanation; the
moderator finds it on the flag dashboard (/admin), marks it helpful, then opens the author's
profile, its moderation page and the suspend form, and gives 7 days with a reason. The user then sees the notice with the reason and the end date on every
page; the question page's vote buttons, comment link and answer form refuse with the
suspension's message, the ask page says why; and POSTs forged with a valid CSRF token (answer,
comment, vote) are refused by the server and write nothing.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import _shell, _shot, server  # noqa: F401

pytestmark = [pytest.mark.e2e]

REASON = "Posting links to your own shop in answers, after two warnings."
FLAG_TEXT = "Third answer this week that advertises the author's watch shop."

SETUP = """
import json
from quaestio.accounts.models import User
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag
Tag.objects.get_or_create(name="rome")
asker = User.objects.create_user("asker@example.org", "Asker", "{password}", reputation=1000)
question = question_ask(asker, title="How did Caesar bridge the Rhine in 55 BC?",
    body="Caesar's commentaries describe a timber bridge; how was it built?", tags="rome")
User.objects.create_user("mod@example.org", "Mod Erator", "{password}", is_moderator=True)
user = User.objects.create_user("sam@example.org", "Shop Sam", "{password}", reputation=3000)
from quaestio.posts.services import answer_post
answer = answer_post(user, question.id,
    body="Caesar's engineers drove piles; and you can buy cheap replica watches at our shop.")
User.objects.create_user("reader@example.org", "Careful Reader", "{password}", reputation=15)
open({out!r}, "w").write(json.dumps({{"question": question.id, "user": user.id,
    "answer": answer.id}}))
"""

COUNTS = """
from quaestio.comments.models import Comment
from quaestio.posts.models import Post
from quaestio.votes.models import Vote
user_id = {user}
print(Post.objects.filter(owner_id=user_id).count(), Comment.objects.filter(user_id=user_id).count(),
      Vote.objects.filter(user_id=user_id).count(), file=open({out!r}, "w"))
"""


READER = """
from quaestio.accounts.models import User
print(User.objects.get(email="reader@example.org").id, file=open({out!r}, "w"))
"""


def reader_id(env, tmp_path) -> int:
    out = tmp_path / "reader.txt"
    _shell(env, READER.format(out=str(out)))
    return int(out.read_text())


def _forged_post(page, url: str, form: dict):
    """A POST the page never offered, with the session's valid CSRF token."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        url,
        form={**form, "csrfmiddlewaretoken": token},
        headers={"Referer": url},
        max_redirects=0,
    )


def test_a_moderator_suspends_a_user_who_then_cannot_post_comment_or_vote(
    server,  # noqa: F811
    browser,
    tmp_path,
):
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())
    question_url = f"{base}/questions/{ids['question']}"
    sam = log_in(browser, base, "sam@example.org")  # signed in before the suspension

    # A reader flags Sam's answer for a moderator, saying why.
    reader = log_in(browser, base, "reader@example.org")
    reader.goto(f"{base}/posts/{ids['answer']}/flag")
    reader.check("input[name=kind][value=moderator]")
    reader.fill("#flag-text-moderator", FLAG_TEXT)
    reader.click("form.flag-dialog button[type=submit]")
    expect(reader.locator(".flag-result")).to_contain_text("Thanks for your flag")

    # The moderator finds it on the dashboard, marks it helpful, and suspends Sam.
    mod = log_in(browser, base, "mod@example.org")
    mod.goto(f"{base}/admin")
    flagged = mod.locator(f"#flagged-{ids['answer']}")
    expect(flagged).to_contain_text("In need of moderator intervention")
    expect(flagged).to_contain_text(FLAG_TEXT)
    flagged.locator("form.flag-handle button[value=helpful]").click()
    mod.wait_for_load_state()
    expect(mod.locator(f"#flagged-{ids['answer']}")).to_have_count(0)
    reader.goto(f"{base}/users/{reader_id(env, tmp_path)}/flags")
    expect(reader.locator("tr.flag-helpful .flag-outcome")).to_have_count(1)
    expect(reader.locator(".flag-record")).to_contain_text("1 helpful")
    mod.goto(f"{base}/users/{ids['user']}")
    mod.click("text=Moderate this user")
    mod.click("text=Suspend this user")
    mod.fill("#suspend-days", "7")
    mod.fill("#suspend-reason", REASON)
    mod.click("form.suspend-form button[type=submit]")
    expect(mod.locator(".mod-suspension")).to_contain_text("Suspended until")
    expect(mod.locator(".mod-suspension")).to_contain_text(REASON)
    _shot(mod, "suspension-1-moderation-page")

    # Sam sees why and until when, on every page.
    for path in ("/", "/questions", f"/questions/{ids['question']}"):
        sam.goto(base + path)
        notice = sam.locator(".suspension-notice")
        expect(notice).to_contain_text("Your account is suspended until")
        expect(notice).to_contain_text(REASON)
        expect(notice).to_contain_text(" UTC")
    _shot(sam, "suspension-2-notice")

    # The question page refuses voting, commenting and answering with the reason.
    sam.goto(question_url)
    up = sam.locator(".question .vote-up")
    expect(up).to_have_attribute("aria-disabled", "true")
    assert "suspended until" in (up.get_attribute("title") or "")
    up.click(force=True)  # aria-disabled: the click shows why instead of voting
    expect(sam.locator(".question .vote-error")).to_contain_text("Your account is suspended until")
    expect(sam.locator(".question .vote-count")).to_have_text("0")
    expect(sam.locator("#content")).to_contain_text("until then you cannot post, comment, vote")
    expect(sam.locator("#answer-form")).to_have_count(0)
    expect(sam.locator(".question a.add-comment")).to_have_count(0)
    sam.goto(f"{base}/posts/{ids['question']}/comments/new")  # the comment form, opened directly
    expect(sam.locator(".form-message")).to_contain_text("Your account is suspended until")
    sam.goto(base + "/questions/ask")
    expect(sam.locator(".form-message")).to_contain_text("Your account is suspended until")

    # Forged requests are refused by the server and write nothing.
    answer = _forged_post(
        sam,
        f"{question_url}/answer",
        {"body": "Buy cheap watches at our shop, the best prices on the whole internet!"},
    )
    comment = _forged_post(
        sam,
        f"{base}/posts/{ids['question']}/comments/new",
        {"text": "Visit our shop for the cheapest watches!"},
    )
    vote = _forged_post(sam, f"{base}/posts/{ids['question']}/vote/up", {})
    for response in (answer, comment, vote):
        assert response.status == 403, response.status
        assert "suspended until" in response.text()
    counts = tmp_path / "counts.txt"
    _shell(env, COUNTS.format(user=ids["user"], out=str(counts)))
    assert counts.read_text().split() == ["1", "0", "0"]  # the flagged answer, nothing new
