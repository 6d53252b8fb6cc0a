"""Sign-in with existing accounts: the providers on offer, a user's linked logins, the site
owner's provider settings, and the display name a provider's profile gives.

django-allauth runs the round trip to the provider (accounts/sso_adapter.py decides who it
is); this module is what our pages read and write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from quaestio.accounts import sso_config
from quaestio.accounts.models import User
from quaestio.core.errors import NotFound, ValidationFailed

PROVIDER_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")


@dataclass(frozen=True)
class SignInOption:
    """One "Log in with …" button."""

    provider_id: str  # what SocialAccount.provider holds for its accounts
    name: str
    login_url: str
    origin: str  # where the browser goes: allowed in the page's CSP form-action


def _allauth_adapter(request=None):
    from allauth.socialaccount.adapter import get_adapter

    return get_adapter(request)


def _origin_of(app) -> str:
    kind = app.provider
    if kind == "openid_connect":
        return sso_config.origin(app.settings.get("server_url", ""))
    if kind == "gitlab" and app.settings.get("gitlab_url"):
        return sso_config.origin(app.settings["gitlab_url"])
    if kind == "saml":
        idp = app.settings.get("idp", {})
        return sso_config.origin(idp.get("sso_url") or idp.get("metadata_url", ""))
    return sso_config.KINDS.get(kind, ("", ""))[1]


def sign_in_options(request) -> list[SignInOption]:
    """Every configured provider (environment and /admin/sign-in), in name order."""
    options = []
    for app in _allauth_adapter(request).list_apps(request):
        provider = app.get_provider(request)
        options.append(
            SignInOption(
                provider_id=app.provider_id or app.provider,
                name=app.name or provider.name,
                login_url=provider.get_login_url(request),
                origin=_origin_of(app),
            )
        )
    return sorted(options, key=lambda option: option.name.lower())


def content_security_policy(options: list[SignInOption]) -> str:
    """The site's policy with the providers' origins allowed as form targets: a log-in button
    POSTs to our /accounts/… address, which redirects the form to the provider, and browsers
    apply form-action to that redirect too."""
    from django.conf import settings

    from quaestio.core.security import content_security_policy as site_policy

    origins = sorted({option.origin for option in options if option.origin})
    policy = site_policy(settings.QUAESTIO_LIVE_URL)
    if not origins:
        return policy
    return policy.replace("form-action 'self'", "form-action 'self' " + " ".join(origins))


# --- a user's linked logins ---------------------------------------------------------------


@dataclass(frozen=True)
class LinkedLogin:
    id: int
    provider_id: str
    provider_name: str
    label: str  # what identifies the account at the provider (address or login name)


def linked_logins(user: User, request=None) -> list[LinkedLogin]:
    from allauth.socialaccount.models import SocialAccount

    names = {option.provider_id: option.name for option in sign_in_options(request)}
    rows = SocialAccount.objects.filter(user=user).order_by("provider", "id")
    return [
        LinkedLogin(
            id=row.id,
            provider_id=row.provider,
            provider_name=names.get(row.provider, row.provider),
            label=_account_label(row.extra_data or {}),
        )
        for row in rows
    ]


def _account_label(data: dict) -> str:
    for source in (data, data.get("userinfo") or {}, data.get("id_token") or {}):
        for key in ("email", "login", "preferred_username", "username", "name"):
            if isinstance(source.get(key), str) and source[key]:
                return source[key][:100]
    return ""


def unlink_refusal(user: User, account_id: int) -> str:
    """Why this login may not be removed, or "": never the last way to log in."""
    from allauth.socialaccount.models import SocialAccount

    others = SocialAccount.objects.filter(user=user).exclude(id=account_id).exists()
    if others or user.has_usable_password():
        return ""
    return (
        "This is the only way you can log in: set a password (or link another account) "
        "before removing it."
    )


def unlink(user: User, account_id: int) -> str:
    """Removes one of the user's linked logins; returns the provider's id."""
    from allauth.socialaccount.models import SocialAccount

    with transaction.atomic():
        User.objects.select_for_update().filter(id=user.id).first()  # one unlink at a time
        account = SocialAccount.objects.filter(user=user, id=account_id).first()
        if account is None:
            raise NotFound("No such linked login on your account.")
        if refusal := unlink_refusal(user, account_id):
            raise ValidationFailed(refusal)
        account.delete()
    return account.provider


# --- the site owner's providers (/admin/sign-in) -------------------------------------------


@dataclass(frozen=True)
class ConfiguredProvider:
    id: int | None  # None: from the environment, read-only here
    kind: str
    provider_id: str
    name: str
    client_id: str
    server_url: str
    has_secret: bool
    accounts: int


def configured_providers() -> list[ConfiguredProvider]:
    """Every provider, environment first, for the owner's page; secrets only as yes/no."""
    from allauth.socialaccount.adapter import _build_apps_from_settings
    from allauth.socialaccount.models import SocialAccount, SocialApp
    from django.db.models import Count

    counts = dict(SocialAccount.objects.values_list("provider").annotate(n=Count("id")).order_by())
    env_apps = [app for apps in _build_apps_from_settings().values() for app in apps]
    rows = []
    for app in [*env_apps, *SocialApp.objects.order_by("name", "id")]:
        pid = app.provider_id or app.provider
        rows.append(
            ConfiguredProvider(
                id=app.pk,
                kind=app.provider,
                provider_id=pid,
                name=app.name or sso_config.KINDS.get(app.provider, (pid, ""))[0],
                client_id=app.client_id,
                server_url=app.settings.get("server_url") or app.settings.get("gitlab_url", ""),
                has_secret=bool(app.secret),
                accounts=counts.get(pid, 0),
            )
        )
    return rows


