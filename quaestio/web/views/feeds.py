"""Atom 1.0 feeds at Stack Exchange's addresses, through Django's syndication framework (which
escapes every text and makes the links absolute)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import path
from django.utils.feedgenerator import Atom1Feed

from quaestio.core import links
from quaestio.notifications import feeds
from quaestio.web import converters  # noqa: F401  (registers <id:...>)

CREDIT = (
    "Contributions licensed under CC BY-SA ({url}); content imported from Stack Exchange "
    "is credited to its authors in each entry."
)


def _absolute(request, entries: list) -> list:
    """Atom ids and author links must be absolute (the framework makes only the links so)."""
    site = links.origin(request)
    for entry in entries:
        entry.url = site + entry.url
        entry.author_url = site + entry.author_url if entry.author_url else ""
    return entries


class _AtomFeed(Feed):
    feed_type = Atom1Feed

    def feed_copyright(self):
        return CREDIT.format(url=feeds.LICENCE_URL)

    def item_title(self, entry):
        return entry.title

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        return entry.url

    def item_description(self, entry):
        return entry.html

    def item_author_name(self, entry):
        return entry.author

    def item_author_link(self, entry):
        return entry.author_url or None

    def item_pubdate(self, entry):
        return entry.published

    def item_updateddate(self, entry):
        return entry.updated

    def item_copyright(self, entry):
        return entry.rights

    def item_categories(self, entry):
        return entry.categories


class NewestQuestions(_AtomFeed):
    def get_object(self, request):
        return _absolute(request, feeds.newest_questions())

    def title(self):
        return f"Newest questions - {settings.SITE_NAME}"

    def link(self):
        return links.page_url("questions")

    def feed_url(self):
        return links.feed_url()

    def items(self, obj):
        return obj


class TagQuestions(_AtomFeed):
    def get_object(self, request, name: str):
        entries = feeds.tag_questions(name)
        if entries is None:
            raise Http404("No such tag.")
        return name, _absolute(request, entries)

    def title(self, obj):
        return f"Newest questions tagged {obj[0]} - {settings.SITE_NAME}"

    def link(self, obj):
        return links.tag_url(obj[0])

    def feed_url(self, obj):
        return links.feed_url("tag", obj[0])

    def items(self, obj):
        return obj[1]


class QuestionActivity(_AtomFeed):
    def get_object(self, request, question_id: int):
        feed = feeds.question_activity(question_id)
        if feed is None:
            raise Http404("No such question.")
        _absolute(request, feed.entries)
        return feed

    def title(self, obj):
        return f"{obj.question.title} - {settings.SITE_NAME}"

    def link(self, obj):
        return links.question_url(obj.question.id, obj.question.title)

    def feed_url(self, obj):
        return links.feed_url("question", obj.question.id)

    def items(self, obj):
        return obj.entries


class UserActivity(_AtomFeed):
    def get_object(self, request, user_id: int):
        feed = feeds.user_posts(user_id)
        if feed is None:
            raise Http404("No such user.")
        _absolute(request, feed.entries)
        return feed

    def title(self, obj):
        return f"User {obj.user.display_name} - {settings.SITE_NAME}"

    def link(self, obj):
        return links.user_url(obj.user.id, obj.user.display_name)

    def feed_url(self, obj):
        return links.feed_url("user", obj.user.id)

    def items(self, obj):
        return obj.entries


urlpatterns: list = [
    path("feeds", NewestQuestions(), name="feed_newest"),
    path("feeds/question/<id:question_id>", QuestionActivity(), name="feed_question"),
    path("feeds/tag/<str:name>", TagQuestions(), name="feed_tag"),
    path("feeds/user/<id:user_id>", UserActivity(), name="feed_user"),
]
