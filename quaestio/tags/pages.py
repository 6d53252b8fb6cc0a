"""Reads shaped for the tag pages: /tags (popular, name, new, with a name filter), a tag's
info page (excerpt, wiki, synonyms), the synonyms page and the tag-wiki-edits queue; and the
excerpts shown as tag links' hover text."""

from __future__ import annotations

from dataclasses import dataclass

from quaestio.core import listing
from quaestio.core.site_counts import TAGS, site_count
from quaestio.posts.models import Post, SuggestedEdit
from quaestio.tags import policies
from quaestio.tags.lists import tag_name_prefix
from quaestio.tags.models import SynonymState, Tag, TagSynonym, TagSynonymVote
from quaestio.tags.scores import tag_score
from quaestio.tags.wiki import TAG_WIKI_TYPES

TAG_SORTS = {
    "popular": (("-count", "name"), "Popular"),
    "name": (("name",), "Name"),
    "new": (("-id",), "New"),
}
FILTER_MAX = 35
EXCERPTS_AT_MOST = 60  # names one hover-text request may ask for


def tag_list_sorted(sort: str, prefix: str, page: int, page_size: int = 36):
    """A page of tags in one of TAG_SORTS, optionally those starting with `prefix`, and a
    total: the site's tag counter, or for a filter the matches counted no deeper than list
    paging reaches (core.listing)."""
    order, _label = TAG_SORTS.get(sort, TAG_SORTS["popular"])
    queryset = Tag.objects.all()
    exact = True
    if prefix:
        queryset = tag_name_prefix(queryset, prefix)
        total = listing.bounded_count(queryset)
        exact = total <= listing.max_offset()
    else:
        total = site_count(TAGS)
    ids = listing.ids_of_page(
        queryset.order_by(*order), listing.window(page, page_size, total, exact)
    )
    return listing.in_order(Tag.objects.filter(id__in=ids), ids), total


@dataclass
class TagInfo:
    tag: Tag
    excerpt: Post | None
    wiki: Post | None
    synonyms: list[TagSynonym]  # approved ones pointing here
    proposals: list[TagSynonym]  # proposed ones pointing here
    pending_edits: int  # suggested wiki edits waiting


def tag_info(name: str) -> TagInfo | None:
    tag = Tag.objects.filter(name=name).first()
    if tag is None:
        return None
    posts = {p.id: p for p in Post.objects.filter(id__in=[tag.excerpt_post_id, tag.wiki_post_id])}
    synonyms = list(
        TagSynonym.objects.filter(target=tag)
        .exclude(state=SynonymState.REJECTED)
        .order_by("source")
    )
    pending = SuggestedEdit.objects.filter(
        post_id__in=[p for p in (tag.excerpt_post_id, tag.wiki_post_id) if p],
        approval_date=None,
        rejection_date=None,
    ).count()
    return TagInfo(
        tag,
        posts.get(tag.excerpt_post_id),
        posts.get(tag.wiki_post_id),
        [s for s in synonyms if s.state == SynonymState.APPROVED],
        [s for s in synonyms if s.state == SynonymState.PROPOSED],
        pending,
    )


@dataclass
class SynonymRow:
    synonym: TagSynonym
    my_vote: int  # 0, 1 or -1
    can_vote: bool
    reason: str


def synonym_rows(user, tag: Tag, proposals: list[TagSynonym]) -> list[SynonymRow]:
    """The viewer's standing on each proposal (one score read, one votes read)."""
    if not proposals:
        return []
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    score = tag_score(user.id, tag.id) if signed_in else 0
    mine = (
        dict(
            TagSynonymVote.objects.filter(user_id=user.id, synonym__in=proposals).values_list(
                "synonym_id", "value"
            )
        )
        if signed_in
        else {}
    )
    rows = []
    for synonym in proposals:
        allowed, reason = policies.can_vote_synonym(user, synonym, score)
        voted = mine.get(synonym.id, 0)
        rows.append(SynonymRow(synonym, voted, allowed and not voted, reason))
    return rows


@dataclass
class WikiQueueItem:
    suggestion: SuggestedEdit
    tag: Tag | None
    part: str  # "excerpt" or "wiki"
    current: str
    reviewed: bool  # by the viewer


def tag_wiki_queue(user, limit: int = 20) -> list[WikiQueueItem]:
    """Pending suggested tag wiki edits, oldest first (the queue's size is capped, wiki.py)."""
    suggestions = list(
        SuggestedEdit.objects.filter(
            approval_date=None, rejection_date=None, post__post_type__in=TAG_WIKI_TYPES
        )
        .select_related("post", "owner")
        .order_by("creation_date", "id")[:limit]
    )
    post_ids = [s.post_id for s in suggestions]
    tags = {}
    for tag in Tag.objects.filter(excerpt_post_id__in=post_ids) | Tag.objects.filter(
        wiki_post_id__in=post_ids
    ):
        tags[tag.excerpt_post_id] = tags[tag.wiki_post_id] = tag
    reviewed = set(
        SuggestedEdit.objects.filter(
            id__in=[s.id for s in suggestions], reviews__user_id=user.id
        ).values_list("id", flat=True)
    )
    return [
        WikiQueueItem(
            s,
            tags.get(s.post_id),
            "excerpt" if s.post.post_type == 4 else "wiki",
            s.post.body_markdown,
            s.id in reviewed,
        )
        for s in suggestions
    ]


def tag_excerpts(names: list[str]) -> dict[str, str]:
    """name -> excerpt HTML for the tags that have one (one indexed query)."""
    names = list(dict.fromkeys(n for n in names if n))[:EXCERPTS_AT_MOST]
    if not names:
        return {}
    return {
        name: body
        for name, body in Tag.objects.filter(
            name__in=names, excerpt_post__isnull=False
        ).values_list("name", "excerpt_post__body")
        if body
    }