def provider_save(
    *,
    app_id: int | None,
    kind: str,
    provider_id: str,
    name: str,
    client_id: str,
    secret: str,
    server_url: str,
) -> None:
    """Adds a provider, or changes one added here. A blank secret keeps the one saved (the page
    never shows it back)."""
    from allauth.socialaccount.models import SocialApp

    kind, name = kind.strip(), " ".join(name.split())
    client_id, server_url = client_id.strip(), server_url.strip().rstrip("/")
    provider_id = (provider_id.strip().lower() if kind == "openid_connect" else "") or kind
    fields: dict[str, list[str]] = {}
    if kind not in sso_config.OAUTH_KINDS:
        fields["kind"] = ["Choose one of the kinds of provider listed."]
    if not client_id or len(client_id) > 191:
        fields["client_id"] = ["Give the client id the provider issued (at most 191 characters)."]
    if kind == "openid_connect":
        if not PROVIDER_ID_RE.match(provider_id) or provider_id in sso_config.KINDS:
            fields["provider_id"] = [
                "Give a short id of lower-case letters, digits, - or _ (it is part of the "
                "callback address), not the name of a built-in kind."
            ]
        if not server_url.startswith(("https://", "http://")):
            fields["server_url"] = ["Give the issuer's address (https://…)."]
    elif server_url and kind != "gitlab":
        fields["server_url"] = ["Only OpenID Connect and a self-hosted GitLab take an address."]
    if not name or len(name) > 40:
        fields["name"] = ["Give the name shown on the button (at most 40 characters)."]
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields)
    with transaction.atomic():
        app = SocialApp() if app_id is None else SocialApp.objects.filter(id=app_id).first()
        if app is None:
            raise NotFound("No such provider.")
        clash = SocialApp.objects.filter(provider_id=provider_id) | SocialApp.objects.filter(
            provider=kind, provider_id=""
        )
        if clash.exclude(id=app.pk).exists() or _env_has(provider_id):
            message = f"A provider with the id {provider_id} is configured already."
            raise ValidationFailed(message, {"provider_id": [message]})
        app.provider, app.provider_id, app.name, app.client_id = kind, provider_id, name, client_id
        if secret:
            app.secret = secret
        key = "server_url" if kind == "openid_connect" else "gitlab_url"
        app.settings = {key: server_url} if server_url else {}
        app.save()


def _env_has(provider_id: str) -> bool:
    from allauth.socialaccount.adapter import _build_apps_from_settings

    apps = [app for apps in _build_apps_from_settings().values() for app in apps]
    return any((app.provider_id or app.provider) == provider_id for app in apps)


def provider_delete(app_id: int) -> None:
    """Removes a provider added here. Its users' links stay (the accounts keep their other ways
    in) and work again if the provider is added back with the same id."""
    from allauth.socialaccount.models import SocialApp

    if not SocialApp.objects.filter(id=app_id).delete()[0]:
        raise NotFound("No such provider.")


# --- the display name a provider gives ----------------------------------------------------


def display_name_from(data: dict, fallback: str) -> str:
    """A name that passes our sign-up's rules, from the provider's profile fields."""
    from quaestio.accounts.services import DISPLAY_NAME_MAX, DISPLAY_NAME_MIN, display_name_errors

    for candidate in (
        data.get("name"),
        " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part),
        data.get("username"),
    ):
        name = " ".join(str(candidate or "").split())
        name = re.sub(r"[<>\"']", "", name).lstrip("@").strip()[:DISPLAY_NAME_MAX].strip()
        if len(name) >= DISPLAY_NAME_MIN and not display_name_errors(name):
            return name
    return fallback
