"""The question page keeps each thread's HTML per process (web/thread_cache.py) under its thread
version: every kind of write that changes what the thread shows is on the page at the very next
view, for an anonymous reader and a signed-in one, through the real services, database and
renderer. For the writes to the thread the version itself must have moved (a write that forgot
it would be caught only by the posts query's safety net, or not at all); renames, badges and
reputation need no bump, as each view reads the people it shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from lxml import html as lxml_html

from quaestio.accounts.services import profile_update
from quaestio.badges.services import award_badges
from quaestio.comments.services import comment_add, comment_delete, comment_edit
from quaestio.moderation import locks, notices, protection
from quaestio.moderation.services import question_close, question_reopen
from quaestio.posts.services import answer_post, post_delete, post_edit, post_undelete
from quaestio.posts.thread_version import thread_version
from quaestio.votes.services.accepting import accept_set
from quaestio.votes.services.voting import comment_vote_set, vote_set
from quaestio.web.thread_cache import thread_cache

pytestmark = pytest.mark.django_db

ANSWER = "An answer that explains how the legions crossed: pontoon bridges, boats and fords."


@pytest.fixture
def thread(ask, make_user):
    """A question, an answer by another user with a comment, and a moderator."""
    asker = make_user(reputation=1000, name="Asker")
    answerer = make_user(reputation=1000, name="Answerer")
    question = ask(user=asker)
    answer = answer_post(answerer, question.id, body=ANSWER)
    comment = comment_add(answerer, answer.id, "A first comment on the answer, long enough.")
    moderator = make_user(reputation=1, name="Mod", is_moderator=True)
    return {
        "question": question,
        "answer": answer,
        "comment": comment,
        "asker": asker,
        "answerer": answerer,
        "moderator": moderator,
        "voter": make_user(reputation=1000, name="Voter"),
    }


def _page(question, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/questions/{question.id}/x", follow=True)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _text(tree, selector: str) -> str:
    return " ".join(node.text_content() for node in tree.cssselect(selector))


def _kept(thread, viewer_key="voter"):
    """Views the page as an anonymous reader and a signed-in one, so the thread is kept, and
    returns the version the next write must move."""
    question = thread["question"]
    _page(question)
    _page(question, thread[viewer_key])
    assert thread_cache().get(question.id) is not None
    return thread_version(question.id)


def _both(thread, viewer_key="voter"):
    question = thread["question"]
    return _page(question), _page(question, thread[viewer_key])


def test_a_new_answer_shows_at_once(thread, make_user):
    before = _kept(thread)
    answer_post(make_user(reputation=1000), thread["question"].id, body=ANSWER + " Second one.")
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert "Second one." in _text(tree, ".answer .post-body")
        assert "2 Answers" in _text(tree, "#answers-header")


def test_a_new_comment_its_edit_and_its_deletion_show_at_once(thread):
    answer = thread["answer"]
    before = _kept(thread)
    comment = comment_add(thread["asker"], answer.id, "Thanks, and what about the fords then?")
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert "what about the fords" in _text(tree, ".comment-text")
    before = thread_version(thread["question"].id)
    comment_edit(thread["asker"], comment.id, "Thanks, and what about the bridges then?")
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert "what about the bridges" in _text(tree, ".comment-text")
        assert "what about the fords" not in _text(tree, ".comment-text")
    before = thread_version(thread["question"].id)
    comment_delete(thread["asker"], comment.id)
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert "what about the bridges" not in _text(tree, ".comment-text")


def test_a_comment_vote_shows_at_once(thread):
    comment = thread["comment"]
    before = _kept(thread)
    comment_vote_set(thread["voter"], comment.id, True)
    assert thread_version(thread["question"].id) > before
    anonymous, voter = _both(thread)
    assert _text(anonymous, f"#comment-{comment.id} .comment-score-count") == "1"
    button = voter.cssselect(f"#comment-{comment.id} .comment-up")[0]
    assert button.get("aria-pressed") == "true"  # the voter's own vote, pressed


def test_an_edit_shows_at_once(thread):
    answer = thread["answer"]
    before = _kept(thread)
    post_edit(thread["answerer"], answer.id, body=ANSWER + " Edited: rafts as well.")
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert "Edited: rafts as well." in _text(tree, f"#answer-{answer.id} .post-body")


def test_a_vote_shows_at_once_with_the_voters_button_pressed(thread):
    answer = thread["answer"]
    before = _kept(thread)
    vote_set(thread["voter"], answer.id, "up")
    assert thread_version(thread["question"].id) > before
    anonymous, voter = _both(thread)
    for tree in (anonymous, voter):
        assert _text(tree, f"#answer-{answer.id} .vote-count") == "1"
    assert voter.cssselect(f"#answer-{answer.id} .vote-up")[0].get("aria-pressed") == "true"
    assert anonymous.cssselect(f"#answer-{answer.id} .vote-up")[0].get("aria-pressed") == "false"


def test_an_acceptance_shows_at_once(thread):
    answer = thread["answer"]
    before = _kept(thread)
    accept_set(thread["asker"], answer.id, True, now=timezone.now() + timedelta(hours=1))
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        article = tree.cssselect(f"#answer-{answer.id}")[0]
        assert "accepted-answer" in article.get("class")


def test_closing_and_reopening_show_at_once(thread):
    question = thread["question"]
    before = _kept(thread)
    question_close(thread["moderator"], question.id, "needs_focus")
    assert thread_version(question.id) > before
    for tree in _both(thread):
        assert "Closed." in _text(tree, ".closed-notice")
    before = thread_version(question.id)
    question_reopen(thread["moderator"], question.id)
    assert thread_version(question.id) > before
    for tree in _both(thread):
        assert not tree.cssselect(".closed-notice")


def test_a_lock_and_an_unlock_show_at_once(thread):
    answer = thread["answer"]
    before = _kept(thread)
    locks.post_lock(thread["moderator"], answer.id, "content_dispute", None)
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert "Locked (Content dispute)" in _text(tree, f"#answer-{answer.id} .notice.locked")
    before = thread_version(thread["question"].id)
    locks.post_unlock(thread["moderator"], answer.id)
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread):
        assert not tree.cssselect(".notice.locked")


def test_a_post_notice_and_a_protection_show_at_once(thread):
    question = thread["question"]
    before = _kept(thread)
    notices.notice_add(thread["moderator"], question.id, "citation_needed")
    assert thread_version(question.id) > before
    for tree in _both(thread):
        assert "Citation needed" in _text(tree, ".notice.post-notice")
    before = thread_version(question.id)
    protection.question_protect(thread["moderator"], question.id)
    assert thread_version(question.id) > before
    for tree in _both(thread):
        assert tree.cssselect(".notice.protected")


def test_a_deletion_and_an_undeletion_show_at_once(thread):
    answer = thread["answer"]
    answerer = thread["answerer"]
    before = _kept(thread, "answerer")
    post_delete(answerer, answer.id)
    assert thread_version(thread["question"].id) > before
    anonymous, owner = _both(thread, "answerer")
    assert not anonymous.cssselect(f"#answer-{answer.id}")
    assert "0 Answers" in _text(anonymous, "#answers-header")
    # Its owner still sees it, marked deleted, with who deleted it.
    article = owner.cssselect(f"#answer-{answer.id}")[0]
    assert "deleted-post" in article.get("class")
    assert "Deleted by Answerer" in _text(owner, f"#answer-{answer.id} .deleted-notice")
    before = thread_version(thread["question"].id)
    post_undelete(answerer, answer.id)
    assert thread_version(thread["question"].id) > before
    for tree in _both(thread, "answerer"):
        article = tree.cssselect(f"#answer-{answer.id}")[0]
        assert "deleted-post" not in article.get("class")


def test_a_rename_shows_at_once_on_cards_and_comments(thread):
    answer = thread["answer"]
    _kept(thread)
    profile_update(
        thread["answerer"], display_name="Renamed Person", about_me="", location="", website_url=""
    )
    for tree in _both(thread):
        assert "Renamed Person" in _text(tree, f"#answer-{answer.id} .signatures .user-name")
        assert "Renamed Person" in _text(tree, f"#comment-{thread['comment'].id} .user-name")
        assert "Answerer" not in _text(tree, ".user-name")


def test_a_new_badge_and_new_reputation_show_at_once_on_cards(thread, ask):
    answer = thread["answer"]
    answerer = thread["answerer"]
    _kept(thread)
    stats = f"#answer-{answer.id} .signatures .user-stats"
    assert "bronze" not in _text(_page(thread["question"]), stats)
    profile_update(
        answerer, display_name="Answerer", about_me="I study Rome.", location="", website_url=""
    )
    assert award_badges([answerer.id], events={"profile"})["Autobiographer"] == 1
    for tree in _both(thread):
        assert "1 bronze badge" in tree.cssselect(f"{stats} .badge-count")[0].get("title")
    # Reputation earned on another question of theirs: this thread was not written to.
    version = thread_version(thread["question"].id)
    before = answerer.reputation
    vote_set(thread["voter"], ask(user=answerer).id, "up")
    assert thread_version(thread["question"].id) == version
    answerer.refresh_from_db()
    assert answerer.reputation > before
    for tree in _both(thread):
        title = tree.cssselect(f"{stats} .reputation")[0].get("title")
        assert title == f"reputation score {answerer.reputation:,}"


def test_kept_dates_expire_when_a_relative_date_would_read_differently():
    """A thread rendered with "12 secs ago" is kept one second; "10 mins ago" until the next
    minute; dates old enough to be absolute until the new year."""
    from datetime import UTC, datetime

    from quaestio.web.thread_render import Clock

    now = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
    clock = Clock(now)
    clock.time(now - timedelta(days=400))
    assert clock.valid_until == datetime(2027, 1, 1, tzinfo=UTC)
    clock.time(now - timedelta(minutes=10, seconds=5))
    assert clock.valid_until == now + timedelta(seconds=55)
    clock.time(now - timedelta(seconds=12))
    assert clock.valid_until == now + timedelta(seconds=1)
