"""Access tokens: created and revoked on the user's own page, checked on every API call."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.accounts.models import User
from quaestio.api.models import AccessToken
from quaestio.api.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    # An id clear of the demo community's, which keeps the dump's ids.
    return User.objects.create_user("ada@example.org", "Ada", "correct horse battery", id=9001)


def test_a_user_creates_a_token_on_their_page_and_sees_it_once(client, member):
    """POST /users/<id>/apps shows the secret once; only its hash and prefix are stored."""
    client.force_login(member)
    response = client.post(
        f"/users/{member.id}/apps/", {"name": "answer bot", "scope": ["write_access"]}
    )
    assert response.status_code == 200
    secret = re.search(rb'id="new-token">([^<]+)<', response.content).group(1).decode()
    token = AccessToken.objects.get(user=member)
    assert token.name == "answer bot" and token.scope_list == ["write_access"]
    assert secret not in token.token_hash and token.prefix == secret[:8]
    assert token.expires is not None  # a day, without no_expiry
    again = client.get(f"/users/{member.id}/apps/")
    assert secret.encode() not in again.content
    assert b"answer bot" in again.content


def test_only_the_owner_sees_the_page(client, member):
    """Anonymous visitors are sent to log in; other users are refused."""
    assert client.get(f"/users/{member.id}/apps/").status_code == 302
    other = User.objects.create_user("bo@example.org", "Bo", "another good pass", id=9002)
    client.force_login(other)
    assert client.get(f"/users/{member.id}/apps/").status_code == 403
    assert client.post(f"/users/{member.id}/apps/", {"name": "x"}).status_code == 403
    assert not AccessToken.objects.exists()


def test_the_page_refuses_bad_input(client, member):
    """No name or an unknown scope: a clear error, no token."""
    client.force_login(member)
    response = client.post(f"/users/{member.id}/apps/", {"name": " ", "scope": ["write_access"]})
    assert response.status_code == 400 and b"Give the token a name" in response.content
    response = client.post(f"/users/{member.id}/apps/", {"name": "bot", "scope": ["root"]})
    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_revoked_tokens_stop_working(client, api, member):
    """Revoking on the page makes the token invalid_access_token on the API."""
    token, secret = token_create(member, name="bot", scopes=["no_expiry"])
    _, me = api.get("me", access_token=secret)
    assert me["items"][0]["user_id"] == member.id
    client.force_login(member)
    response = client.post(f"/users/{member.id}/apps/{token.id}/revoke")
    assert response.status_code == 302
    response, body = api.get("me", access_token=secret)
    assert response.status_code == 400
    assert body["error_name"] == "invalid_access_token"


def test_a_user_cannot_revoke_someone_elses_token(client, member):
    token, _ = token_create(member, name="bot", scopes=[])
    other = User.objects.create_user("bo@example.org", "Bo", "another good pass", id=9002)
    client.force_login(other)
    client.post(f"/users/{other.id}/apps/{token.id}/revoke")
    token.refresh_from_db()
    assert token.revoked is None


def test_expired_tokens_are_invalid(api, member):
    """A token past its expiry answers invalid_access_token."""
    token, secret = token_create(member, name="bot", scopes=[])
    AccessToken.objects.filter(id=token.id).update(expires=timezone.now() - timedelta(seconds=1))
    _, body = api.get("me", access_token=secret)
    assert body["error_name"] == "invalid_access_token"


def test_writes_need_a_token_with_write_access(api, member, demo):
    """No token: access_token_required; a read-only token: access_denied; a bad one: invalid."""
    _, read_only = token_create(member, name="reader", scopes=[])
    path = "questions/38738/answers/add"
    _, body = api.post(path, body="x" * 40)
    assert body["error_name"] == "access_token_required"
    _, body = api.post(path, body="x" * 40, access_token="nonsense")
    assert body["error_name"] == "invalid_access_token"
    _, body = api.post(path, body="x" * 40, access_token=read_only)
    assert body["error_name"] == "access_denied"
    response, body = api.get(path, access_token=read_only)
    assert body["error_name"] == "no_method"


def test_access_tokens_methods_describe_and_invalidate(api, member):
    """/access-tokens/{tokens} describes a token; /invalidate ends it."""
    _, secret = token_create(member, name="bot", scopes=["write_access", "no_expiry"])
    _, body = api.get(f"access-tokens/{secret}")
    assert body["items"][0]["scope"] == ["no_expiry", "write_access"]
    assert "expires_on_date" not in body["items"][0]
    api.get(f"access-tokens/{secret}/invalidate")
    _, body = api.get(f"access-tokens/{secret}")
    assert body["items"] == []


def test_me_methods_use_the_tokens_user(api, demo):
    """/me/questions is /users/{id}/questions for the token's user."""
    owner = User.objects.get(id=101)
    _, secret = token_create(owner, name="bot", scopes=[])
    _, mine = api.get("me/questions", access_token=secret)
    _, theirs = api.get("users/101/questions")
    assert mine["items"] == theirs["items"] and mine["items"]
    _, body = api.get("me/questions")
    assert body["error_name"] == "access_token_required"
