"""The review pages: /review, a queue's next item, an item's page, Edit, and the history.
Real requests through Django's client and the real Jinja renderer; CSRF enforced."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quaestio.core import links
from quaestio.moderation.models import Review, ReviewQueue, ReviewTask
from tests.moderation.review_support import queued_answer
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db


def signed_in(reputation: int, **extra) -> tuple[Client, object]:
    client = Client(enforce_csrf_checks=True)
    person = user(reputation, **extra)
    client.force_login(person)
    return client, person


def csrf(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_overview_lists_every_queue_with_counts_and_access():
    queued_answer()
    client, _me = signed_in(500)
    page = client.get(links.review_url()).content.decode()
    for title in ("Close votes", "Reopen votes", "First questions", "First answers",
                  "Late answers", "Low quality posts", "Suggested edits"):  # fmt: skip
        assert title in page
    assert (
        'data-queue="first-answers"' in page and "Reviewing low-quality posts needs 2,000" in page
    )
    assert links.review_url("suggested-edits") in page


def test_overview_queries_do_not_grow_with_the_queues():
    client, _me = signed_in(3000)
    queued_answer()
    with CaptureQueriesContext(connection) as few:
        client.get(links.review_url())
    for _ in range(20):
        queued_answer()
        queued_answer(ReviewQueue.CLOSE)
    with CaptureQueriesContext(connection) as many:
        client.get(links.review_url())
    assert len(many) == len(few)


def test_a_queue_below_its_threshold_says_why():
    client, _me = signed_in(499)
    response = client.get(links.review_url("first-answers"))
    assert response.status_code == 403 and "500" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get(links.review_url("close"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_queue_shows_the_next_item_and_looks_ok_reviews_it():
    task = queued_answer()
    client, me = signed_in(500)
    url = links.review_url("first-answers")
    page = client.get(url).content.decode()
    assert f'data-task="{task.id}"' in page and "Looks OK" in page and "Share feedback" in page
    token = csrf(client, url)
    response = client.post(
        links.review_task_url("first-answers", task.id),
        {"action": "looks-ok", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Review.objects.get(task=task).user_id == me.id
    after = client.get(response["Location"]).content.decode()
    assert "Thank you for reviewing" in after and "This queue has been cleared" in after


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing():
    task = queued_answer()
    client, _me = signed_in(500)
    response = client.post(links.review_task_url("first-answers", task.id), {"action": "looks-ok"})
    assert response.status_code == 403 and not Review.objects.exists()


def test_a_forged_or_repeated_post_changes_nothing():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    low, _ = signed_in(500)
    url = links.review_task_url("low-quality-posts", task.id)
    response = low.post(url, {"action": "looks-ok", "csrfmiddlewaretoken": csrf(low, url)})
    assert response.status_code == 403 and "2,000" in response.content.decode()
    client, _me = signed_in(2000)
    token = csrf(client, url)
    client.post(url, {"action": "looks-ok", "csrfmiddlewaretoken": token})
    again = client.post(url, {"action": "looks-ok", "csrfmiddlewaretoken": token})
    assert again.status_code == 403 and "already reviewed" in again.content.decode()
    bogus = client.post(url, {"action": "approve-all", "csrfmiddlewaretoken": token})
    assert bogus.status_code in (400, 403)
    assert Review.objects.count() == 1


def test_close_review_form_casts_a_close_vote():
    from quaestio.moderation import services

    q = question(user(10))
    services.close_vote_cast(user(3000), q.id, "needs_focus")
    task = ReviewTask.objects.get(queue="close", post=q)
    client, me = signed_in(3000)
    page = client.get(links.review_url("close")).content.decode()
    assert "Leave open" in page and 'value="needs_focus"' in page and "1 close vote" in page
    url = links.review_task_url("close", task.id)
    client.post(
        url, {"action": "close", "reason": "needs_focus", "csrfmiddlewaretoken": csrf(client, url)}
    )
    assert Review.objects.get(task=task, user=me).action == "close"
    assert q.close_votes.filter(user=me, state="pending").exists()


def test_edit_page_saves_the_edit_and_the_review():
    task = queued_answer()
    client, me = signed_in(2000)
    url = links.review_edit_url("first-answers", task.id)
    page = client.get(url).content.decode()
    assert "Saving the edit completes your review" in page
    response = client.post(
        url,
        {
            "body": "An answer long enough to be read by a reviewer, now improved in review.",
            "comment": "improved",
            "csrfmiddlewaretoken": csrf(client, url),
        },
    )
    assert response.status_code == 302
    assert Review.objects.get(task=task, user=me).action == "edit"


def test_item_page_and_history_pages():
    task = queued_answer(ReviewQueue.LATE_ANSWERS)
    client, me = signed_in(500)
    url = links.review_task_url("late-answers", task.id)
    client.post(url, {"action": "looks-ok", "csrfmiddlewaretoken": csrf(client, url)})
    item = Client().get(url).content.decode()
    assert me.display_name in item and "Looks OK" in item and "Completed: looks-ok" in item
    history = Client().get(links.review_history_url("late-answers")).content.decode()
    assert me.display_name in history and url in history
    mine = Client().get(links.review_history_url("late-answers", me.id)).content.decode()
    assert f"history of {me.display_name}" in mine
    assert Client().get(links.review_history_url("late-answers") + "?user=x").status_code == 400


def test_unknown_queues_and_items_are_not_found():
    client, _me = signed_in(3000)
    assert client.get("/review/no-such-queue").status_code == 404
    assert client.get(links.review_task_url("close", 999_999)).status_code == 404
    task = queued_answer()
    assert client.get(links.review_task_url("close", task.id)).status_code == 404  # other queue


def test_suggested_edits_keeps_its_own_page():
    assert Client().get(links.review_url("suggested-edits")).status_code == 200


def test_the_top_bar_offers_review_to_those_with_access():
    reviewer, _ = signed_in(500)
    newcomer, _ = signed_in(1)
    assert 'class="review-link"' in reviewer.get(links.page_url("home")).content.decode()
    assert 'class="review-link"' not in newcomer.get(links.page_url("home")).content.decode()


def test_at_the_daily_limit_the_page_offers_only_skip(settings):
    settings.QUAESTIO_REVIEW_DAILY_LIMIT = 1
    done, waiting = queued_answer(), queued_answer()
    client, me = signed_in(500)
    url = links.review_task_url("first-answers", done.id)
    client.post(url, {"action": "looks-ok", "csrfmiddlewaretoken": csrf(client, url)})
    page = client.get(links.review_url("first-answers")).content.decode()
    assert f'data-task="{waiting.id}"' in page and "limit of 1 reviews" in page
    assert 'value="skip"' in page and 'value="looks-ok"' not in page


def test_the_askers_edit_of_a_closed_question_goes_to_the_reopen_queue():
    from quaestio.moderation import services

    asker = user(10)
    q = question(asker, tags="<rome>")
    from quaestio.tags.models import Tag

    Tag.objects.get_or_create(name="rome")
    for voter in (user(3000), user(3000), user(3000)):
        services.close_vote_cast(voter, q.id, "needs_details")
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)
    url = links.post_action_url(q.id, "edit")
    form = client.get(url).content.decode()
    assert 'name="reopen_review"' in form
    client.post(
        url,
        {
            "title": q.title,
            "body": "The body now gives the details the closing asked for, at length.",
            "tags": "rome",
            "reopen_review": "on",
            "csrfmiddlewaretoken": csrf(client, url),
        },
    )
    assert ReviewTask.objects.filter(queue="reopen", post=q, state="pending").exists()


def test_the_queue_page_and_history_queries_do_not_grow_with_the_queue():
    client, me = signed_in(500)
    queued_answer()
    urls = (links.review_url("first-answers"), links.review_history_url("first-answers"))
    before = []
    for url in urls:
        with CaptureQueriesContext(connection) as counted:
            client.get(url)
        before.append(len(counted))
    for _ in range(20):
        task = queued_answer()
        Review.objects.create(task=task, user=user(500), queue="first-answers", action="skip")
    after = []
    for url in urls:
        with CaptureQueriesContext(connection) as counted:
            client.get(url)
        after.append(len(counted))
    assert after == before
