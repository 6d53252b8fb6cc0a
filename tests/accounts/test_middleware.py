"""Who a request is from: visitors without a session are anonymous without a query; a session
cookie is decided by Django as ever."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory

from quaestio.accounts.middleware import AuthenticationMiddleware
from quaestio.accounts.models import User


def _through_middleware(cookie: str | None):
    from django.contrib.sessions.middleware import SessionMiddleware

    request = RequestFactory().get("/", HTTP_COOKIE=f"sessionid={cookie}" if cookie else "")
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


def test_a_visitor_without_a_session_cookie_is_anonymous_without_queries(
    db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        request = _through_middleware(None)
        assert not request.user.is_authenticated
        assert request.user.id is None


def test_a_session_cookie_is_decided_by_django(client, db):
    user = User.objects.create_user("ada@example.org", "Ada Lovelace", "correct horse battery")
    client.force_login(user)
    request = _through_middleware(client.cookies["sessionid"].value)
    assert request.session[SESSION_KEY] == str(user.id)
    assert request.user.is_authenticated and request.user.id == user.id


def test_an_unknown_session_cookie_is_anonymous(db):
    request = _through_middleware("no-such-session-key-0123456789")
    assert not request.user.is_authenticated


def test_pages_see_the_signed_in_user(client, db):
    """The whole stack: a signed-in member sees their name in the top bar; a visitor does not."""
    user = User.objects.create_user("ada@example.org", "Ada Lovelace", "correct horse battery")
    assert "Ada Lovelace" not in client.get("/").content.decode()
    client.force_login(user)
    assert "Ada Lovelace" in client.get("/").content.decode()
