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
from tests.moderation.states_support import community

ANSWER = "An answer that explains how the legions crossed: pontoon bridges, boats and fords."


@pytest.fixture(autouse=True)
def _timing_for_all(settings):
    """Server-Timing for every visitor, so each reply says whether the cache served it."""
    settings.QUAESTIO_SERVER_TIMING = "all"
    settings.QUAESTIO_PAGE_CACHE = True


@pytest.fixture
def thread(ask, make_user):
    # The transactional tests below start from a flushed database: the Community user, whom
    # moderation and tag-wiki writes name, is made again (as the migration made it).
    community()
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
def test_an_unknown_cookie_or_parameter_skips_the_cache(thread):
    url = thread["url"]
    _get(url)
    with_cookie = Client()
    with_cookie.cookies["messages"] = "a flash message waiting"
    assert _outcome(_get(url, with_cookie)) is None
    assert _outcome(_get(url + "?utm_source=x")) is None
    assert _outcome(_get(url)) == "hit"


def _session_holding(**data) -> str:
    from importlib import import_module

    from django.conf import settings

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update(data)
    session.save()
    return session.session_key


def _with_session(key: str) -> Client:
    from django.conf import settings

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


@pytest.mark.django_db
def test_a_session_without_a_user_is_a_visitor(thread):
    """As on Stack Exchange and Discourse, a session that holds no user (a sign-in flow's state,
    an unknown or expired key) is still a visitor: served the stored page. What such a request
    renders is not stored; a session with a user id or a flash message waiting in it is never
    served from the cache."""
    from django.core.cache import caches

    url = thread["url"]
    for key in (_session_holding(next="/questions"), "no-such-session-key"):
        caches["default"].clear()
        assert _outcome(_get(url, _with_session(key))) == "miss"
        assert _outcome(_get(url)) == "miss"  # the session's render was not stored
        assert _outcome(_get(url, _with_session(key))) == "hit"
    for held in ({"_auth_user_id": str(thread["voter"].id)}, {"_messages": "[]"}):
        assert _outcome(_get(url, _with_session(_session_holding(**held)))) is None


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


# --- Writes outside threads -----------------------------------------------------------------
# No `thread_changed` and no call of their own: the generation moves because they write tables
# the pages read (core/page_generation.PAGE_TABLES). These tests commit for real (a transaction
# test), as a deployed site does, instead of running the commit callbacks by hand.


def _suspend(t):
    from quaestio.accounts.moderating import user_suspend

    user_suspend(t["moderator"], t["answerer"].id, 7, "Written: serial voting.")
    return None  # the answerer's reputation shows as 1


def _unsuspend_prepare(t):
    from quaestio.accounts.moderating import user_suspend

    user_suspend(t["moderator"], t["answerer"].id, 7, "Written: serial voting.")


def _unsuspend(t):
    from quaestio.accounts.moderating import user_unsuspend

    assert user_unsuspend(t["moderator"], t["answerer"].id)
    return None  # the answerer's reputation shows again


def _make_moderator(t):
    from quaestio.cli import main

    assert main(["user", "make-moderator", str(t["answerer"].id)]) == 0
    return 'class="diamond"'


def _erase_account(t):
    from quaestio.accounts.privacy import erase_user

    erase_user(t["answerer"].id, requested_by=None, remove_content=False)
    return f"user{t['answerer'].id}"  # the answer is credited to the placeholder name


def _destroy_spammer(t):
    from quaestio.moderation.spammer import spammer_destroy

    spammer_destroy(t["moderator"], t["answerer"].id, "Answerer")
    return None  # the answer is gone


def _merge_tag(t):
    from quaestio.tags.models import Tag
    from quaestio.tags.synonyms import tag_merge

    Tag.objects.get_or_create(name="roman-empire")
    tag_merge(t["moderator"], "rome", "roman-empire")
    return 'href="/questions/tagged/roman-empire"'


