"""The close and reopen dialogs and the moderators' close-reasons page, through the real
middleware (CSRF included) and the real Jinja renderer."""

from __future__ import annotations

import pytest
from django.test import Client

from quaestio.moderation.models import CloseVote, OffTopicReason
from quaestio.posts.models import CloseReason, Post
from tests.moderation.support import question, user, voters

pytestmark = pytest.mark.django_db


def _client(who) -> Client:
    client = Client()
    client.force_login(who)
    return client


def test_close_dialog_lists_every_reason():
    """GET /questions/<id>/close renders Duplicate (with its search box), the three 2019
    reasons and the site's own off-topic reasons, as a plain form with a CSRF token."""
    OffTopicReason.objects.create(
        brief_description="About <b>modern</b> politics", post_notice="Off-topic here."
    )
    q = question(user(10))
    html = _client(user(3000)).get(f"/questions/{q.id}/close").content.decode()
    for title in ("Duplicate", "Needs details or clarity", "Needs more focus", "Opinion-based"):
        assert title in html
    assert "About &lt;b&gt;modern&lt;/b&gt; politics" in html  # escaped
    assert 'name="original_text"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "Vote to close" in html


def test_forged_post_without_csrf_is_refused_and_changes_nothing():
    """A cross-site POST without the CSRF token gets 403 and casts no vote."""
    voter = user(3000)
    q = question(user(10))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(voter)
    response = strict.post(f"/questions/{q.id}/close", {"reason": "needs_focus"})
    assert response.status_code == 403
    assert not CloseVote.objects.filter(question=q).exists()


def test_unprivileged_user_is_refused_with_a_clear_message():
    """A 10-reputation user (below the flag privilege too) posting the form gets 403, a message
    naming the reputation needed, and nothing changes."""
    q = question(user(10))
    response = _client(user(10)).post(f"/questions/{q.id}/close", {"reason": "needs_focus"})
    assert response.status_code == 403
    assert "3,000 reputation" in response.content.decode()
    assert not CloseVote.objects.filter(question=q).exists()


def test_anonymous_post_goes_to_login():
    q = question(user(10))
    response = Client().post(f"/questions/{q.id}/close", {"reason": "needs_focus"})
    assert response.status_code == 302 and "/users/login" in response["Location"]
    assert not CloseVote.objects.filter(question=q).exists()


def test_three_users_close_as_duplicate_through_the_form_then_reopen():
    """Three 3k users close a question as a duplicate by its id or link; the dialog redirects to
    the question; three others reopen it at /reopen."""
    original = question(user(10))
    q = question(user(10))
    inputs = [str(original.id), f"http://testserver/questions/{original.id}/x", f"/q/{original.id}"]
    for voter, typed in zip(voters(3), inputs, strict=True):
        response = _client(voter).post(
            f"/questions/{q.id}/close", {"reason": "duplicate", "original_text": typed}
        )
        assert response.status_code == 302 and response["Location"].startswith(
            f"/questions/{q.id}/"
        )
    q.refresh_from_db()
    assert q.close_reason == CloseReason.DUPLICATE
    page = _client(user(3000)).get(f"/questions/{q.id}/reopen").content.decode()
    assert "This question already has answers here:" in page and "Vote to reopen" in page
    for voter in voters(3):
        assert _client(voter).post(f"/questions/{q.id}/reopen").status_code == 302
    assert Post.objects.get(id=q.id).closed_date is None


def test_duplicate_search_by_title_offers_candidates_without_voting(
    ask, django_capture_on_commit_callbacks
):
    """Words in the duplicate box search titles: the dialog shows the matches to tick and casts
    no vote yet; ticking one casts it, the words still in the box."""
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written on commit
        original = ask(title="Roman pontoon bridges over the Danube")
    q = question(user(10))
    client = _client(user(3000))
    response = client.post(
        f"/questions/{q.id}/close", {"reason": "duplicate", "original_text": "pontoon bridges"}
    )
    assert response.status_code == 200
    assert f'value="{original.id}"' in response.content.decode()
    assert not CloseVote.objects.filter(question=q).exists()
    # The words stay in the box when the form comes back; the ticked question wins.
    ticked = {
        "reason": "duplicate",
        "original_text": "pontoon bridges",
        "original": str(original.id),
    }
    assert client.post(f"/questions/{q.id}/close", ticked).status_code == 302
    assert CloseVote.objects.get(question=q).original_ids == [original.id]


def test_low_reputation_user_flags_through_the_same_dialog():
    """A 15-reputation user sees "Flag to close" and the submit stores a close flag."""
    q = question(user(10))
    client = _client(user(15))
    assert "Flag to close" in client.get(f"/questions/{q.id}/close").content.decode()
    response = client.post(f"/questions/{q.id}/close", {"reason": "opinion_based"})
    assert response.status_code == 200 and "close queue" in response.content.decode()
    assert CloseVote.objects.get(question=q).is_flag


def test_close_reasons_page_is_for_moderators_only():
    """Non-moderators get 403; a moderator adds a reason and edits it; a missing required field
    is refused with its name and changes nothing."""
    assert _client(user(20000)).get("/admin/close-reasons").status_code == 403
    moderator = _client(user(1, is_moderator=True))
    assert moderator.get("/admin/close-reasons").status_code == 200
    fields = {
        "brief_description": "About modern politics",
        "usage_guidance": "Events after 1990.",
        "post_notice": "Questions about modern politics are off-topic here.",
        "owner_guidance": "Ask about the history behind it instead.",
        "privileged_guidance": "Suggest Politics Stack Exchange.",
        "active": "on",
    }
    assert moderator.post("/admin/close-reasons", fields).status_code == 302
    reason = OffTopicReason.objects.get(brief_description="About modern politics")
    response = moderator.post(f"/admin/close-reasons/{reason.id}", {**fields, "post_notice": ""})
    assert response.status_code == 400 and "Post notice is required" in response.content.decode()
    moderator.post(f"/admin/close-reasons/{reason.id}", {**fields, "brief_description": "Politics"})
    reason.refresh_from_db()
    assert reason.brief_description == "Politics" and reason.active
    denied = _client(user(20000)).post("/admin/close-reasons", fields)
    assert denied.status_code == 403
    assert OffTopicReason.objects.filter(brief_description="About modern politics").count() == 0
