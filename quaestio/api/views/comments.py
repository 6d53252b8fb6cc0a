"""Comments: all and by ids."""

from __future__ import annotations

from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import id_vector
from quaestio.api.registry import endpoint
from quaestio.api.selectors import COMMENT_SORTS, live_comments_on_live_posts
from quaestio.api.views.questions import comment_page


@endpoint("comments", "comment", "All comments on the site.", sorts=tuple(COMMENT_SORTS))
def comment_list(api: ApiRequest) -> Result:
    return comment_page(api, live_comments_on_live_posts())


@endpoint(
    "comments/{ids}",
    "comment",
    "The comments identified by a set of ids.",
    sorts=tuple(COMMENT_SORTS),
)
def comments_by_ids(api: ApiRequest, ids: str) -> Result:
    return comment_page(api, live_comments_on_live_posts().filter(id__in=id_vector(ids)))
