"""The page on a user's profile where they create and revoke API access tokens:
/users/<id>/apps. Only the user themselves sees it."""

from __future__ import annotations

from functools import cache
from importlib import resources

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from quaestio.api.models import AccessToken, Scope
from quaestio.api.services import token_create, token_revoke
from quaestio.core import links
from quaestio.core.errors import DomainError
from quaestio.web import converters  # noqa: F401  (registers <id:...>)


@cache
def _template():
    source = resources.files("quaestio.api").joinpath("templates/apps.html").read_text()
    return engines["jinja2"].from_string(source)


def _owner_only(request, user_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.id != user_id:
        return HttpResponseForbidden("These are another user's tokens.")
    return None


def _render(request, status: int = 200, **context) -> HttpResponse:
    tokens = AccessToken.objects.filter(user=request.user).order_by("-created")
    html = _template().render({"tokens": list(tokens), "scopes": Scope.choices, **context}, request)
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"  # the page may show a secret
    return response


@require_http_methods(["GET", "POST"])
def apps(request, user_id: int):
    refused = _owner_only(request, user_id)
    if refused is not None:
        return refused
    if request.method == "GET":
        return _render(request)
    try:
        token, secret = token_create(
            request.user, name=request.POST.get("name", ""), scopes=request.POST.getlist("scope")
        )
    except DomainError as error:
        return _render(request, status=400, error=error.message)
    return _render(request, created=token, created_secret=secret)


@require_POST
def revoke(request, user_id: int, token_id: int):
    refused = _owner_only(request, user_id)
    if refused is not None:
        return refused
    try:
        token_revoke(request.user, token_id)
    except DomainError as error:
        return _render(request, status=404, error=error.message)
    return HttpResponseRedirect(links.page_url("user_apps", user_id))


urlpatterns = [
    path("users/<id:user_id>/apps/", apps, name="user_apps"),
    path("users/<id:user_id>/apps", apps),
    path("users/<id:user_id>/apps/<id:token_id>/revoke", revoke, name="user_app_revoke"),
]
