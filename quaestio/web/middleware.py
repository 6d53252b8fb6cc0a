"""Refuses a request carrying a NUL byte in its path or parameters, as 400 Bad Request.

No text column takes a NUL byte (PostgreSQL refuses them outright, so a tag name or form field
with one would fail inside the query), no page has a use for one, and checking once at the door
spares every view from it. The API answers the same input with its own error (api/http.py).
"""

from __future__ import annotations

from django.core.exceptions import BadRequest

API_PREFIX = "/2.3/"


class RefuseNulBytesMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX) and _has_nul(request):
            raise BadRequest("A NUL byte is not allowed in a path or a parameter.")
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path_info:
        return True
    fields = [request.GET]
    if request.method == "POST":
        # Parsed here rather than in the view: no page reads a raw body or streams an upload.
        fields.append(request.POST)
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for query in fields
        for name, values in query.lists()
    )
