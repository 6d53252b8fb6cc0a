"""The Stack Exchange API 2.3-compatible endpoints, mounted under /2.3/.

Routes come from the method registry; every path takes an optional trailing slash (StackAPI
always sends one, py-stackexchange never does). Anything else under /2.3/ is `no_method`.
"""

from functools import partial

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from quaestio.api import views  # noqa: F401  (registers the methods)
from quaestio.api.auth import optional_token, token_required, write_token_required
from quaestio.api.http import handle, no_method
from quaestio.api.openapi import openapi_document
from quaestio.api.registry import ENDPOINTS


def _route(entry):
    def view(request, **kwargs):
        return handle(
            request,
            method="/" + entry.path,
            item_type=entry.item_type,
            view=entry.view,
            http_method=entry.http_method,
            authenticate=_authentication(entry),
            kwargs=kwargs,
        )

    view.__name__ = entry.view.__name__
    # Writes authenticate with an access token, never with the session cookie, so CSRF does
    # not apply; reads are GETs.
    return re_path(entry.regex(), csrf_exempt(view))


def _authentication(entry):
    if entry.token == "write":
        return write_token_required
    if entry.token:
        return token_required
    return optional_token


def _ordered(entries):
    """Literal paths before placeholders, so /questions/unanswered is not read as {ids}."""
    return sorted(entries, key=lambda e: [part.startswith("{") for part in e.path.split("/")])


urlpatterns = [
    re_path(r"^openapi\.json$", openapi_document, name="api-openapi"),
    *[_route(entry) for entry in _ordered(ENDPOINTS)],
    re_path(r"^(?P<rest>.*)$", csrf_exempt(partial(no_method))),
]
