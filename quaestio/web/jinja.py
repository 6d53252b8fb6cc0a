"""The Jinja2 environment for every page: helpers and filters the templates may use."""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.templatetags.static import static
from django.utils import timezone
from jinja2 import Environment, Template
from markupsafe import Markup

from quaestio.core import formatting, links
from quaestio.core.timing import add_template_time
from quaestio.posts import ai_use
from quaestio.web.post_blocks import closed_notice_html
from quaestio.web.presenters import JINJA_GLOBALS


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


def render_encoded(request, template_name: str, context: dict) -> HttpResponse:
    """A page rendered straight to UTF-8 bytes, piece by piece (for the hottest pages).

    Why: one non-ASCII character anywhere (a name like "Coyoacán") makes the whole joined page a
    non-ASCII string, and CPython encodes those to UTF-8 a character at a time: on the seed
    thread that was 0.7M of the page's 11M instructions (callgrind). Encoding each piece keeps
    the ASCII ones (nearly all of a page) on the memcpy fast path. The context is what Django's
    Jinja2 backend gives a template (request, csrf_input, csrf_token), and the time counts
    towards Server-Timing's template figure as TimedTemplate's does.
    """
    template = engines["jinja2"].env.get_template(template_name)
    context = {
        **context,
        "request": request,
        "csrf_input": csrf_input_lazy(request),
        "csrf_token": csrf_token_lazy(request),
    }
    started = time.perf_counter()
    try:
        content = b"".join([piece.encode() for piece in template.generate(context)])
    finally:
        add_template_time(time.perf_counter() - started)
    return HttpResponse(content)


class QuaestioEnvironment(Environment):
    """Jinja's environment with its per-render overheads taken out (callgrind, question page).

    - A template's globals are a plain dict of the environment's globals, taken when the
      template loads, instead of Jinja's ChainMap over them: every render copies them into the
      context, and iterating a ChainMap runs in Python, a call per global. Ours are all set
      when the environment is made (below), before any template loads.
    - The template cache is a plain dict (`cache_size=-1`): Jinja's LRU takes a lock and
      rescans its queue on every lookup, which `{% extends %}` does on every render; the
      site's templates are a fixed few dozen, so there is nothing to evict.
    """

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


# Every URL a template writes comes from core.links (script prefix, slugs, tag encoding).
LINK_GLOBALS = {
    name: getattr(links, name)
    for name in (
        "feed_url",
        "question_url",
        "answer_url",
        "answer_in_thread_url",
        "question_short_url",
        "post_url",
        "post_action_url",
        "comment_action_url",
        "comments_url",
        "revisions_url",
        "rollback_url",
        "user_url",
        "user_reputation_url",
        "tag_url",
        "tag_info_url",
        "badge_url",
        "page_url",
        "absolute",
        "review_url",
        "review_task_url",
        "review_edit_url",
        "review_history_url",
    )
}


def _may_moderate(user) -> bool:
    from quaestio.accounts.policies import may_moderate

    return may_moderate(user)


def _ai_use_form(keep: bool = False) -> dict:
    from quaestio.web.views.writing import ai_form

    return ai_form(keep)


def _may_review(user) -> bool:
    from quaestio.moderation.review_policies import may_review_any_queue

    return may_review_any_queue(user)


def _live_stream_url() -> str:
    """Where pages open their event stream (live/views.py; settings.QUAESTIO_LIVE_URL)."""
    return settings.QUAESTIO_LIVE_URL or links.page_url("live_stream")


def _top_bar_counts(user) -> dict[str, int]:
    from quaestio.notifications.selectors import top_bar_counts

    return top_bar_counts(user)


def environment(**options) -> Environment:
    env = QuaestioEnvironment(cache_size=-1, **options)
    env.template_class = TimedTemplate
    env.globals.update(
        {
            "static": static_url,
            "csrf_field": csrf_field,
            "site_name": lambda: settings.SITE_NAME,
        }
    )
    env.globals.update(JINJA_GLOBALS)
    env.globals.update(LINK_GLOBALS)
    env.globals["live_stream_url"] = _live_stream_url
    env.globals["url"] = links.page_url  # any named page, as the help pages write them
    env.globals["ai_use_notice"] = ai_use.notice_text  # a post's AI-use disclosure notice
    env.globals["ai_use_form"] = _ai_use_form  # the writing forms' AI-use question
    env.globals["may_review"] = _may_review  # the top bar's review link
    env.globals["may_moderate"] = _may_moderate  # the top bar's link and the moderators' navigation
    env.globals["top_bar_counts"] = _top_bar_counts  # the inbox and achievements markers
    # The closed notice is built once, in Python, for the thread and the dialogs alike.
    env.globals["closed_notice"] = lambda notice: Markup(closed_notice_html(notice, timezone.now()))
    env.filters.update(
        {
            "iso": formatting.iso_title,
            "rep": formatting.reputation_short,
            "short_number": formatting.number_short,
            "thousands": lambda value: f"{value:,}",
        }
    )
    return env
