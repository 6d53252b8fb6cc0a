"""Pages of the accounts area: sign up, log in and out, password reset, profile (the inbox and
e-mail settings are in views/inbox.py)."""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from quaestio.accounts import services
from quaestio.core import links
from quaestio.core.client import client_address
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.web.views.sso import render_with_providers


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _errors(error: DomainError) -> dict:
    return {
        "message": error.message,
        "fields": error.fields if isinstance(error, ValidationFailed) else {},
    }


def signup(request):
    form = {"display_name": "", "email": ""}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in ("display_name", "email")}
        try:
            services.check_signup_allowed(client_address(request))
            email = services.signup_request(
                **form,
                password=request.POST.get("password", ""),
                site_root=links.absolute(request, "/").rstrip("/"),
            )
        except DomainError as error:
            errors, status = _errors(error), error.status
        else:
            # The same page whether the address is new or has an account: the e-mail says which.
            return render(request, "accounts/signup_sent.html", {"email": email})
    return render_with_providers(
        request,
        "accounts/signup.html",
        {"form": form, "errors": errors, "next": _next_url(request, "")},
        status=status,
    )


def signup_confirm(request, token: str):
    """The e-mailed link: a button, so a mail scanner opening the link confirms nothing."""
    message, status = "", 200
    if request.method == "POST":
        try:
            user = services.signup_confirm(token)
        except DomainError as error:
            message, status = error.message, error.status
        else:
            auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            services.record_login_success(user.email, client_address(request))
            return redirect("/")
    return render(
        request,
        "accounts/signup_confirm.html",
        {"token": token, "message": message},
        status=status,
    )


def login(request):
    email, message, status = "", "", 200
    if request.method == "POST":
        email = request.POST.get("email", "")
        address = client_address(request)
        try:
            services.check_login_allowed(email, address)
        except DomainError as error:
            message, status = error.message, error.status
        else:
            user = auth.authenticate(
                request, username=email.strip().lower(), password=request.POST.get("password", "")
            )
            if user is None:
                services.record_login_failure(email, address)
                message, status = "The e-mail address or password is incorrect.", 400
            else:
                services.record_login_success(email, address)
                auth.login(request, user)
                return redirect(_next_url(request))
    return render_with_providers(
        request,
        "accounts/login.html",
        {"email": email, "message": message, "next": _next_url(request, "")},
        status=status,
    )


@require_POST
def logout(request):
    auth.logout(request)
    return redirect("/")


@login_required
def profile_edit(request):
    user = request.user
    form = {
        "display_name": user.display_name,
        "about_me": user.about_me_markdown,
        "location": user.location,
        "website_url": user.website_url,
    }
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in form}
        try:
            services.profile_update(user, **form)
        except DomainError as error:
            errors, status = _errors(error), error.status
            user.refresh_from_db()
        else:
            return redirect(links.user_url(user.id, user.display_name))
    return render(
        request,
        "accounts/profile_edit.html",
        {"form": form, "errors": errors, "section": "profile", "name_rule": _name_rule(user)},
        status=status,
    )


def _name_rule(user) -> str:
    """The display-name rule as the form states it: when the next change is allowed."""
    from django.conf import settings

    from quaestio.accounts.policies import display_name_change_refusal

    days = settings.QUAESTIO_DISPLAY_NAME_CHANGE_DAYS
    return display_name_change_refusal(user, user.display_name + " ") or (
        f"You can change your display name once every {days} days."
    )


# Password reset is Django's own machinery (signed, single-use tokens); only the pages are ours.
_reset_views = [
    path(
        "users/password/reset",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "users/password/reset/sent",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "users/password/reset/<uidb64>/<token>",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "users/password/reset/done",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns: list = [
    path("users/login", login, name="login"),
    path("users/signup", signup, name="signup"),
    path("users/signup/confirm/<str:token>", signup_confirm, name="signup_confirm"),
    path("users/logout", logout, name="logout"),
    path("users/edit", profile_edit, name="profile_edit"),
    *_reset_views,
]
