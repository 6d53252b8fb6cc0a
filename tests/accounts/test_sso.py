"""Sign-in with existing accounts, end to end against a real OpenID Connect provider served by
the test (tests/accounts/oidc_provider.py): log-in, sign-up, linking, a refused unconfirmed
address, the site owner's page. Django's test client plays the browser; the provider's
redirect is followed by hand, as a browser would."""

from __future__ import annotations

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from quaestio.accounts.models import User, UserAddress
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

PROVIDER_ID = "testidp"
LOGIN_URL = f"/accounts/oidc/{PROVIDER_ID}/login/"


@pytest.fixture(scope="module")
def idp():
    with Provider() as provider:
        yield provider


@pytest.fixture
def oidc(settings, idp, db):
    """The provider configured as the environment would (QUAESTIO_OIDC_PROVIDERS)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Test IdP",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": idp.url},
                }
            ],
        }
    }
    idp.identity = {}
    return idp


def through_provider(client: Client, idp: Provider, identity: dict, process="login", **extra):
    """Press the button, let the provider sign `identity` in, come back: the callback's
    response."""
    idp.identity = identity
    start = client.post(LOGIN_URL, {"process": process, **extra})
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(idp.url + "/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    callback = at_provider.headers["Location"]
    assert callback.startswith("http://testserver/accounts/oidc/")
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_id(client: Client):
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def people() -> int:
    return User.objects.filter(id__gt=0).count()  # not the Community user


def identity(sub="sub-1", email="ada@example.net", verified=True, name="Ada Lovelace"):
    return {"sub": sub, "email": email, "email_verified": verified, "name": name}


def test_login_page_offers_the_provider_and_allows_it_as_a_form_target(client, oidc):
    page = client.get("/users/login")
    html = page.content.decode()
    assert "Log in with Test IdP" in html
    assert f'action="{LOGIN_URL}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f"form-action 'self' {oidc.url}" in page["Content-Security-Policy"]
    assert "Sign up with Test IdP" in client.get("/users/signup").content.decode()


def test_no_provider_no_buttons(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get("/users/login")
    assert "Log in with" not in page.content.decode()
    assert "form-action 'self';" in page["Content-Security-Policy"]


def test_sign_up_through_the_provider_makes_an_account(client, oidc):
    response = through_provider(client, oidc, identity(), next="/questions")
    assert response.status_code == 302 and response["Location"] == "/questions"
    user = User.objects.get(email="ada@example.net")
    assert signed_in_id(client) == user.id
    assert user.display_name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).provider == PROVIDER_ID
    assert UserAddress.objects.filter(user=user, address="127.0.0.1").exists()
    # allauth asked for the code with PKCE (S256) and a state; the provider checked the verifier.
    query = oidc.authorize_queries[-1]
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert len(query["state"]) >= 8


def test_logging_in_again_uses_the_same_account(client, oidc):
    assert through_provider(client, oidc, identity())["Location"] == "/"
    client.post("/users/logout")
    assert signed_in_id(client) is None
    assert through_provider(client, oidc, identity(name="Another Name"))["Location"] == "/"
    assert User.objects.filter(email="ada@example.net").count() == 1
    assert signed_in_id(client) == User.objects.get(email="ada@example.net").id


def test_an_unconfirmed_address_is_not_kept_on_a_new_account(client, oidc):
    through_provider(client, oidc, identity(email="maybe@example.net", verified=False))
    user = User.objects.get(id=signed_in_id(client))
    assert user.email is None  # it would hold the address against its real owner
    assert not User.objects.filter(email="maybe@example.net").exists()


def test_provider_names_follow_our_name_rules(client, oidc):
    through_provider(client, oidc, identity(sub="odd", email="x@example.net", name='@<b>"Zed"'))
    assert User.objects.get(email="x@example.net").display_name == "bZed"
    through_provider(Client(), oidc, identity(sub="short", email="y@example.net", name="Q"))
    user = User.objects.get(email="y@example.net")
    assert user.display_name == f"user{user.id}"


def test_a_confirmed_address_links_to_the_existing_account(client, oidc, make_user):
    owner = make_user()
    through_provider(client, oidc, identity(email=owner.email.upper()))
    assert signed_in_id(client) == owner.id
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user_id == owner.id
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery")  # the password still works
    assert people() == 1


@pytest.mark.parametrize("verified", [False, "false", None, "yes"])
def test_an_unconfirmed_address_of_an_existing_account_is_refused(
    client, oidc, make_user, verified
):
    owner = make_user()
    response = through_provider(client, oidc, identity(email=owner.email, verified=verified))
    assert response.status_code == 403
    html = response.content.decode()
    assert f"The address {owner.email} belongs to an account here" in html
    assert "did not confirm" in html
    assert signed_in_id(client) is None
    assert not SocialAccount.objects.exists()
    owner.refresh_from_db()
    assert owner.has_usable_password() and people() == 1


def test_a_signed_in_user_links_and_removes_a_provider(client, oidc, make_user):
    user = make_user()
    client.force_login(user)
    page = client.get("/users/edit/logins")
    assert "Link Test IdP" in page.content.decode()
    assert oidc.url in page["Content-Security-Policy"]
    response = through_provider(client, oidc, identity(email="other@example.net"), "connect")
    assert response.status_code == 302 and response["Location"] == "/users/edit/logins?linked=1"
    account = SocialAccount.objects.get(user=user)
    html = client.get(response["Location"]).content.decode()
    assert "The account was linked" in html and "other@example.net" in html
    # The user can now log in with it, from another browser.
    other = Client()
    through_provider(other, oidc, identity(email="other@example.net"))
    assert signed_in_id(other) == user.id
    removed = client.post("/users/edit/logins/remove", {"id": account.id})
    assert removed.status_code == 302
    assert not SocialAccount.objects.exists()


def test_the_last_way_to_log_in_cannot_be_removed(client, oidc):
    through_provider(client, oidc, identity())
    account = SocialAccount.objects.get()
    page = client.get("/users/edit/logins").content.decode()
    assert "This is the only way you can log in" in page
    response = client.post("/users/edit/logins/remove", {"id": account.id})
    assert response.status_code == 400
    assert SocialAccount.objects.filter(id=account.id).exists()
    # Once a password is set (no current password to give: there is none), it can go.
    user = User.objects.get(id=signed_in_id(client))
    client.post("/users/edit/password", {"current": "", "new": "a much longer secret"})
    user.refresh_from_db()
    assert user.check_password("a much longer secret")
    assert client.post("/users/edit/logins/remove", {"id": account.id}).status_code == 302
    assert not SocialAccount.objects.exists()


def test_removing_someone_elses_login_finds_nothing(client, oidc, make_user):
    through_provider(Client(), oidc, identity())
    account = SocialAccount.objects.get()
    client.force_login(make_user())
    assert client.post("/users/edit/logins/remove", {"id": account.id}).status_code == 404
    assert SocialAccount.objects.filter(id=account.id).exists()


def test_linking_a_login_of_another_account_is_refused(client, oidc, make_user):
    through_provider(Client(), oidc, identity())
    first = SocialAccount.objects.get()
    client.force_login(make_user())
    response = through_provider(client, oidc, identity(), "connect")
    assert response.status_code == 403
    assert "linked to another account here already" in response.content.decode()
    assert list(SocialAccount.objects.values_list("id", "user_id")) == [(first.id, first.user_id)]


def test_a_forged_state_is_refused_and_changes_nothing(client, oidc):
    oidc.identity = identity()
    start = client.post(LOGIN_URL, {"process": "login"})
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    forged = at_provider.headers["Location"].replace("state=", "state=x")
    response = client.get(forged.removeprefix("http://testserver"))
    assert response.status_code == 400
    assert "did not work" in response.content.decode()
    assert people() == 0 and signed_in_id(client) is None


def test_the_button_needs_our_csrf_token(oidc):
    client = Client(enforce_csrf_checks=True)
    assert client.post(LOGIN_URL, {"process": "login"}).status_code == 403
    opened = client.get(LOGIN_URL)  # a link or bookmark: no log-in on GET, our page says why
    assert opened.status_code == 200
    assert "use its button on" in opened.content.decode()
    assert 'href="/users/login"' in opened.content.decode()


def test_a_deactivated_account_cannot_log_in(client, oidc, make_user):
    owner = make_user(is_active=False)
    response = through_provider(client, oidc, identity(email=owner.email))
    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert signed_in_id(client) is None


def test_a_suspended_user_logs_in_but_still_cannot_write(client, oidc, make_user):
    from datetime import timedelta

    from django.utils import timezone

    from quaestio.accounts.policies import writer_refusal

    owner = make_user(suspended_until=timezone.now() + timedelta(days=3))
    through_provider(client, oidc, identity(email=owner.email))
    assert signed_in_id(client) == owner.id
    assert "suspended" in writer_refusal(User.objects.get(id=owner.id))
    response = client.post("/questions/ask", {"title": "x" * 20, "body": "y" * 40, "tags": "t"})
    assert response.status_code in (400, 403)
    assert "suspended" in response.content.decode()


def test_the_login_throttle_applies(client, oidc, make_user):
    from quaestio.accounts import services

    owner = make_user()
    for _ in range(services.LOGIN_FAILURES_PER_ADDRESS):
        services.record_login_failure(f"someone{_}@example.org", "127.0.0.1")
    response = through_provider(client, oidc, identity(email=owner.email))
    assert response.status_code == 429
    assert signed_in_id(client) is None


def test_the_signup_allowance_applies(client, oidc):
    from quaestio.accounts import services

    for _ in range(services.SIGNUPS_PER_ADDRESS_PER_HOUR):
        services.check_signup_allowed("127.0.0.1")
    response = through_provider(client, oidc, identity())
    assert response.status_code == 429
    assert people() == 0


def test_an_account_made_through_a_provider_sets_its_address_without_a_password(client, oidc):
    through_provider(client, oidc, identity(email="hidden@example.net", verified=False))
    response = client.post("/users/edit/email", {"new_email": "mine@example.net"})
    assert response.status_code == 200
    assert "mine@example.net" in response.content.decode()
    assert "Check your e-mail" in response.content.decode()


def test_deleting_the_account_drops_its_linked_logins(client, oidc):
    through_provider(client, oidc, identity())
    user_id = signed_in_id(client)
    response = client.post("/users/delete", {"confirm": "yes"})
    assert response.status_code == 200
    assert not SocialAccount.objects.exists()
    assert User.objects.get(id=user_id).deleted_date is not None
    # The same provider account now signs up afresh, as a new person.
    through_provider(Client(), oidc, identity())
    assert SocialAccount.objects.get().user_id != user_id


@pytest.mark.django_db
def test_a_provider_the_site_did_not_configure_is_not_found():
    from django.test import Client

    client = Client()
    for url in ("/accounts/github/login/", "/accounts/github/login/callback/"):
        assert client.get(url).status_code == 404
