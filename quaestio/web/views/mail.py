"""The site owner's mail page (/admin/mail): the settings in force, a test message, recent
deliveries and failures, the addresses no longer mailed. And the address a mail provider
posts bounces and complaints to (/mail/events/<token>)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from quaestio.accounts.policies import site_owner_refusal
from quaestio.core import links
from quaestio.mail import selectors, services
from quaestio.mail.provider_events import suppressions_in

EVENTS_BODY_LIMIT = 1 << 20


def _gate(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    refusal = site_owner_refusal(request.user, "manage the site's mail")
    if refusal:
        return render(request, "closing/refused.html", {"message": refusal}, status=403)
    return None


@require_GET
def mail_page(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    return render(
        request,
        "mail/admin.html",
        {
            "settings_rows": selectors.mail_settings(),
            "log": selectors.recent_mail(),
            "suppressions": selectors.suppressions(),
            "outcome": request.GET.get("sent", ""),
        },
    )


@require_POST
def mail_test(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    address = request.POST.get("to", "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return render(
            request, "closing/refused.html", {"message": "Give a valid e-mail address."}, status=400
        )
    send_mail(
        f"Test message from {settings.SITE_NAME}",
        "If you can read this, the site's mail works.",
        None,
        [address],
    )
    return redirect(links.page_url("mail_admin") + "?sent=" + address)


@require_POST
def mail_unsuppress(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    services.unsuppress(request.POST.get("email", ""))
    return redirect(links.page_url("mail_admin"))


@csrf_exempt  # posted by the mail provider; the secret token in the address authenticates it
@require_POST
def mail_events(request, token: str):
    expected = settings.QUAESTIO_MAIL_EVENTS_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404("No such address.")
    body = request.body[:EVENTS_BODY_LIMIT]
    stopped = [
        address for address, reason in suppressions_in(body) if services.suppress(address, reason)
    ]
    return JsonResponse({"suppressed": len(stopped)})


urlpatterns = [
    path("admin/mail", mail_page, name="mail_admin"),
    path("admin/mail/test", mail_test, name="mail_test"),
    path("admin/mail/unsuppress", mail_unsuppress, name="mail_unsuppress"),
    path("mail/events/<str:token>", mail_events, name="mail_events"),
]
