"""Live updates and a room conversation in two real Chromiums against `quaestio serve` (the
WSGI workers and the ASGI live process beside them), on SQLite, or on PostgreSQL when
DATABASE_URL is set (a fresh database next to it, `<name>_e2e`).

One person answers and votes, the other sees "1 new answer — click to load" and the score move
without reloading, and a comment written by another process appear; a visitor on the question
list sees "1 question with new activity". In a room made by moving comments out, two people
talk: a **bold** @mention, a reply, a star, each seen by the other live.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.e2e.conftest import quaestio_serve
from tests.e2e.signing_in import PASSWORD, log_in

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
QUAESTIO = [sys.executable, "-m", "quaestio.cli"]
LIVE_WAIT_MS = 15_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

SETUP = f"""
import json
from quaestio.accounts.models import User
from quaestio.comments.services import comment_add
from quaestio.moderation.post_tools import comments_move_to_chat
from quaestio.posts.services import question_ask
from quaestio.tags.models import Tag

def person(email, name, reputation, **extra):
    return User.objects.create_user(email, name, {PASSWORD!r}, reputation=reputation, **extra)

asker = person("asker@example.org", "Asker Ann", 500)
answerer = person("answerer@example.org", "Answerer Bob", 200)
moderator = person("mod@example.org", "Mod Erator", 1, is_moderator=True)
Tag.objects.get_or_create(name="rome")
question = question_ask(asker, title="How did Roman legions cross wide rivers?",
    body="I am looking for primary sources on pontoon bridges versus fords, please.", tags="rome")
talked = question_ask(asker, title="Which roads did the legions march on first?",
    body="Looking for the oldest roads the legions used, with sources if possible.", tags="rome")
comment_add(answerer, talked.id, "Comments that will become the first messages of a room.")
room = comments_move_to_chat(moderator, talked.id).room
print(json.dumps({{"question": question.id, "room": room.id, "answerer": answerer.id,
                  "moderator": moderator.id}}))
"""


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["QUAESTIO_DATA_DIR"] = str(data_dir)
    url = os.environ.get("DATABASE_URL", "")
    if url:
        env["DATABASE_URL"] = _fresh_postgres(url)
    return env


def _fresh_postgres(url: str) -> str:
    """A new, empty database beside DATABASE_URL's, for the server this test starts."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_e2e"
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parsed._replace(path="/" + name))


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [*QUAESTIO, "manage", "shell", "-c", code],
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("quaestio-live-e2e")
    env = _environment(data_dir)
    subprocess.run([*QUAESTIO, "setup"], env=env, check=True, timeout=300)
    ids = json.loads(_shell(env, SETUP).strip().splitlines()[-1])
    with quaestio_serve(env, live=True) as base:
        yield base, env, ids


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"live-{name}.png"), full_page=True)


def _stream_open(page) -> None:
    """Wait until the page's EventSource is connected (readyState 1)."""
    page.wait_for_function(
        "() => window.quaestioLive && window.quaestioLive.readyState === 1", timeout=LIVE_WAIT_MS
    )


def test_an_answer_a_vote_and_a_comment_appear_without_a_reload(site, browser):
    base, env, ids = site
    question_url = f"{base}/questions/{ids['question']}"
    watcher = log_in(browser, base, "asker@example.org")
    watcher.goto(question_url)
    _stream_open(watcher)
    visitor = browser.new_context().new_page()
    visitor.goto(base + "/questions")
    _stream_open(visitor)
    marker = "stamp-of-no-reload"
    watcher.evaluate(f"window['{marker}'] = true")

    answerer = log_in(browser, base, "answerer@example.org")
    answerer.goto(question_url)
    answerer.fill("#wmd-input", "Pontoon bridges of boats lashed together; Caesar built a trestle.")
    answerer.check("#answer-form input[name=ai_use][value=none]")
    answerer.click("#answer-form button[type=submit]")
    answerer.wait_for_load_state()

    banner = watcher.locator("#live-new-answers")
    banner.wait_for(timeout=LIVE_WAIT_MS)
    assert banner.inner_text() == "1 new answer — click to load"
    _shot(watcher, "new-answer-banner")
    banner.click()
    watcher.locator("article.answer", has_text="Caesar built a trestle").wait_for(
        timeout=LIVE_WAIT_MS
    )
    activity = visitor.locator("#live-list-activity")
    activity.wait_for(timeout=LIVE_WAIT_MS)
    assert activity.inner_text() == "1 question with new activity"

    # A vote by the answerer: the watcher's score changes in place.
    answerer.goto(question_url)
    answerer.click(f".vote-cell[data-post-id='{ids['question']}'] form.vote-form button >> nth=0")
    score = watcher.locator(f".vote-cell[data-post-id='{ids['question']}'] .vote-count")
    score.filter(has_text="1").wait_for(timeout=LIVE_WAIT_MS)

    # A comment written by another process (an operator's shell): appended in place. The
    # moderator writes it: the answerer commented seconds ago, and the 15-second comment
    # interval, shared by every process, would refuse them.
    _shell(
        env,
        "from quaestio.accounts.models import User; "
        "from quaestio.comments.services import comment_add; "
        f"comment_add(User.objects.get(id={ids['moderator']}), {ids['question']}, "
        "'Livy mentions fords in summer, worth a look.')",
    )
    watcher.locator(f"#comments-{ids['question']}", has_text="Livy mentions fords").wait_for(
        timeout=LIVE_WAIT_MS
    )
    assert watcher.evaluate(f"window['{marker}']") is True  # the same page all along
    _shot(watcher, "after-vote-and-comment")


def test_a_room_conversation_is_live_for_both_people(site, browser):
    base, _env, ids = site
    room_url = f"{base}/rooms/{ids['room']}"
    ann = log_in(browser, base, "asker@example.org")
    bob = log_in(browser, base, "answerer@example.org")
    for page in (ann, bob):
        page.goto(room_url)
        _stream_open(page)
    assert "Comments that will become the first messages" in bob.inner_text("#room-messages")

    ann.fill("#room-input", "**Pontoons** were common, @Answerer — do you have a source?")
    ann.press("#room-input", "Enter")
    said = bob.locator(".room-message", has_text="were common")
    said.wait_for(timeout=LIVE_WAIT_MS)
    assert said.locator("strong").inner_text() == "Pontoons"

    said.locator(".room-reply").click()
    assert bob.input_value("#room-input").startswith(":")
    bob.fill("#room-input", bob.input_value("#room-input") + "Caesar, Gallic War 4.17")
    bob.press("#room-input", "Enter")
    reply = ann.locator(".room-message", has_text="Gallic War 4.17")
    reply.wait_for(timeout=LIVE_WAIT_MS)
    assert reply.locator(".room-reply-to").count() == 1

    reply.locator(".room-star-form button").click()
    bob.locator(".room-message", has_text="Gallic War 4.17").locator(
        ".room-stars", has_text="1"
    ).wait_for(timeout=LIVE_WAIT_MS)
    _shot(ann, "room-ann")
    _shot(bob, "room-bob")

    # The @mention left an inbox item that leads back to the message.
    bob.goto(base + "/users/inbox")
    assert "were common" in bob.inner_text("#content")
