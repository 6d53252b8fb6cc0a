"""Who the request is from, as Django's AuthenticationMiddleware says, faster for visitors."""

from __future__ import annotations

from functools import partial

from django.contrib.auth import middleware
from django.contrib.auth.models import AnonymousUser


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    """Django's, except that a request without a session cookie is anonymous at once.

    Why: without a session there is no signed-in user, yet Django's lazy `request.user` finds
    that out by loading the user model and an empty session (a twentieth of the question page's
    cost for a visitor, callgrind). With a session cookie, valid or not, Django decides as ever.
    """

    def process_request(self, request):
        if getattr(request, "session", None) is None or request.session.session_key is not None:
            return super().process_request(request)
        request.user = request._cached_user = AnonymousUser()
        request.auser = partial(middleware.auser, request)
        return None


class RecordAddressMiddleware:
    """Remembers the addresses users sign in and write from (accounts.moderating.record_address),
    so moderators can see accounts sharing one. Only successful POSTs by a signed-in user are
    recorded (a log-in sets request.user before the response), at most once a day per pair."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method == "POST"
            and response.status_code < 400
            and user is not None
            and user.is_authenticated
        ):
            from quaestio.accounts.moderating import record_address
            from quaestio.core.client import client_address

            record_address(user.id, client_address(request))
        return response


class UnconfiguredProviderMiddleware:
    """allauth serves every provider's routes (/accounts/github/login/ …) whether or not the
    site configured that provider, and an unconfigured one raises SocialApp.DoesNotExist: a
    page that does not exist here, so a 404, not a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from allauth.socialaccount.models import SocialApp
        from django.http import Http404

        if isinstance(exception, SocialApp.DoesNotExist):
            raise Http404("No such sign-in provider on this site.") from exception
        return None
