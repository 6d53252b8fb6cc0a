"""The settings pages beside "Edit profile": e-mail address, password, deleting the account.

E-mail preferences (what mail the site sends) live on /users/preferences, with the inbox.
"""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from quaestio.accounts import account_settings as settings_services
from quaestio.accounts.policies import account_deletion_refusal, may_edit_profile
from quaestio.core import links
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


def _errors(error: DomainError) -> dict:
    return {
        "message": error.message,
        "fields": error.fields if isinstance(error, ValidationFailed) else {},
    }


@login_required
def email_change(request):
    errors: dict = {}
    status = 200
    new_email = ""
    if request.method == "POST":
        new_email = request.POST.get("new_email", "")
        try:
            sent_to = settings_services.email_change_request(
                request.user,
                new_email=new_email,
                password=request.POST.get("password", ""),
                site_root=links.absolute(request, "/").rstrip("/"),
            )
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            return render(
                request, "accounts/settings_email_sent.html", {"email": sent_to, "section": "email"}
            )
    return render(
        request,
        "accounts/settings_email.html",
        {"errors": errors, "new_email": new_email, "section": "email"},
        status=status,
    )


def email_change_confirm(request, token: str):
    """The e-mailed link: a button, so a mail scanner opening the link changes nothing."""
    message, status = "", 200
    if request.method == "POST":
        try:
            user = settings_services.email_change_confirm(token)
        except DomainError as error:
            message, status = error.message, error.status
        else:
            return render(request, "accounts/settings_email_done.html", {"email": user.email})
    return render(
        request,
        "accounts/settings_email_confirm.html",
        {"token": token, "message": message},
        status=status,
    )


@login_required
def password_change(request):
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            user = settings_services.password_change(
                request.user,
                current=request.POST.get("current", ""),
                new=request.POST.get("new", ""),
            )
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            # This session carries the new hash; every other one fails its check from now on.
            auth.update_session_auth_hash(request, user)
            return redirect(links.page_url("password_change") + "?changed=1")
    return render(
        request,
        "accounts/settings_password.html",
        {"errors": errors, "changed": request.GET.get("changed") == "1", "section": "password"},
        status=status,
    )


@login_required
def account_delete(request):
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            name = settings_services.account_delete(
                request.user,
                password=request.POST.get("password", ""),
                confirmed=request.POST.get("confirm") == "yes",
            )
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            auth.logout(request)
            return render(request, "accounts/settings_deleted.html", {"name": name})
    return render(
        request,
        "accounts/settings_delete.html",
        {
            "errors": errors,
            "refusal": account_deletion_refusal(request.user),
            "placeholder": settings_services.placeholder_name(request.user.id),
            "section": "delete",
        },
        status=status,
    )


@login_required
def settings_of(request, user_id: int):
    """Stack Exchange's /users/edit/<id>: one's own settings; nobody else's exist for them."""
    if not may_edit_profile(request.user, user_id):
        raise Http404("Only the account's owner edits its settings")
    return redirect(links.page_url("profile_edit"))


urlpatterns = [
    path("users/edit/<id:user_id>", settings_of, name="settings_of"),
    path("users/edit/email", email_change, name="email_change"),
    path("users/edit/email/confirm/<str:token>", email_change_confirm, name="email_change_confirm"),
    path("users/edit/password", password_change, name="password_change"),
    path("users/delete", account_delete, name="account_delete"),
]