def _bump_prepare(t):
    from datetime import timedelta

    from django.utils import timezone

    from quaestio.posts.models import Post

    # Arranged as an old question, which only the passing of time makes on a live site.
    old = timezone.now() - timedelta(days=400)
    Post.objects.filter(id=t["question"].id).update(last_activity_date=old)


def _community_bump(t):
    import random

    from quaestio.moderation.roomba import bump_question

    assert bump_question(rng=random.Random(1)) == t["question"].id
    return None  # modified now, and the question's timeline row


OUTSIDE_THREADS = [
    (None, _suspend),
    (_unsuspend_prepare, _unsuspend),
    (None, _make_moderator),
    (None, _erase_account),
    (None, _destroy_spammer),
    (None, _merge_tag),
    (_bump_prepare, _community_bump),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("prepare", "write"), OUTSIDE_THREADS, ids=lambda w: w.__name__[1:] if w else "-"
)
def test_writes_outside_threads_make_the_next_anonymous_read_fresh(thread, prepare, write):
    url = thread["url"]
    if prepare:
        prepare(thread)
    _get(url)
    before = _get(url)
    assert _outcome(before) == "hit"
    generation = page_generation()
    shown = write(thread)
    assert page_generation() > generation
    after = _get(url)
    assert _outcome(after) == "miss"
    assert after.content != before.content
    if shown:
        assert shown.encode() in after.content
    assert _timeless(after.content) == _timeless(_fresh(url).content)


@pytest.mark.django_db(transaction=True)
def test_a_tag_wiki_edit_makes_the_tag_page_fresh(thread):
    """The tag's questions page shows its excerpt."""
    from quaestio.tags.wiki import tag_wiki_edit

    url = "/questions/tagged/rome"
    _get(url)
    assert _outcome(_get(url)) == "hit"
    excerpt = "Written: the city on the Tiber, its republic and its empire."
    tag_wiki_edit(thread["moderator"], "rome", excerpt=excerpt, wiki="")
    after = _get(url)
    assert _outcome(after) == "miss"
    assert excerpt.encode() in after.content


@pytest.mark.django_db
def test_the_pages_read_only_watched_tables(thread):
    """Every table a cached page reads is in PAGE_TABLES (or read for the cache itself): a page
    that starts showing a new table fails here until that table's writes move the generation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quaestio.core.page_generation import PAGE_TABLES

    not_shown = {"core_pagegeneration", "posts_questionview", "core_sharedcache"}
    tables = set(connection.introspection.table_names())
    read = set()
    urls = [thread["url"], "/", "/questions/tagged/rome", "/tags/rome"]
    urls += [f"/questions?tab={tab}" for tab in ("newest", "active", "unanswered", "bounties")]
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            _fresh(url)
    for query in queries.captured_queries:
        read |= {t for t in tables if re.search(rf"\b{t}\b", query["sql"])}
    assert read - not_shown <= PAGE_TABLES, read - not_shown - PAGE_TABLES


def test_a_read_writes_nothing_that_moves_the_generation():
    """What reading a page writes (the view count, a user's counters) does not empty the cache;
    anything else written to a page's tables does."""
    from quaestio.core.page_generation import writes_pages

    assert not writes_pages(
        'UPDATE "posts_post" SET "view_count" = (COALESCE("posts_post"."view_count", %s) + %s)'
        ' WHERE "posts_post"."id" = %s'
    )
    assert not writes_pages(
        'UPDATE "accounts_user" SET "inbox_unread" = %s WHERE "accounts_user"."id" = %s'
    )
    assert not writes_pages('INSERT INTO "django_session" ("session_key") VALUES (%s)')
    assert writes_pages('UPDATE "posts_post" SET "view_count" = %s, "score" = %s WHERE id = %s')
    assert writes_pages('UPDATE "accounts_user" SET "suspended_until" = %s WHERE "id" = %s')
    assert writes_pages("update accounts_user set display_name = %s where id = %s")
    assert writes_pages("WITH s AS (SELECT 1) UPDATE tags_tag SET count = 2 FROM s")
    assert writes_pages('DELETE FROM "comments_comment" WHERE "id" = %s')
