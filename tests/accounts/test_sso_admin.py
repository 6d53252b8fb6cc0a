"""The site owner's sign-in providers (/admin/sign-in) and the environment's configuration
(accounts/sso_config.py): a provider added on the page works at once, secrets never show."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client

from quaestio.accounts import sso_config
from quaestio.accounts.models import User
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.accounts.test_sso import identity, signed_in_id


@pytest.fixture(scope="module")
def idp():
    with Provider() as provider:
        yield provider


@pytest.fixture
def owner(make_user, settings):
    # An empty environment: no providers, only the PKCE default for those added on the page.
    settings.SOCIALACCOUNT_PROVIDERS = sso_config.providers_from_env({})
    return make_user(is_staff=True)


def add(client, **form):
    data = {"kind": "openid_connect", "name": "Company", "provider_id": "company"}
    return client.post("/admin/sign-in", {**data, **form})


def test_only_the_site_owner_sees_the_page(client, make_user, owner):
    assert client.get("/admin/sign-in").status_code == 302  # to log in
    client.force_login(make_user(is_moderator=True))
    assert client.get("/admin/sign-in").status_code == 403
    assert add(client, client_id="x", server_url="https://id.example").status_code == 403
    assert not SocialApp.objects.exists()


def test_a_provider_added_by_the_owner_signs_people_in(client, owner, idp):
    client.force_login(owner)
    response = add(client, client_id=CLIENT_ID, secret=CLIENT_SECRET, server_url=idp.url)
    assert response.status_code == 302
    page = client.get("/admin/sign-in").content.decode()
    assert "Company" in page and CLIENT_ID in page
    assert CLIENT_SECRET not in page  # shown only as "set"
    visitor = Client()
    login_page = visitor.get("/users/login")
    assert "Log in with Company" in login_page.content.decode()
    assert CLIENT_SECRET not in login_page.content.decode()
    idp.identity = identity(email="new@example.net")
    start = visitor.post("/accounts/oidc/company/login/", {"process": "login"})
    import requests

    back = requests.get(start["Location"], allow_redirects=False, timeout=10).headers["Location"]
    visitor.get(back.removeprefix("http://testserver"))
    assert signed_in_id(visitor) == User.objects.get(email="new@example.net").id


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"client_id": "", "server_url": "https://id.example"}, "client id"),
        ({"client_id": "x", "server_url": "ftp://id.example"}, "issuer"),
        ({"client_id": "x", "server_url": "https://a", "provider_id": "Bad Id"}, "short id"),
        ({"client_id": "x", "server_url": "https://a", "provider_id": "github"}, "short id"),
        ({"client_id": "x", "kind": "nonsense"}, "kinds of provider"),
        ({"client_id": "x", "kind": "github", "server_url": "https://a"}, "take an address"),
        ({"client_id": "x", "server_url": "https://a", "name": ""}, "name shown"),
    ],
)
def test_bad_provider_settings_are_refused(client, owner, form, field):
    client.force_login(owner)
    response = add(client, **form)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not SocialApp.objects.exists()


def test_one_id_once_and_removal(client, owner):
    client.force_login(owner)
    add(client, client_id="x", server_url="https://id.example", secret="first-secret")
    response = add(client, client_id="y", server_url="https://other.example")
    assert response.status_code == 400 and "configured already" in response.content.decode()
    app = SocialApp.objects.get()
    assert app.secret == "first-secret" and app.settings == {"server_url": "https://id.example"}
    client.post("/admin/sign-in/delete", {"id": app.id})
    assert not SocialApp.objects.exists()


def test_environment_providers_are_listed_read_only(client, owner, settings):
    settings.SOCIALACCOUNT_PROVIDERS = sso_config.providers_from_env(
        {"QUAESTIO_GITHUB_CLIENT_ID": "gh-id", "QUAESTIO_GITHUB_SECRET": "gh-secret-value"}
    )
    client.force_login(owner)
    page = client.get("/admin/sign-in").content.decode()
    assert "gh-id" in page and "gh-secret-value" not in page and "environment" in page
    assert "Log in with GitHub" in Client().get("/users/login").content.decode()


def test_environment_configuration():
    providers = sso_config.providers_from_env(
        {
            "QUAESTIO_OIDC_PROVIDERS": '[{"id": "keycloak", "name": "Staff", "client_id": "c",'
            ' "server_url": "https://id.example/realms/a/", "secret": "s"}]',
            "QUAESTIO_GITLAB_CLIENT_ID": "gl",
            "QUAESTIO_GITLAB_SECRET": "gls",
            "QUAESTIO_GITLAB_URL": "https://git.example/",
            "QUAESTIO_MICROSOFT_CLIENT_ID": "ms",
            "QUAESTIO_MICROSOFT_TENANT": "organizations",
        }
    )
    assert providers["gitlab"]["APPS"][0]["settings"] == {"gitlab_url": "https://git.example"}
    assert providers["microsoft"]["APPS"][0]["settings"] == {"tenant": "organizations"}
    oidc = providers["openid_connect"]["APPS"][0]
    assert oidc["provider_id"] == "keycloak" and oidc["name"] == "Staff"
    assert oidc["settings"] == {"server_url": "https://id.example/realms/a"}
    assert all(providers[kind]["OAUTH_PKCE_ENABLED"] for kind in sso_config.OAUTH_KINDS)
    with pytest.raises(SystemExit, match="missing server_url, client_id"):
        sso_config.providers_from_env({"QUAESTIO_OIDC_PROVIDERS": '[{"id": "x"}]'})
    with pytest.raises(SystemExit, match="not valid JSON"):
        sso_config.providers_from_env({"QUAESTIO_OIDC_PROVIDERS": "{not json"})


def test_saml_environment_configuration():
    if not sso_config.saml_available():
        pytest.skip("the SAML extra is not installed (pip install 'quaestio[saml]')")
    saml = (
        '[{"id": "acme", "name": "Acme", "entity_id": "https://idp.acme.example",'
        ' "sso_url": "https://idp.acme.example/sso", "x509cert": "MIIB"}]'
    )
    app = sso_config.providers_from_env({"QUAESTIO_SAML_PROVIDERS": saml})["saml"]["APPS"][0]
    assert app["client_id"] == "acme"
    assert app["settings"]["idp"]["sso_url"] == "https://idp.acme.example/sso"
