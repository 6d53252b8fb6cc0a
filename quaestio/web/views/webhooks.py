"""The site owner's webhooks (/admin/webhooks): add one, read its delivery log, send a test,
remove it. Plain forms with CSRF; the services check the policy again."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from quaestio.core import links
from quaestio.core.errors import DomainError, ValidationFailed
from quaestio.web import converters  # noqa: F401  (registers <id:...>)
from quaestio.webhooks import selectors, services
from quaestio.webhooks.models import WebhookEvent, WebhookFormat
from quaestio.webhooks.policies import can_manage_webhooks


def _gate(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    refusal = can_manage_webhooks(request.user)
    if refusal:
        return render(request, "closing/refused.html", {"message": refusal}, status=403)
    return None


def _list(request, errors=None, form=None, status=200):
    return render(
        request,
        "webhooks/list.html",
        {
            "hooks": selectors.webhooks(),
            "events": WebhookEvent.choices,
            "formats": WebhookFormat.choices,
            "errors": errors or {},
            "form": form or {"url": "", "events": [], "format": WebhookFormat.JSON},
            "hook_url": lambda hook_id: links.page_url("webhook", hook_id),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def webhooks_page(request):
    refusal = _gate(request)
    if refusal:
        return refusal
    if request.method == "GET":
        return _list(request)
    form = {
        "url": request.POST.get("url", ""),
        "events": request.POST.getlist("events"),
        "format": request.POST.get("format", ""),
    }
    try:
        hook = services.webhook_create(request.user, form["url"], form["events"], form["format"])
    except ValidationFailed as error:
        return _list(request, errors=error.fields, form=form, status=400)
    return redirect(links.page_url("webhook", hook.id))


@require_http_methods(["GET"])
def webhook_page(request, webhook_id: int):
    refusal = _gate(request)
    if refusal:
        return refusal
    hook, log = selectors.webhook_with_log(webhook_id)
    if hook is None:
        raise Http404("No webhook with that id.")
    return render(
        request,
        "webhooks/detail.html",
        {
            "hook": hook,
            "log": log,
            "event_names": dict(WebhookEvent.choices),
            "test_url": links.page_url("webhook_test", hook.id),
            "delete_url": links.page_url("webhook_delete", hook.id),
            "back": links.page_url("webhooks"),
            "outcome": request.GET.get("test", ""),
        },
    )


@require_POST
def webhook_test(request, webhook_id: int):
    refusal = _gate(request)
    if refusal:
        return refusal
    try:
        state = services.send_test(request.user, webhook_id)
    except DomainError as error:
        return render(request, "closing/refused.html", {"message": str(error)}, status=404)
    return redirect(links.page_url("webhook", webhook_id) + f"?test={state}")


@require_POST
def webhook_delete(request, webhook_id: int):
    refusal = _gate(request)
    if refusal:
        return refusal
    try:
        services.webhook_delete(request.user, webhook_id)
    except DomainError as error:
        return render(request, "closing/refused.html", {"message": str(error)}, status=404)
    return redirect(links.page_url("webhooks"))


urlpatterns = [
    path("admin/webhooks", webhooks_page, name="webhooks"),
    path("admin/webhooks/<id:webhook_id>", webhook_page, name="webhook"),
    path("admin/webhooks/<id:webhook_id>/test", webhook_test, name="webhook_test"),
    path("admin/webhooks/<id:webhook_id>/delete", webhook_delete, name="webhook_delete"),
]
