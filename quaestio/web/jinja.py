"""The Jinja2 environment for every page: helpers and filters the templates may use."""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, Template
from markupsafe import Markup

from quaestio.core import formatting
from quaestio.core.timing import add_template_time
from quaestio.web.presenters import JINJA_GLOBALS, slug


class TimedTemplate(Template):
    """Adds each render's time to the request's Server-Timing template figure."""

    def render(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return super().render(*args, **kwargs)
        finally:
            add_template_time(time.perf_counter() - started)


@lru_cache(maxsize=256)
def _hashed_static(path: str) -> str:
    return static(path)


def static_url(path: str) -> str:
    """A static file's URL. With the manifest storage the hashed name cannot change while the
    process runs, so each is looked up once; in DEBUG files change, so it is looked up anew."""
    return static(path) if settings.DEBUG else _hashed_static(path)


def csrf_field(request) -> Markup:
    """The CSRF hidden input, masked once per request however many forms a page holds
    (Django's lazy `csrf_input` masks the token anew at every use, which costs on long pages)."""
    cached = getattr(request, "_csrf_field", None)
    if cached is None:
        cached = Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(
            get_token(request)
        )
        request._csrf_field = cached
    return cached


def environment(**options) -> Environment:
    env = Environment(**options)
    env.template_class = TimedTemplate
    env.globals.update(
        {
            "static": static_url,
            "csrf_field": csrf_field,
            "url": lambda name, *args, **kwargs: reverse(
                name, args=args or None, kwargs=kwargs or None
            ),
            "site_name": lambda: settings.SITE_NAME,
        }
    )
    env.globals.update(JINJA_GLOBALS)
    env.filters.update(
        {
            "post_date": formatting.post_date,
            "iso": formatting.iso_title,
            "rep": formatting.reputation_short,
            "short_number": formatting.number_short,
            "relative": formatting.relative_time,
            "slug": slug,
            "thousands": lambda value: f"{value:,}",
        }
    )
    return env
