"""A person's copy of their data (/users/data-export): a page saying what it holds, and a POST
that sends the zip. One export an hour per person: building it reads every table."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from quaestio.accounts import limits
from quaestio.accounts.privacy import write_export
from quaestio.core import links

EXPORT_INTERVAL_SECONDS = 3600


@require_http_methods(["GET", "POST"])
def data_export(request):
    if not request.user.is_authenticated:
        return redirect(links.login_url(request.path))
    if request.method == "GET":
        return render(request, "accounts/data_export.html", {"refused": ""})
    if not limits.claim_interval("data-export", request.user.id, EXPORT_INTERVAL_SECONDS):
        message = "You made an export less than an hour ago; please try again later."
        return render(request, "accounts/data_export.html", {"refused": message}, status=429)
    archive = write_export(request.user, requested_by=request.user)
    handle = archive.open("rb")
    archive.unlink()  # the open handle keeps the bytes until the response is sent
    return FileResponse(
        handle, as_attachment=True, filename=f"quaestio-data-user{request.user.id}.zip"
    )


urlpatterns = [path("users/data-export", data_export, name="data_export")]
