"""Sign-in with existing accounts: which identity providers the environment configures.

Read by settings.py before Django starts, so nothing here touches models. The site owner can
add more providers on /admin/sign-in (kept as django-allauth's SocialApp rows); both kinds
show as "Log in with …" buttons. docs/deployment.md#sign-in-with-existing-accounts lists the
variables. Secrets stay in settings and the database; no page ever shows one back.
"""

from __future__ import annotations

import importlib.util
import json
import os
from urllib.parse import urlsplit

# The kinds of provider a site may configure: allauth's provider id, the name on the button,
# and the origin the browser is sent to (the log-in pages allow it in CSP form-action).
KINDS: dict[str, tuple[str, str]] = {
    "github": ("GitHub", "https://github.com"),
    "gitlab": ("GitLab", "https://gitlab.com"),
    "google": ("Google", "https://accounts.google.com"),
    "microsoft": ("Microsoft", "https://login.microsoftonline.com"),
    "openid_connect": ("OpenID Connect", ""),
    "saml": ("SAML", ""),
}
OAUTH_KINDS = ("github", "gitlab", "google", "microsoft", "openid_connect")


def saml_available() -> bool:
    """SAML needs python3-saml and xmlsec (`pip install 'quaestio[saml]'`, libxmlsec1)."""
    return importlib.util.find_spec("onelogin") is not None


def ldap_available() -> bool:
    return importlib.util.find_spec("django_auth_ldap") is not None


def installed_apps() -> list[str]:
    apps = ["allauth", "allauth.account", "allauth.socialaccount"]
    apps += [f"allauth.socialaccount.providers.{kind}" for kind in OAUTH_KINDS]
    if saml_available():
        apps.append("allauth.socialaccount.providers.saml")
    return apps


def _json_list(environ, name: str) -> list[dict]:
    raw = environ.get(name, "").strip()
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SystemExit(f"{name} is not valid JSON: {error}") from error
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SystemExit(f"{name} must be a JSON list of objects")
    return value


def _required(source: str, entry: dict, *keys: str) -> None:
    missing = [key for key in keys if not str(entry.get(key, "")).strip()]
    if missing:
        raise SystemExit(f"{source}: missing {', '.join(missing)} in {entry.get('id', entry)!r}")


def _builtin_apps(environ) -> dict[str, dict]:
    """QUAESTIO_GITHUB_CLIENT_ID / _SECRET and the same for GITLAB (with _URL for a
    self-hosted GitLab), GOOGLE and MICROSOFT (with _TENANT)."""
    providers: dict[str, dict] = {}
    for kind in ("github", "gitlab", "google", "microsoft"):
        prefix = f"QUAESTIO_{kind.upper()}_"
        client_id = environ.get(prefix + "CLIENT_ID", "").strip()
        if not client_id:
            continue
        app_settings: dict = {}
        if kind == "gitlab" and environ.get(prefix + "URL"):
            app_settings["gitlab_url"] = environ[prefix + "URL"].rstrip("/")
        if kind == "microsoft" and environ.get(prefix + "TENANT"):
            app_settings["tenant"] = environ[prefix + "TENANT"]
        app = {
            "client_id": client_id,
            "secret": environ.get(prefix + "SECRET", ""),
            "settings": app_settings,
        }
        providers[kind] = {"APPS": [app], "OAUTH_PKCE_ENABLED": True}
    return providers


def _oidc_apps(environ) -> list[dict]:
    """QUAESTIO_OIDC_PROVIDERS: any OpenID Connect issuer, as a JSON list of
    {"id", "name", "server_url", "client_id", "secret"}."""
    apps = []
    for entry in _json_list(environ, "QUAESTIO_OIDC_PROVIDERS"):
        _required("QUAESTIO_OIDC_PROVIDERS", entry, "id", "server_url", "client_id")
        apps.append(
            {
                "provider_id": entry["id"],
                "name": entry.get("name") or entry["id"],
                "client_id": entry["client_id"],
                "secret": entry.get("secret", ""),
                "settings": {"server_url": entry["server_url"].rstrip("/")},
            }
        )
    return apps


def _saml_apps(environ) -> list[dict]:
    """QUAESTIO_SAML_PROVIDERS: a company's SAML identity provider, as a JSON list of
    {"id", "name", "entity_id", "sso_url", "x509cert"} or {"id", "name", "entity_id",
    "metadata_url"}; optional "attribute_mapping" (allauth's: uid, email, email_verified,
    first_name, last_name)."""
    apps = []
    for entry in _json_list(environ, "QUAESTIO_SAML_PROVIDERS"):
        _required("QUAESTIO_SAML_PROVIDERS", entry, "id", "entity_id")
        if not entry.get("metadata_url"):
            _required("QUAESTIO_SAML_PROVIDERS", entry, "sso_url", "x509cert")
        idp = {
            key: entry[key]
            for key in ("entity_id", "sso_url", "x509cert", "metadata_url", "slo_url")
            if entry.get(key)
        }
        apps.append(
            {
                "provider_id": entry["id"],
                "client_id": entry["id"],
                "name": entry.get("name") or entry["id"],
                "settings": {"idp": idp},
            }
        )
        if entry.get("attribute_mapping"):
            apps[-1]["settings"]["attribute_mapping"] = entry["attribute_mapping"]
    return apps


def providers_from_env(environ=None) -> dict[str, dict]:
    """settings.SOCIALACCOUNT_PROVIDERS: the providers the environment configures."""
    environ = os.environ if environ is None else environ
    providers = _builtin_apps(environ)
    if oidc := _oidc_apps(environ):
        providers["openid_connect"] = {"APPS": oidc, "OAUTH_PKCE_ENABLED": True}
    if saml := _saml_apps(environ):
        if not saml_available():
            raise SystemExit(
                "QUAESTIO_SAML_PROVIDERS needs the SAML extra: pip install 'quaestio[saml]'"
            )
        providers["saml"] = {"APPS": saml}
    # Providers the site owner adds on /admin/sign-in get PKCE too (allauth reads it per kind).
    for kind in OAUTH_KINDS:
        providers.setdefault(kind, {}).setdefault("OAUTH_PKCE_ENABLED", True)
    return providers


def origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def ldap_settings(environ=None) -> dict:
    """The django-auth-ldap settings from QUAESTIO_LDAP_* (empty: LDAP is off). Users log in on
    our log-in page with their directory e-mail address and password."""
    environ = os.environ if environ is None else environ
    uri = environ.get("QUAESTIO_LDAP_SERVER_URI", "").strip()
    if not uri:
        return {}
    if not ldap_available():
        raise SystemExit(
            "QUAESTIO_LDAP_SERVER_URI needs the LDAP extra: pip install 'quaestio[ldap]'"
        )
    import ldap
    from django_auth_ldap.config import LDAPSearch

    base = environ.get("QUAESTIO_LDAP_USER_BASE", "").strip()
    if not base:
        raise SystemExit("QUAESTIO_LDAP_USER_BASE is needed with QUAESTIO_LDAP_SERVER_URI")
    user_filter = environ.get("QUAESTIO_LDAP_USER_FILTER", "(mail=%(user)s)")
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": environ.get("QUAESTIO_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": environ.get("QUAESTIO_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_START_TLS": environ.get("QUAESTIO_LDAP_START_TLS", "") in ("1", "true", "yes"),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "display_name": environ.get("QUAESTIO_LDAP_NAME_ATTR", "cn"),
            "email": "mail",
        },
        # The directory decides who may log in; we never keep its passwords.
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
    }
