"""Images uploaded from the post editor (posts/images.py), and the files served back.

POST /images/upload takes one image (CSRF-checked as every POST, logged in, rate-limited) and
answers JSON: {"url", "markdown"} or {"error"} with the status that says why. With files under
the data directory (the default storage), GET /media/images/... serves them: only names the
upload could have made, with the content type of their extension, nosniff, and a policy that
lets the file do nothing but show.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from quaestio.accounts import limits
from quaestio.core.errors import DomainError
from quaestio.posts.images import CONTENT_TYPES, store_post_image

UPLOADS_PER_HOUR = 30
_STORED_NAME = re.compile(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|gif|webp)")


@require_POST
def image_upload(request):
    if not request.user.is_authenticated:
        return JsonResponse({"error": "You need to log in to upload images."}, status=403)
    if limits.record_attempt("image-upload", request.user.id, 3600) > UPLOADS_PER_HOUR:
        return JsonResponse(
            {"error": "Too many images uploaded in the last hour; wait a while."}, status=429
        )
    try:
        url = store_post_image(request.user, request.FILES.get("image"))
    except DomainError as refused:
        return JsonResponse({"error": refused.message}, status=refused.status)
    return JsonResponse({"url": url, "markdown": f"![enter image description here]({url})"})


@require_GET
def media_file(request, name: str):
    match = _STORED_NAME.fullmatch(name)
    if match is None or not isinstance(default_storage, FileSystemStorage):
        raise Http404("No such image")
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("No such image") from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[match.group(1)])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # names are never reused
    return response


urlpatterns = [
    path("images/upload", image_upload, name="image_upload"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_file, name="media_file"),
]
