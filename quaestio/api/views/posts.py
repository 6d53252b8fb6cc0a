"""Posts (questions and answers together), their comments and their revisions."""

from __future__ import annotations

from quaestio.api import types
from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import id_vector, string_vector
from quaestio.api.registry import endpoint
from quaestio.api.selectors import (
    COMMENT_SORTS,
    POST_SORTS,
    live_comments,
    live_posts,
    load_related,
    page_of,
    without_unwanted_bodies,
)
from quaestio.api.views.questions import comment_page
from quaestio.api.views.revisions import revisions_of


def post_page(api: ApiRequest, queryset) -> Result:
    queryset = without_unwanted_bodies(queryset, api.out, "post")
    rows, has_more, count = page_of(queryset, api, POST_SORTS, "activity")
    related = load_related(api, posts=rows)
    return Result([types.post_item(api.out, p, related) for p in rows], has_more, count)


@endpoint("posts", "post", "All questions and answers on the site.", sorts=tuple(POST_SORTS))
def post_list(api: ApiRequest) -> Result:
    return post_page(api, live_posts())


@endpoint("posts/{ids}", "post", "The posts identified by a set of ids.", sorts=tuple(POST_SORTS))
def posts_by_ids(api: ApiRequest, ids: str) -> Result:
    return post_page(api, live_posts().filter(id__in=id_vector(ids)))


@endpoint(
    "posts/{ids}/comments", "comment", "The comments on a set of posts.", sorts=tuple(COMMENT_SORTS)
)
def post_comments(api: ApiRequest, ids: str) -> Result:
    queryset = live_comments().filter(post_id__in=id_vector(ids), post__deletion_date__isnull=True)
    return comment_page(api, queryset)


@endpoint("posts/{ids}/revisions", "revision", "The revisions of a set of posts.")
def post_revisions(api: ApiRequest, ids: str) -> Result:
    return revisions_of(api, post_ids=id_vector(ids))


@endpoint("revisions/{ids}", "revision", "The revisions identified by a set of revision GUIDs.")
def revisions_by_guid(api: ApiRequest, ids: str) -> Result:
    guids = string_vector(ids, "ids", 100)
    if not guids:
        raise BadParameter("ids", "ids is required")
    return revisions_of(api, guids=[g.lower() for g in guids])
