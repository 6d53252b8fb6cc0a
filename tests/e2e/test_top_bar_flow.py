"""The inbox in a real Chromium against `quaestio serve` (issue 18.2 and 18.4).

Ada has a question open when Bob answers it: the top bar's inbox counter goes to 1 without a
reload (the page asks /users/top-bar.json), and a "quaestio:top-bar" event (what a server push
dispatches) updates the achievements marker. Clicking Inbox opens the dropdown with Bob's answer
and clears the counter. The daily digest lands as a file under the data directory with
List-Unsubscribe headers, and POSTing that link without any cookie turns her inbox e-mail off.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.signing_in import PASSWORD, log_in
from tests.e2e.test_writing_flow import _shell, server  # noqa: F401

pytestmark = [pytest.mark.e2e]

SETUP = """
import json
from quaestio.accounts.models import User
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag
Tag.objects.get_or_create(name="rome")
ada = User.objects.create_user("ada.inbox@example.org", "Ada Inbox", "{password}", reputation=1000)
User.objects.create_user("bob.inbox@example.org", "Bob Inbox", "{password}", reputation=1000)
question = question_ask(ada, title="How wide was the Roman road to Brundisium?",
    body="The Via Appia is said to have been wide enough for two carts; was it?", tags="rome")
open({out!r}, "w").write(json.dumps({{"question": question.id, "ada": ada.id}}))
"""

ANSWER = """
from quaestio.accounts.models import User
from quaestio.posts.services import answer_post
bob = User.objects.get(email="bob.inbox@example.org")
answer_post(bob, {question}, body="About 4.2 metres: room for two carts to pass, by the milestones.")
"""

DIGEST = """
from quaestio.notifications.models import Notification
from quaestio.notifications.commands import daily_mail
Notification.objects.filter(user_id={ada}).update(read_date=None, mail_pending=True)
daily_mail()
"""

PREFERENCE = """
from quaestio.notifications.services import inbox_mail_choice
print(inbox_mail_choice({ada}), file=open({out!r}, "w"))
"""


def test_top_bar_counts_dropdown_digest_and_unsubscribe(server, browser, tmp_path):  # noqa: F811
    base, env = server
    out = tmp_path / "ids.json"
    _shell(env, SETUP.format(password=PASSWORD, out=str(out)))
    ids = json.loads(out.read_text())
    ada = log_in(browser, base, "ada.inbox@example.org")
    ada.goto(f"{base}/questions/{ids['question']}")
    counter = ada.locator("#inbox-unread")
    expect(counter).to_have_attribute("data-count", "0")
    expect(counter).to_be_hidden()

    _shell(env, ANSWER.format(question=ids["question"]))
    # What the minute's poll does, at once: the page refreshes when it becomes visible.
    ada.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(counter).to_have_attribute("data-count", "1")
    expect(counter).to_be_visible()
    # Counts pushed to the page (a live event) show at once. The page's own poll or stream may
    # put the server's figure back right after, so the push is read in the same task.
    shown = ada.evaluate(
        "document.dispatchEvent(new CustomEvent('quaestio:top-bar',"
        " {detail: {inbox_unread: 1, achievements_unseen: 3, reputation: 1010}}));"
        " document.getElementById('achievements-unseen').textContent"
    )
    assert shown == "3"

    ada.click("#inbox-link")
    panel = ada.locator("#inbox-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("New answer to: How wide was the Roman road")
    expect(counter).to_be_hidden()
    ada.reload()
    expect(ada.locator("#inbox-unread")).to_have_attribute("data-count", "0")

    _shell(env, DIGEST.format(ada=ids["ada"]))
    mails = sorted(
        Path(env["QUAESTIO_DATA_DIR"], "mail").glob("*"), key=lambda p: p.stat().st_mtime
    )
    text = next(m.read_text() for m in reversed(mails) if "Your inbox" in m.read_text())
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in text
    link = re.search(r"List-Unsubscribe:\s+<(\S+)>", text).group(1)  # may be folded
    path = urllib.parse.urlsplit(link).path
    request = urllib.request.Request(base + path, data=b"List-Unsubscribe=One-Click", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    choice = tmp_path / "choice.txt"
    _shell(env, PREFERENCE.format(ada=ids["ada"], out=str(choice)))
    assert choice.read_text().strip() == "off"
