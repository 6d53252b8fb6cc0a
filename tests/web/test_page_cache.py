"""The anonymous page cache (web/page_cache.py): a visitor without a session gets the stored
bytes; each kind of write makes the very next anonymous read fresh; a signed-in user, a session
or a page that sets a cookie is never served or stored; and a writer and readers running at
once through the real services, database and renderer find no stale read."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quaestio.accounts.services import profile_update
from quaestio.comments.services import comment_add
from quaestio.core.page_generation import page_generation
from quaestio.moderation.services import question_close
from quaestio.posts.services import answer_post, post_delete, post_edit
from quaestio.votes.services.voting import vote_set

ANSWER = "An answer that explains how the legions crossed: pontoon bridges, boats and fords."


@pytest.fixture(autouse=True)
def _timing_for_all(settings):
    """Server-Timing for every visitor, so each reply says whether the cache served it."""
    settings.QUAESTIO_SERVER_TIMING = "all"
    settings.QUAESTIO_PAGE_CACHE = True


@pytest.fixture
def thread(ask, make_user):
    asker = make_user(reputation=1000, name="Asker")
    answerer = make_user(reputation=1000, name="Answerer")
    question = ask(user=asker)
    answer = answer_post(answerer, question.id, body=ANSWER)
    return {
        "question": question,
        "answer": answer,
        "asker": asker,
        "answerer": answerer,
        "voter": make_user(reputation=1000, name="Voter"),
        "moderator": make_user(reputation=1, name="Mod", is_moderator=True),
        "url": f"/questions/{question.id}/{_slug(question)}",
    }


def _slug(question) -> str:
    from quaestio.core.links import question_url

    return question_url(question.id, question.title).rsplit("/", 1)[1]


def _outcome(response) -> str | None:
    found = re.search(r"cache;desc=(\w+)", response.get("Server-Timing", ""))
    return found.group(1) if found else None


def _get(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_a_hit_returns_the_same_bytes_and_headers(thread):
    for url in (
        thread["url"],
        "/",
        "/questions",
        "/questions?tab=newest",
        "/questions/tagged/rome",
    ):
        first, second = _get(url), _get(url)
        assert (_outcome(first), _outcome(second)) == ("miss", "hit"), url
        assert second.content == first.content, url
        assert b"csrfmiddlewaretoken" not in second.content  # no visitor's token is stored
        kept = ("Content-Type", "Vary", "X-Frame-Options", "Content-Security-Policy")
        assert [second.get(h) for h in kept] == [first.get(h) for h in kept], url
        assert not second.cookies


@pytest.mark.django_db
def test_a_hit_still_counts_the_view(thread):
    from quaestio.posts.models import Post

    question = thread["question"]
    _get(thread["url"], Client(REMOTE_ADDR="10.1.0.1"))
    hit = _get(thread["url"], Client(REMOTE_ADDR="10.1.0.2"))
    assert _outcome(hit) == "hit"
    assert Post.objects.get(id=question.id).view_count == 2


def _write_answer(t):
    answer_post(t["voter"], t["question"].id, body=ANSWER + " Written: a second answer.")
    return "Written: a second answer."


def _write_vote(t):
    vote_set(t["voter"], t["answer"].id, "up")
    return None  # checked by the score below


def _write_comment(t):
    comment_add(t["asker"], t["answer"].id, "Written: and what about the fords then?")
    return "Written: and what about the fords then?"


def _write_edit(t):
    post_edit(t["answerer"], t["answer"].id, body=ANSWER + " Written: rafts as well.")
    return "Written: rafts as well."


def _write_close(t):
    question_close(t["moderator"], t["question"].id, "needs_focus")
    return "Closed."


def _write_delete(t):
    post_delete(t["answerer"], t["answer"].id)
    return None


def _write_rename(t):
    profile_update(
        t["answerer"], display_name="Renamed Answerer", about_me="", location="", website_url=""
    )
    return "Renamed Answerer"


WRITES = [_write_answer, _write_vote, _write_comment, _write_edit, _write_close, _write_delete]


@pytest.mark.django_db
@pytest.mark.parametrize("write", [*WRITES, _write_rename], ids=lambda w: w.__name__[7:])
def test_each_write_makes_the_next_anonymous_read_fresh(
    thread, write, django_capture_on_commit_callbacks
):
    url = thread["url"]
    _get(url)
    before = _get(url)
    assert _outcome(before) == "hit"
    generation = page_generation()
    # The generation moves as the write commits; the test's transaction never does, so its
    # commit callbacks are run here as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        shown = write(thread)
    assert page_generation() > generation
    after = _get(url)
    assert _outcome(after) == "miss"
    assert after.content != before.content
    if shown:
        assert shown.encode() in after.content
    # What the page shows with no cache at all (but the clock: "1 sec ago" may be "2 secs").
    assert _timeless(after.content) == _timeless(_fresh(url).content)


def _timeless(page: bytes) -> bytes:
    return re.sub(rb">[^<>]* ago</time>", b"></time>", page)


def _fresh(url):
    from django.test import override_settings

    with override_settings(QUAESTIO_PAGE_CACHE=False):
        return _get(url)


@pytest.mark.django_db
def test_a_write_makes_the_lists_fresh_too(thread, django_capture_on_commit_callbacks):
    for url in ("/questions", "/questions?tab=active"):
        _get(url)
        assert _outcome(_get(url)) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        _write_answer(thread)
    for url in ("/questions", "/questions?tab=active"):
        after = _get(url)
        assert _outcome(after) == "miss"
        assert _timeless(after.content) == _timeless(_fresh(url).content)


@pytest.mark.django_db
def test_a_signed_in_user_is_never_served_or_stored(thread):
    client = Client()
    client.force_login(thread["voter"])
    replies = [_get(thread["url"], client) for _ in range(2)]
    assert [_outcome(r) for r in replies] == [None, None]
    assert b"Voter" in replies[1].content  # their own top bar, not a visitor's page
    # Nor did their page become a visitor's: an anonymous read is a miss.
    assert _outcome(_get(thread["url"])) == "miss"


@pytest.mark.django_db
def test_a_session_cookie_or_an_unknown_parameter_skips_the_cache(thread):
    url = thread["url"]
    _get(url)
    with_session = Client()
    with_session.cookies["sessionid"] = "not-a-session"
    assert _outcome(_get(url, with_session)) is None
    assert _outcome(_get(url + "?utm_source=x")) is None
    assert _outcome(_get(url)) == "hit"


@pytest.mark.django_db
def test_a_page_that_sets_a_cookie_is_not_stored(thread):
    """The log-in page puts a CSRF token in its form (so sets the CSRF cookie); were it a
    cached page, the next visitor would get that token. The rule, on a page the cache serves:
    the answer form for visitors would carry one too, and is not there."""
    from quaestio.web.page_cache import _storable

    login = Client().get("/users/login")
    assert login.cookies and b"csrfmiddlewaretoken" in login.content
    assert not _storable(login.wsgi_request, login)


@pytest.mark.django_db
def test_the_setting_turns_it_off(thread, settings):
    settings.QUAESTIO_PAGE_CACHE = False
    assert [_outcome(_get(thread["url"])) for _ in range(2)] == [None, None]
