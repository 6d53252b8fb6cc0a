"""The top bar's inbox and achievements counters: kept on the user row by the services, shown
on every page and by /users/top-bar.json without counting rows, cleared by reading, rebuilt by
the recount."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from quaestio.accounts.models import User
from quaestio.core.counters import recount
from quaestio.notifications.models import Notification
from quaestio.notifications.selectors import top_bar_counts
from quaestio.notifications.services import notify
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason


def _fresh(user) -> User:
    return User.objects.get(id=user.id)


def _count_on_page(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}"[^>]*data-count="(\d+)"', html)
    assert match, f"no #{element_id} with data-count"
    return int(match.group(1))


def test_page_and_json_show_the_counters(client, make_user):
    """Two inbox items and one reputation change show as data-count 2 and 1 in the top bar and
    in /users/top-bar.json, which reads no table beyond the session and the user."""
    user = make_user()
    notify(user.id, Notification.MENTION, summary="one")
    notify(user.id, Notification.MENTION, summary="two")
    ledger.change(user.id, 10, Reason.UPVOTE)
    client.force_login(user)
    html = client.get("/help").content.decode()
    assert _count_on_page(html, "inbox-unread") == 2
    assert _count_on_page(html, "achievements-unseen") == 1
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/users/top-bar.json").json()
    assert data == {"inbox_unread": 2, "achievements_unseen": 1, "reputation": 11}
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "notifications_notification" not in tables
    assert "reputation_reputationchange" not in tables


def test_json_needs_a_log_in(client, db):
    """Anonymous visitors get 401 from the counters endpoint."""
    assert client.get("/users/top-bar.json").status_code == 401


def test_opening_the_inbox_reads_it(client, make_user):
    """The inbox page (and its dropdown fragment) lists the items and sets the counter to 0."""
    user = make_user()
    notify(user.id, Notification.MENTION, summary="hello <there>")
    client.force_login(user)
    response = client.get("/users/inbox?fragment=1")
    assert b"hello &lt;there&gt;" in response.content and b"<html" not in response.content
    assert _fresh(user).inbox_unread == 0
    assert Notification.objects.get().read_date is not None


def test_marking_one_item_read(client, make_user):
    """POST /users/inbox/read with an item marks that one read and answers the new counts;
    another user's item is not found and changes nothing."""
    user, other = make_user(), make_user()
    first = notify(user.id, Notification.MENTION, summary="first")
    notify(user.id, Notification.MENTION, summary="second")
    theirs = notify(other.id, Notification.MENTION, summary="theirs")
    client.force_login(user)
    accept = {"HTTP_ACCEPT": "application/json"}
    response = client.post("/users/inbox/read", {"item": first.id}, **accept)
    assert response.json()["inbox_unread"] == 1
    assert client.post("/users/inbox/read", {"item": first.id}, **accept).status_code == 200
    assert _fresh(user).inbox_unread == 1
    assert client.post("/users/inbox/read", {"item": theirs.id}, **accept).status_code == 404
    assert _fresh(other).inbox_unread == 1
    assert client.post("/users/inbox/read").status_code == 302
    assert _fresh(user).inbox_unread == 0


def test_mark_read_needs_post_and_csrf(make_user):
    """Marking read is a POST with the CSRF token."""
    from django.test import Client

    user = make_user()
    notify(user.id, Notification.MENTION, summary="x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/users/inbox/read").status_code == 405
    assert client.post("/users/inbox/read").status_code == 403
    assert _fresh(user).inbox_unread == 1


def test_achievements_list_today_and_clear_the_marker(client, make_user):
    """Today's reputation changes and badges are listed (unseen marked) and opening the list
    sets the marker to 0; opening balances are not achievements."""
    from quaestio.badges.models import Badge
    from quaestio.badges.services import _save  # noqa: PLC2701 (writes one badge, as awarding does)

    user = make_user()
    ledger.change(user.id, 5, Reason.OPENING_BALANCE)
    ledger.change(user.id, 10, Reason.UPVOTE)
    _save([Badge(user_id=user.id, name="Teacher", badge_class=3)])
    assert _fresh(user).achievements_unseen == 2
    client.force_login(user)
    html = client.get("/users/achievements").content.decode()
    assert "Teacher" in html and "+10" in html and html.count("achievement reputation") == 1
    assert "unseen" in html
    assert _fresh(user).achievements_unseen == 0
    html = client.get("/users/achievements?fragment=1").content.decode()
    assert "unseen" not in html


def test_recount_rebuilds_the_counters(make_user):
    """Counters that drifted from the rows are set right by the recount."""
    user = make_user()
    notify(user.id, Notification.MENTION, summary="x")
    ledger.change(user.id, 10, Reason.UPVOTE)
    User.objects.filter(id=user.id).update(inbox_unread=7, achievements_unseen=9)
    changed = recount(only={"inbox unread counts", "achievements unseen counts"})
    assert changed == {"inbox unread counts": 1, "achievements unseen counts": 1}
    assert top_bar_counts(_fresh(user))["inbox_unread"] == 1
    assert _fresh(user).achievements_unseen == 1


def test_question_page_shows_counters_without_more_queries(client, demo):
    """A signed-in reader with unread items sees the counter on the question page, for no more
    queries than with none (the counters come with the user row), within the page's budget."""
    from tests.web.test_question_page_queries import QUERY_BUDGET, QUESTION_URL

    user = User.objects.create_user("reader@example.org", "reader", "correct horse battery")
    client.force_login(user)
    client.get(QUESTION_URL)  # the first view is counted (a write); later ones are not

    def queries_and_page() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(QUESTION_URL).content.decode()
        return len(queries), html

    without, html = queries_and_page()
    assert _count_on_page(html, "inbox-unread") == 0
    notify(user.id, Notification.MENTION, summary="x")
    ledger.change(user.id, 10, Reason.UPVOTE)
    with_counts, html = queries_and_page()
    assert _count_on_page(html, "inbox-unread") == 1
    assert _count_on_page(html, "achievements-unseen") == 1
    assert with_counts == without <= QUERY_BUDGET
