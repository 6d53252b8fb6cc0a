"""The whole writing flow in a real Chromium against the real server (`quaestio serve`).

Ada signs up and asks with the live preview; Bob signs up and answers; Ada comments on the
answer and Bob replies with an @mention that lands in Ada's inbox; later Ada edits, views the
diff inline and side by side, and rolls back. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import quaestio_serve

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
QUAESTIO = [sys.executable, "-m", "quaestio.cli"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]

BODY = (
    "Polybius describes legions crossing rivers, but how exactly?\n\n"
    "I am looking for **primary sources** on bridges versus fords."
)


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["QUAESTIO_DATA_DIR"] = str(data_dir)
    return env


def _shell(env: dict[str, str], code: str) -> None:
    """Run Python in the server's data directory, as an operator would with `quaestio manage`."""
    subprocess.run([*QUAESTIO, "manage", "shell", "-c", code], env=env, check=True, timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("quaestio-e2e")
    env = _environment(data_dir)
    subprocess.run([*QUAESTIO, "setup"], env=env, check=True, timeout=300)
    # Signing up gives 1 reputation, too little to create tags: the site starts with one.
    _shell(env, "from quaestio.tags.models import Tag; Tag.objects.create(name='roman-army')")
    with quaestio_serve(env) as base:
        yield base, env


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"writing-{name}.png"), full_page=True)


def _sign_up(page, base: str, name: str, email: str, env: dict[str, str]) -> None:
    """Sign up, then follow the confirmation link from the e-mail (the file mail backend)."""
    page.goto(base + "/users/signup")
    page.fill("#display_name", name)
    page.fill("#email", email)
    page.fill("#password", "a long enough passphrase")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your e-mail")
    mails = sorted(
        Path(env["QUAESTIO_DATA_DIR"], "mail").glob("*"), key=lambda p: p.stat().st_mtime
    )
    text = next(m.read_text() for m in reversed(mails) if f"To: {email}" in m.read_text())
    page.goto(base + re.search(r"/users/signup/confirm/\S+", text).group(0))
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_sign_up_ask_answer_mention_edit_diff_rollback(server, browser):
    """The flow of issue 4, start to end, in Chromium against `quaestio serve`."""
    from playwright.sync_api import expect

    base, env = server
    ada = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    bob = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # Ada signs up and asks; the preview comes from the server's renderer as she types.
    _sign_up(ada, base, "Ada Lovelace", "ada@example.org", env)
    ada.goto(base + "/questions/ask")
    ada.fill("#title", "How did Roman legions cross wide rivers?")
    ada.locator("#wmd-input").press_sequentially(BODY, delay=2)
    expect(ada.locator("#wmd-preview strong")).to_have_text("primary sources")
    ada.fill("#tags", "roman-army")
    _shot(ada, "1-ask-with-preview")
    ada.check("#ask-form input[name=ai_use][value=none]")
    ada.click("#ask-form button[type=submit]")
    expect(ada.locator("h1.question-title")).to_contain_text("Roman legions")
    question_url = ada.url.split("#")[0]
    question_id = int(question_url.split("/questions/")[1].split("/")[0])
    _shot(ada, "2-question")

    # Bob signs up and answers.
    _sign_up(bob, base, "Bob Builder", "bob@example.org", env)
    bob.goto(question_url)
    bob.locator("#wmd-input").fill(
        "They built pontoon bridges of boats; Caesar's Rhine bridge was of timber piles."
    )
    expect(bob.locator("#wmd-preview")).to_contain_text("pontoon bridges")
    bob.check("#answer-form input[name=ai_use][value=none]")
    bob.click("#answer-form button[type=submit]")
    expect(bob.locator(".answer .post-body")).to_contain_text("pontoon bridges")

    # Ada asks for a source under the answer (she may: it answers her question).
    ada.goto(question_url)
    ada.locator(".answer a.add-comment").click()
    ada.locator(".answer form.inline-comment textarea").fill(
        "Could you cite a source for the Rhine bridge?"
    )
    ada.locator(".answer form.inline-comment button").click()
    expect(ada.locator(".answer .comment-text")).to_contain_text("cite a source")

    # Bob replies with an @mention; it reaches Ada, who commented there.
    bob.goto(question_url)
    bob.locator(".answer a.add-comment").click()
    bob.locator(".answer form.inline-comment textarea").fill(
        "@Ada Caesar himself, Gallic War book 4, chapter 17."
    )
    bob.locator(".answer form.inline-comment button").click()
    expect(bob.locator(".answer .comment-text .mention")).to_have_text("@Ada")
    _shot(bob, "3-answer-and-comments")

    ada.goto(base + "/users/inbox")
    expect(ada.locator(".inbox-item").first).to_contain_text("Gallic War")
    expect(ada.locator(".inbox-item").first).to_contain_text("mention")
    _shot(ada, "4-inbox")

    # Later (past the 5-minute grace period) Ada edits her question.
    _shell(
        env,
        "from datetime import timedelta; from django.utils import timezone; "
        "from quaestio.posts.models import PostHistory; "
        f"PostHistory.objects.filter(post_id={question_id}).update("
        "creation_date=timezone.now() - timedelta(minutes=10))",
    )
    ada.goto(f"{base}/posts/{question_id}/edit")
    ada.locator("#wmd-input").fill(BODY + "\n\nEdit: I mean the Rhine in particular.")
    expect(ada.locator("#wmd-preview")).to_contain_text("Rhine in particular")
    ada.fill("#comment", "narrow to the Rhine")
    ada.click("#edit-form button[type=submit]")
    expect(ada.locator(".question .post-body")).to_contain_text("Rhine in particular")

    # The diff, inline then side by side.
    ada.goto(f"{base}/posts/{question_id}/revisions")
    expect(ada.locator("#revision-2 ins.diff-ins").first).to_contain_text("Rhine")
    expect(ada.locator("#revision-2 .revision-comment")).to_have_text("narrow to the Rhine")
    _shot(ada, "5-diff-inline")
    ada.click("text=side-by-side")
    expect(ada.locator("#revision-2 .diff-new").first).to_contain_text("Rhine")
    _shot(ada, "6-diff-side-by-side")

    # Rollback to revision 1 makes revision 3.
    ada.locator("#revision-1 form button").click()
    expect(ada.locator("#revision-3 .revision-comment")).to_have_text("Rollback to Revision 1")
    _shot(ada, "7-after-rollback")
    ada.goto(question_url)
    expect(ada.locator(".question .post-body")).not_to_contain_text("Rhine in particular")
