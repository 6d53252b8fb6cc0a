"""Six spam flags through the browser, in Chromium against `quaestio serve` (issue 17 point 7).

A new user (who earned 110 reputation from a good question first) posts spam. Six users with
15 reputation each open the question, press "Flag" under it (the dialog opens in place), choose
"Spam" and send it: the first five are thanked, the sixth is told the post was deleted. The
question is then gone for readers (404, and off the home page) and its author lost 100. A
comment's "flag" opens its dialog in place as well.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import ARTIFACTS, _shell, server  # noqa: F401

pytestmark = [pytest.mark.e2e]


SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from quaestio.accounts.models import User
from quaestio.posts.models import Post
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag
from quaestio.votes.services import vote_set
Tag.objects.get_or_create(name="rome")
spammer = User.objects.create_user("spammer@example.org", "Cheap Watches", "{password}")
good = question_ask(spammer, title="How were Roman legions paid during the Republic?",
    body="Polybius mentions pay for soldiers; how was it organised in the Republic?", tags="rome")
for n in range(11):
    voter = User.objects.create_user(f"voter{{n}}@example.org", f"Voter {{n}}", "{password}",
        reputation=15)
    vote_set(voter, good.id, "up")
# Asked an hour ago, so the new user's 40-minute wait between questions is over.
Post.objects.filter(id=good.id).update(creation_date=timezone.now() - timedelta(hours=1))
spam = question_ask(spammer, title="Best replica Roman coins cheap cheap cheap",
    body="Buy replica Roman coins now at our shop, best prices, visit today!!!", tags="rome")
for n in range(6):
    User.objects.create_user(f"flagger{{n}}@example.org", f"Flagger {{n}}", "{password}",
        reputation=15)
from quaestio.comments.services import comment_add
commenter = User.objects.create_user("commenter@example.org", "Commenter", "{password}",
    reputation=50)
comment_add(commenter, good.id, "Thanks, this was exactly what I needed to know!")
spammer.refresh_from_db()
open({out!r}, "w").write(json.dumps({{"spam": spam.id, "good": good.id, "spammer": spammer.id,
    "reputation": spammer.reputation}}))
"""

REPUTATION = """
from quaestio.accounts.models import User
open({out!r}, "w").write(str(User.objects.get(id={user_id}).reputation))
"""


def test_six_users_flag_spam_and_it_disappears(server, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())
    assert ids["reputation"] == 111  # 1 + 11 upvotes
    question = f"{base}/q/{ids['spam']}"

    for n in range(6):
        page = log_in(browser, base, f"flagger{n}@example.org")
        page.goto(question)
        page.locator("#question .post-menu a.flag-link").click()
        popup = page.locator("#question .flag-popup")
        expect(popup).to_contain_text("I am flagging this question as")
        popup.locator("input[name=kind][value=spam]").check()
        popup.locator("button[type=submit]").click()
        if n < 5:
            expect(popup.locator(".flag-result")).to_contain_text("Thanks for your flag")
            assert page.url.startswith(f"{base}/questions/{ids['spam']}")  # stayed in place
        else:
            expect(popup.locator(".flag-result")).to_contain_text("the post was deleted")
            page.screenshot(path=str(ARTIFACTS / "spam-flag-sixth.png"))
        page.context.close()

    # A comment flag opens in place too, inside the comment.
    page = log_in(browser, base, "flagger0@example.org")
    page.goto(f"{base}/q/{ids['good']}")
    page.locator(".comment a.comment-flag").first.click()
    popup = page.locator(".comment .flag-popup")
    expect(popup).to_contain_text("Why should this comment be removed?")
    popup.locator("input[name=kind][value=no_longer_needed]").check()
    popup.locator("button[type=submit]").click()
    expect(popup.locator(".flag-result")).to_contain_text("Thanks for your flag")
    page.context.close()

    reader = browser.new_context().new_page()
    response = reader.goto(question)
    assert response.status == 404
    reader.goto(base + "/")
    expect(reader.locator("body")).not_to_contain_text("replica Roman coins")
    reader.context.close()

    rep = tmp_path / "rep.txt"
    _shell(env, REPUTATION.format(out=str(rep), user_id=ids["spammer"]))
    assert int(rep.read_text()) == 11  # lost 100
