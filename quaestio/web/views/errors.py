"""The site's own page for an unexpected failure (Django's handler500)."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# What the visitor sees if even the error page cannot be made (a missing static manifest, say).
BARE_PAGE = (
    "<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1>"
    '<p>An unexpected error happened. Please try again, or <a href="/">go back</a>.</p>'
)


def server_error(request):
    try:
        html = render_to_string("500.html")
    except Exception:
        logger.exception("The error page itself failed")
        html = BARE_PAGE
    return HttpResponseServerError(html)
