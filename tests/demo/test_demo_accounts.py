"""The demo's log-in accounts (issue 17 point 6): a moderator, a 20k user, a 3k user and a new
user, logging in with the credentials `quaestio demo` prints, holding the privileges of their
reputation, which the reputation ledger explains."""

from __future__ import annotations

import re

import pytest
from django.db.models import Sum
from lxml import html as lxml_html

from quaestio.accounts.models import User
from quaestio.core import links
from quaestio.core.errors import PermissionDenied
from quaestio.demo.accounts import DEMO_ACCOUNTS, demo_accounts_text
from quaestio.reputation.models import BASE_REPUTATION, ReputationChange
from quaestio.reputation.recalc import recalculate
from quaestio.votes.models import Vote
from quaestio.votes.services.voting import vote_set

pytestmark = pytest.mark.django_db
SEED_QUESTION = 38738


def _printed_credentials() -> list[tuple[str, str]]:
    """(e-mail, password) as a newcomer reads them off the demo's start-up text."""
    return re.findall(r"^\s+(\S+@\S+)\s+password (\S+)", demo_accounts_text(), re.MULTILINE)


def _account(demo, email: str) -> User:
    return User.objects.get(email=email)


def _menu(client) -> list[str]:
    response = client.get(f"/questions/{SEED_QUESTION}", follow=True)
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content.decode())
    return [a.text_content() for a in tree.cssselect("#question .post-menu a")]


def test_every_account_is_printed_and_logs_in_with_what_is_printed(demo, client):
    credentials = _printed_credentials()
    assert [email for email, _ in credentials] == [a.email for a in DEMO_ACCOUNTS]
    for email, password in credentials:
        client.logout()
        response = client.post("/users/login", {"email": email, "password": password})
        assert response.status_code == 302, (email, response.content[:300])
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).id)
    wrong = client.post("/users/login", {"email": credentials[0][0], "password": "guess"})
    assert wrong.status_code == 400


def test_reputation_comes_from_the_ledger(demo, client):
    """Each total is the base point plus the account's ledger rows; recalculating from the
    events changes nothing; the reputation page lists the event."""
    expected = {
        "moderator@example.com": 2_500,
        "trusted@example.com": 20_000,
        "established@example.com": 3_000,
        "newcomer@example.com": 1,
    }
    users = {email: _account(demo, email) for email in expected}
    for email, user in users.items():
        ledger = ReputationChange.objects.filter(user=user).aggregate(total=Sum("amount"))
        assert user.reputation == expected[email] == BASE_REPUTATION + (ledger["total"] or 0)
    assert recalculate(user_ids=[user.id for user in users.values()]) == []
    trusted = users["trusted@example.com"]
    page = client.get(links.user_reputation_url(trusted.id, trusted.display_name))
    assert page.status_code == 200
    events = lxml_html.fromstring(page.content.decode()).cssselect(".rep-events li")
    assert [event.text_content() for event in events] == [
        "+19999 opening balance (imported or seeded total)"
    ]


def test_the_3k_user_sees_close_and_the_new_user_does_not(demo, client):
    client.force_login(_account(demo, "established@example.com"))
    assert any(label.startswith("Close") for label in _menu(client))
    client.force_login(_account(demo, "newcomer@example.com"))
    assert not any(label.startswith("Close") for label in _menu(client))


def test_the_new_user_cannot_vote_down_and_the_20k_user_can(demo):
    newcomer = _account(demo, "newcomer@example.com")
    with pytest.raises(PermissionDenied, match="125"):
        vote_set(newcomer, SEED_QUESTION, "down")
    assert not Vote.objects.filter(user=newcomer).exists()
    trusted = _account(demo, "trusted@example.com")
    vote_set(trusted, SEED_QUESTION, "down")
    assert Vote.objects.filter(user=trusted).count() == 1


def test_the_moderator_reaches_the_moderator_pages(demo, client):
    moderator = _account(demo, "moderator@example.com")
    assert moderator.is_moderator
    client.force_login(moderator)
    assert client.get("/admin/blocklist").status_code == 200
    assert client.get("/admin/held").status_code == 200
    assert any(label == "Lock" for label in _menu(client))
    client.force_login(_account(demo, "trusted@example.com"))
    assert client.get("/admin/blocklist").status_code == 403
