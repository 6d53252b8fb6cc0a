"""The site itself: info, sites, errors, and filters."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.text import slugify

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.api import filters as api_filters
from quaestio.api.errors import ERRORS, BadParameter, error_for_id
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import string_vector
from quaestio.api.registry import endpoint
from quaestio.api.types import epoch, site_url
from quaestio.badges.models import Badge, BadgeCount
from quaestio.core import site_counts
from quaestio.posts.models import Post, PostType

API_REVISION = "2026.11.26"


def api_site_parameter() -> str:
    """The `site` value clients name us by: set it, or it comes from the site's address/name."""
    configured = getattr(settings, "QUAESTIO_API_SITE_PARAMETER", "")
    if configured:
        return configured
    host = urlsplit(settings.SITE_URL).hostname or ""
    if "." in host and not host.replace(".", "").isdigit() and host != "localhost":
        return host.split(".")[0]
    return slugify(settings.SITE_NAME) or "quaestio"


def site_item(api: ApiRequest) -> dict:
    base = site_url()
    # The first question opened the site (an answer comes after its question): one probe of
    # the question date index, where the oldest post of any type would read them all.
    first = (
        Post.objects.filter(post_type=PostType.QUESTION)
        .order_by("creation_date")
        .values_list("creation_date", flat=True)
        .first()
    )
    return api.out.emit(
        "site",
        {
            "site_type": "main_site",
            "name": settings.SITE_NAME,
            "api_site_parameter": api_site_parameter(),
            "site_url": base,
            "audience": f"people asking and answering questions on {settings.SITE_NAME}",
            "aliases": [urlsplit(base).netloc],
            "site_state": "normal",
            "launch_date": epoch(first) or 0,
            "logo_url": f"{base}/static/logo.svg",
            "icon_url": f"{base}/static/icon.svg",
            "favicon_url": f"{base}/favicon.ico",
            "high_resolution_icon_url": f"{base}/static/icon.svg",
            "markdown_extensions": ["Prettify"],
            "styling": api.out.emit(
                "styling",
                {
                    "link_color": "#0077CC",
                    "tag_foreground_color": "#39739D",
                    "tag_background_color": "#E1ECF4",
                },
            ),
            "related_sites": [],
        },
    )


@endpoint("sites", "site", "Every site this server serves (one).")
def sites(api: ApiRequest) -> Result:
    api.paging(max_page_size=10_000)  # StackAPI asks for 1000 per page
    page = api.paging()
    items = [site_item(api)] if page.page == 1 and page.page_size > 0 else []
    return Result(items, False, 1)


@endpoint("info", "info", "Statistics about the site.", paged=False)
def info(api: ApiRequest) -> Result:
    """Site totals from the counts the database keeps (core.site_counts, badge award counts),
    and the last day's rates from the creation-date indexes (a day's rows, whatever the
    site's size)."""
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    counts = site_counts.all_counts()
    today = Post.objects.filter(deletion_date__isnull=True, creation_date__gte=day_ago)
    per_type = dict(
        today.filter(post_type__in=(PostType.QUESTION, PostType.ANSWER))
        .values_list("post_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    values = {
        "total_questions": counts[site_counts.QUESTIONS],
        # No accepted or upvoted answer (as /questions/unanswered): the questions less the
        # answered set's size (core.answered), both kept counts.
        "total_unanswered": max(0, counts[site_counts.QUESTIONS] - counts[site_counts.ANSWERED]),
        "total_accepted": counts[site_counts.ACCEPTED],
        "total_answers": counts[site_counts.ANSWERS],
        "total_comments": counts[site_counts.COMMENTS],
        "total_votes": counts[site_counts.VOTES],
        "total_badges": BadgeCount.objects.aggregate(n=Sum("awarded"))["n"] or 0,
        "total_users": counts[site_counts.USERS],
        "questions_per_minute": round(per_type.get(PostType.QUESTION, 0) / 1440, 2),
        "answers_per_minute": round(per_type.get(PostType.ANSWER, 0) / 1440, 2),
        "badges_per_minute": round(Badge.objects.filter(date__gte=day_ago).count() / 1440, 2),
        "new_active_users": User.objects.exclude(id=COMMUNITY_USER_ID)
        .filter(last_access_date__gte=day_ago)
        .count(),
        "api_revision": API_REVISION,
    }
    if api.out.wants("info", "site"):
        values["site"] = site_item(api)
    return Result([api.out.emit("info", values)], False, 1)


@endpoint("errors", "error", "Every error the API returns.", paged=False)
def errors(api: ApiRequest) -> Result:
    items = [
        api.out.emit("error", {"error_id": i, "error_name": name, "description": text})
        for i, (name, text) in ERRORS.items()
    ]
    return Result(items, False, len(items))


@endpoint("errors/{id}", "error", "Simulates the error with that id.", paged=False)
def simulate_error(api: ApiRequest, id: str) -> Result:
    try:
        error_id = int(id)
    except ValueError:
        raise BadParameter("id", "id must be an error id") from None
    if error_id not in ERRORS:
        raise BadParameter("id", f"no error has id {error_id}")
    raise error_for_id(error_id)


@endpoint(
    "filters/create",
    "filter",
    "Creates a filter from fields to include and exclude.",
    params=("include", "exclude", "base", "unsafe"),
    paged=False,
    http_method="GET|POST",
)
def create_filter(api: ApiRequest) -> Result:
    query = api.query
    created = api_filters.create(
        query.get("include"), query.get("exclude"), query.get("base"), query.get("unsafe")
    )
    return Result([api.out.emit("filter", api_filters.describe(created))], False, 1)


@endpoint("filters/{filters}", "filter", "Describes a set of filters.", paged=False)
def describe_filters(api: ApiRequest, filters: str) -> Result:
    items = []
    for name in string_vector(filters, "filters", 20):
        known = api_filters.builtin_filters().get(name) or api_filters.decode(name)
        if known is None:
            items.append(
                api.out.emit(
                    "filter", {"filter": name, "filter_type": "invalid", "included_fields": []}
                )
            )
        else:
            items.append(api.out.emit("filter", api_filters.describe(known)))
    return Result(items, False, len(items))
