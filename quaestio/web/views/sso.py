"""Pages of sign-in with existing accounts: a user's linked logins (/users/edit/logins), the
site owner's providers (/admin/sign-in), and allauth's provider round trip under /accounts/.

Only allauth's provider addresses are served; the names its code reverses for pages of its
own (its log-in, sign-up form, connections, errors) lead to our pages instead, so none of its
templates is ever shown.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import include, path
from django.views.decorators.http import require_GET, require_POST

from quaestio.accounts import sso, sso_config
from quaestio.accounts.policies import site_owner_refusal
from quaestio.core import links
from quaestio.core.errors import DomainError, ValidationFailed


def render_with_providers(request, template: str, context: dict, status: int = 200):
    """A page with "Log in with …" buttons: the options in its context, their origins in its
    CSP form-action."""
    options = sso.sign_in_options(request)
    response = render(request, template, {**context, "providers": options}, status=status)
    response["Content-Security-Policy"] = sso.content_security_policy(options)
    return response


def _errors(error: DomainError) -> dict:
    return {
        "message": error.message,
        "fields": error.fields if isinstance(error, ValidationFailed) else {},
    }


@login_required
def linked_logins(request, errors: dict | None = None, status: int = 200):
    user = request.user
    options = sso.sign_in_options(request)
    logins = [
        {**login.__dict__, "refusal": sso.unlink_refusal(user, login.id)}
        for login in sso.linked_logins(user, request)
    ]
    response = render(
        request,
        "accounts/settings_logins.html",
        {
            "section": "logins",
            "logins": logins,
            "options": options,
            "has_password": user.has_usable_password(),
            "linked": request.GET.get("linked") == "1",
            "removed": request.GET.get("removed") == "1",
            "errors": errors or {},
        },
        status=status,
    )
    response["Content-Security-Policy"] = sso.content_security_policy(options)
    return response


@login_required
@require_POST
def linked_login_remove(request):
    try:
        account_id = int(request.POST.get("id", ""))
    except ValueError:
        account_id = 0
    try:
        sso.unlink(request.user, account_id)
    except DomainError as error:
        return linked_logins(request, _errors(error), error.status)
    return redirect(links.page_url("linked_logins") + "?removed=1")


def _owner_gate(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    refusal = site_owner_refusal(request.user, "manage how people sign in")
    if refusal:
        return render(request, "closing/refused.html", {"message": refusal}, status=403)
    return None


_EMPTY_FORM = {"kind": "openid_connect", "name": "", "provider_id": "", "server_url": ""}


def sign_in_admin(request):
    if refusal := _owner_gate(request):
        return refusal
    form, errors, status = dict(_EMPTY_FORM, client_id=""), {}, 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in [*_EMPTY_FORM, "client_id"]}
        try:
            sso.provider_save(app_id=None, secret=request.POST.get("secret", ""), **form)
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            return redirect(links.page_url("sign_in_admin") + "?saved=1")
    elif request.method != "GET":
        return render(request, "closing/refused.html", {"message": "GET or POST."}, status=405)
    return render(
        request,
        "sign_in/admin.html",
        {
            "providers": sso.configured_providers(),
            "kinds": sso_config.KINDS,
            "oauth_kinds": sso_config.OAUTH_KINDS,
            "form": form,  # never the secret: the field is always empty
            "errors": errors,
            "saved": request.GET.get("saved") == "1",
            "site_root": links.absolute(request, "/").rstrip("/"),
        },
        status=status,
    )


@require_POST
def sign_in_admin_delete(request):
    if refusal := _owner_gate(request):
        return refusal
    try:
        sso.provider_delete(int(request.POST.get("id", "0") or 0))
    except (DomainError, ValueError):
        pass  # removed already (a double submit): the list shows what is left
    return redirect(links.page_url("sign_in_admin") + "?saved=1")


@require_GET
def allauth_page(request, message: str = ""):
    """Where allauth would show a page of its own: ours says what happened."""
    from quaestio.accounts.sso_adapter import refusal_page

    return refusal_page(request, message or "Logging in with that account did not work.", 400)


def _allauth_urls() -> list:
    from allauth.urls import build_provider_urlpatterns

    def to_login(request):
        return redirect(links.page_url("login"))

    def to_signup(request):
        return redirect(links.page_url("signup"))

    def cancelled(request):
        return allauth_page(request, "You cancelled logging in; nothing was changed.")

    named = [
        path("login/", to_login, name="account_login"),
        path("signup/", to_signup, name="account_signup"),
        path(
            "inactive/",
            allauth_page,
            {"message": "This account is deactivated."},
            name="account_inactive",
        ),
        path(
            "3rdparty/",
            login_required(lambda request: redirect(links.page_url("linked_logins"))),
            name="socialaccount_connections",
        ),
        path("3rdparty/signup/", allauth_page, name="socialaccount_signup"),
        path("3rdparty/login/error/", allauth_page, name="socialaccount_login_error"),
        path("3rdparty/login/cancelled/", cancelled, name="socialaccount_login_cancelled"),
    ]
    return [path("accounts/", include(named + build_provider_urlpatterns()))]


urlpatterns = [
    path("users/edit/logins", linked_logins, name="linked_logins"),
    path("users/edit/logins/remove", linked_login_remove, name="linked_login_remove"),
    path("admin/sign-in", sign_in_admin, name="sign_in_admin"),
    path("admin/sign-in/delete", sign_in_admin_delete, name="sign_in_admin_delete"),
    *_allauth_urls(),
]
