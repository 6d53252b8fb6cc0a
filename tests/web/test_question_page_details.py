"""Small things the question page got wrong (issue 15.12): "Viewed 1 times", bounties never
shown, and a wrong slug redirected only after the whole page's work; and the bound on the
plain-text cache (issue 14.6)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.core import links
from quaestio.posts.models import Post
from quaestio.votes.services import bounty_offer
from quaestio.web import text


def test_one_view_reads_viewed_1_time(client, ask):
    """A question seen once says "Viewed 1 time"; more say "times"."""
    question = ask()
    Post.objects.filter(id=question.id).update(view_count=0)
    html = client.get(links.question_url(question.id, question.title)).content.decode()
    assert ">1</span> time</span>" in html
    Post.objects.filter(id=question.id).update(view_count=5)
    client.logout()
    html = client.get(
        links.question_url(question.id, question.title), REMOTE_ADDR="10.0.0.9"
    ).content.decode()
    assert ">6</span> times</span>" in html


def test_open_bounty_is_shown_on_the_question(client, ask, make_user):
    """A question with an open bounty shows its amount beside the question's meta and Stack
    Exchange's notice: worth +N reputation, from whom, ending when."""
    question = ask()
    Post.objects.filter(id=question.id).update(creation_date=timezone.now() - timedelta(days=3))
    offerer = make_user(reputation=500, name="Generous Offerer")
    question.refresh_from_db()
    bounty_offer(offerer, question.id, 100, "attention")
    html = client.get(links.question_url(question.id, question.title)).content.decode()
    assert 'class="bounty-award"' in html and "+100</span>" in html
    assert "This question has an open bounty worth +100 reputation from" in html
    assert "Generous Offerer" in html
    assert "ending <time" in html


def test_wrong_slug_redirects_after_the_first_query(client, ask):
    """/questions/<id>/<wrong slug> redirects to the canonical URL from the thread's first
    query alone: no comments, users or related-questions queries, no view counted."""
    question = ask()
    Post.objects.filter(id=question.id).update(view_count=0)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/questions/{question.id}/not-the-slug?answertab=created")
    assert response.status_code == 301
    assert response["Location"] == (
        links.question_url(question.id, question.title) + "?answertab=created"
    )
    assert len(captured) == 1
    assert Post.objects.get(id=question.id).view_count == 0


def test_plain_text_cache_is_bounded_by_bytes():
    """Bodies of any size never make the plain-text cache hold more than its budget; a body
    over a tenth of the budget is not kept at all."""
    body = "<p>" + "word " * 20_000 + "</p>"  # 100,000 characters
    for number in range(200):
        assert text.plain_text(f"{body}{number}").startswith("word word")
    assert text.plain_text_cache_bytes() <= text.PLAIN_TEXT_CACHE_BYTES
    huge = "<p>" + "x" * text.PLAIN_TEXT_CACHE_BYTES + "</p>"
    before = text.plain_text_cache_bytes()
    text.plain_text(huge)
    assert text.plain_text_cache_bytes() == before
