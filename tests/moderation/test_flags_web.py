"""The flag pages through the real middleware (CSRF included) and the real Jinja renderer: the
dialogs, /users/<id>/flags, the /admin dashboard (whose query count does not grow with the
backlog), and the Flag links on the question page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quaestio.moderation.flags import comment_flag_raise, post_flag_raise
from quaestio.moderation.models import Flag, ModeratorAction
from tests.moderation.flag_support import comment_on
from tests.moderation.support import question, user
from tests.votes.factories import make_answer

pytestmark = pytest.mark.django_db


def _client(who, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(who)
    return client


def test_post_flag_dialog_lists_the_kinds_for_the_post():
    """A question's dialog has no "not an answer"; an answer's has no "needs improvement";
    the "moderator" choice has its text box; the form carries a CSRF token."""
    q = question(user(10))
    a = make_answer(q, user(10))
    flagger = _client(user(15))
    html = flagger.get(f"/posts/{q.id}/flag").content.decode()
    assert "Spam" in html and "Rude or abusive" in html and "Needs improvement" in html
    assert "Not an answer" not in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="text"' in html
    assert "Needs more focus" in html  # close reasons for a flagger below the close privilege
    html = flagger.get(f"/posts/{a.id}/flag").content.decode()
    assert "Not an answer" in html and "Needs improvement" not in html


def test_post_flag_dialog_refuses_below_15_and_anonymous_is_sent_to_log_in():
    q = question(user(10))
    html = _client(user(1)).get(f"/posts/{q.id}/flag").content.decode()
    assert "15 reputation" in html and 'class="flag-dialog"' not in html
    response = Client().post(f"/posts/{q.id}/flag", {"kind": "spam"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Flag.objects.exists()


def test_flagging_through_the_form():
    q = question(user(10))
    flagger = user(15)
    response = _client(flagger).post(f"/posts/{q.id}/flag", {"kind": "spam"})
    assert response.status_code == 200
    assert "Thanks for your flag" in response.content.decode()
    assert Flag.objects.get(post=q).user_id == flagger.id
    again = _client(flagger).get(f"/posts/{q.id}/flag").content.decode()
    assert "You flagged this post as “Spam”" in again


def test_forged_flag_without_csrf_changes_nothing():
    q = question(user(10))
    client = _client(user(15), enforce_csrf_checks=True)
    response = client.post(f"/posts/{q.id}/flag", {"kind": "spam"})
    assert response.status_code == 403
    assert not Flag.objects.exists()


def test_bad_input_gets_a_clear_error():
    q = question(user(10))
    response = _client(user(15)).post(f"/posts/{q.id}/flag", {"kind": "moderator", "text": ""})
    assert response.status_code == 400 and "Say what the problem is" in response.content.decode()
    assert _client(user(15)).get("/posts/999999/flag").status_code == 404
    assert not Flag.objects.exists()


def test_needs_improvement_with_the_privilege_goes_to_the_close_dialog():
    q = question(user(10))
    response = _client(user(3000)).post(f"/posts/{q.id}/flag", {"kind": "needs_improvement"})
    assert response.status_code == 302 and response["Location"].endswith(f"/questions/{q.id}/close")


def test_comment_flag_dialog_and_form():
    c = comment_on(question(user(10)), text="<b>you are wrong</b> and silly")
    client = _client(user(15))
    html = client.get(f"/comments/{c.id}/flag").content.decode()
    assert "Harassment, bigotry, or abuse" in html and "no longer needed" in html
    assert "&lt;b&gt;you are wrong&lt;/b&gt;" in html  # escaped
    response = client.post(f"/comments/{c.id}/flag", {"kind": "unfriendly"})
    assert "Thanks for your flag" in response.content.decode()
    assert Flag.objects.get().comment_id == c.id


def test_flag_history_is_for_the_flagger_and_moderators():
    flagger = user(15)
    post_flag_raise(flagger, question(user(10), title="A <script> title").id, "spam")
    url = f"/users/{flagger.id}/flags"
    html = _client(flagger).get(url).content.decode()
    assert "Spam" in html and "pending" in html and "A &lt;script&gt; title" in html
    assert _client(user(20_000)).get(url).status_code == 403
    assert _client(user(1, is_moderator=True)).get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_dashboard_is_for_moderators_and_groups_flags_by_post():
    q = question(user(10), title="Cheap watches here")
    post_flag_raise(user(15), q.id, "spam")
    post_flag_raise(user(15), q.id, "moderator", "The author posts this daily")
    comment_flag_raise(user(15), comment_on(q).id, "no_longer_needed")
    assert _client(user(20_000)).get("/admin").status_code == 403
    html = _client(user(1, is_moderator=True)).get("/admin").content.decode()
    assert html.count('class="flagged-post"') == 1
    assert "Cheap watches here" in html and "The author posts this daily" in html
    assert "Spam ×1" in html and "no longer needed (comment) ×1" in html
    assert f"/posts/{q.id}/edit" in html and f"/posts/{q.id}/lock" in html
    assert "delete comment" in html and "a moderator reviewed your flag" in html


def test_dashboard_handles_a_flag_and_logs_it():
    flagger = user(15)
    q = question(user(10))
    post_flag_raise(flagger, q.id, "very_low_quality")
    flag = Flag.objects.get()
    moderator = _client(user(1, is_moderator=True))
    response = moderator.post(
        "/admin/flags/handle",
        {"flag": flag.id, "outcome": "declined", "decline_reason": "no_evidence", "back": "/admin"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin"
    flag.refresh_from_db()
    assert flag.state == "declined"
    assert ModeratorAction.objects.get().action == "flag-declined"
    history = _client(flagger).get(f"/users/{flagger.id}/flags").content.decode()
    assert "declined" in history and "found no evidence to support it" in history
    refused = _client(user(20_000)).post(
        "/admin/flags/handle", {"post": q.id, "outcome": "helpful"}
    )
    assert refused.status_code == 403


def _bulk_flags(count: int) -> None:
    """`count` pending flags on `count` // 2 posts, by two flaggers each."""
    from quaestio.posts.models import Post, PostType

    flaggers = [user(15), user(15)]
    posts = Post.objects.bulk_create(
        [
            Post(post_type=PostType.QUESTION, title=f"spam {n}", body="<p>x</p>", tags="<rome>")
            for n in range(count // 2)
        ]
    )
    Flag.objects.bulk_create([Flag(post=p, user=f, kind="spam") for p in posts for f in flaggers])


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/admin")
    assert response.status_code == 200
    return len(captured)


def test_dashboard_query_count_does_not_grow_with_the_backlog():
    """Ten pending flags or two thousand: the same number of queries (a page of 25 posts,
    keyset-paged; the count capped at 1000+)."""
    moderator = _client(user(1, is_moderator=True))
    _bulk_flags(10)
    small = _dashboard_queries(moderator)
    _bulk_flags(2000)
    large = _dashboard_queries(moderator)
    assert large == small
    html = moderator.get("/admin").content.decode()
    assert "1000+ pending flags" in html and html.count('class="flagged-post"') == 25
    assert 'rel="next"' in html


def test_dashboard_pages_through_every_flagged_post():
    moderator = _client(user(1, is_moderator=True))
    _bulk_flags(120)  # 60 posts
    seen: list[str] = []
    url = "/admin"
    while url:
        html = moderator.get(url).content.decode()
        seen += [part.split('"')[0] for part in html.split('id="flagged-')[1:]]
        marker = 'rel="next"'
        url = ""
        if marker in html:
            url = html.split(marker)[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert len(seen) == len(set(seen)) == 60


def test_question_page_offers_flag_links_from_15_reputation():
    """The Flag link under each post and each comment, decided in the page model: shown from
    15 reputation, not below, and not on your own comment."""
    q = question(user(10))
    make_answer(q, user(10))
    mine = user(15)
    comment_on(q, mine)
    comment_on(q)
    response = _client(mine).get(f"/questions/{q.id}", follow=True)
    html = response.content.decode()
    assert html.count('class="flag-link"') == 2  # the question and the answer
    assert html.count("flag-link comment-flag") == 1  # the other user's comment only
    assert "quaestio/flags" in html
    low = _client(user(1)).get(f"/questions/{q.id}", follow=True).content.decode()
    assert "flag-link" not in low


def test_profile_links_the_flag_history_for_its_user_and_moderators():
    someone = user(15)
    profile = f"/users/{someone.id}"
    link = f'href="/users/{someone.id}/flags"'
    assert link in _client(someone).get(profile, follow=True).content.decode()
    assert link in _client(user(1, is_moderator=True)).get(profile, follow=True).content.decode()
    assert link not in _client(user(20_000)).get(profile, follow=True).content.decode()
    assert link not in Client().get(profile, follow=True).content.decode()
