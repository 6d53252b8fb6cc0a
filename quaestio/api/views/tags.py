"""Tags: lists, info, related tags and synonyms.

Synonyms are the approved rows of tags.TagSynonym (from_tag: the source name, to_tag: the
target); `has_synonyms` says whether a tag is the target of any.
"""

from __future__ import annotations

from quaestio.api import types
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import Sort, string_vector
from quaestio.api.registry import endpoint
from quaestio.api.selectors import page_of
from quaestio.tags import related
from quaestio.tags.models import SynonymState, Tag, TagSynonym

TAG_SORTS = {
    "popular": Sort("count", "int"),
    "activity": Sort("last_activity_date", "date"),
    "name": Sort("name", "str"),
}


def _tags(api: ApiRequest, queryset) -> Result:
    # Every tag's count is at least 0: saying so lets sort=popular read tag_count_id_idx.
    queryset = queryset.filter(count__gte=0)
    inname = api.query.get("inname")
    if inname:
        queryset = queryset.filter(name__icontains=inname)
    # fromdate/todate have no creation date to bound on a tag; they are ignored here.
    query = api.query.copy()
    query.pop("fromdate", None)
    query.pop("todate", None)
    api.query = query
    rows, has_more, count = page_of(queryset, api, TAG_SORTS, "popular")
    return Result([tag_item(api, t) for t in rows], has_more, count)


def tag_item(api: ApiRequest, tag: Tag, count: int | None = None) -> dict:
    """A tag object; `count` is the tag's question count unless given (related tags give
    the questions it shares with the named tags)."""
    return api.out.emit(
        "tag",
        {
            "name": tag.name,
            "count": tag.count if count is None else count,
            "has_synonyms": tag.id in _targets_of(api),
            "is_moderator_only": tag.is_moderator_only,
            "is_required": tag.is_required,
            "last_activity_date": types.epoch(tag.last_activity_date),
        },
    )


def _targets_of(api: ApiRequest) -> set[int]:
    """Ids of tags with approved synonyms, read once per request (synonyms are few)."""
    found = getattr(api, "_synonym_targets", None)
    if found is None:
        found = set(
            TagSynonym.objects.filter(state=SynonymState.APPROVED).values_list(
                "target_id", flat=True
            )
        )
        api._synonym_targets = found
    return found


SYNONYM_SORTS = {
    "creation": Sort("creation_date", "date"),
    "applied": Sort("applied_count", "int"),
    "activity": Sort("last_applied_date", "date"),
}


def _synonyms(api: ApiRequest, queryset) -> Result:
    queryset = queryset.filter(state=SynonymState.APPROVED).select_related("target")
    rows, has_more, count = page_of(queryset, api, SYNONYM_SORTS, "creation")
    return Result(
        [
            api.out.emit(
                "tag_synonym",
                {
                    "from_tag": s.source,
                    "to_tag": s.target.name,
                    "applied_count": s.applied_count,
                    "last_applied_date": types.epoch(s.last_applied_date),
                    "creation_date": types.epoch(s.creation_date),
                },
            )
            for s in rows
        ],
        has_more,
        count,
    )


def _names(raw: str) -> list[str]:
    return [name.lower() for name in string_vector(raw, "tags", 100)]


@endpoint("tags", "tag", "The tags on the site.", sorts=tuple(TAG_SORTS), params=("inname",))
def tag_list(api: ApiRequest) -> Result:
    return _tags(api, Tag.objects.all())


@endpoint(
    "tags/moderator-only",
    "tag",
    "Tags only moderators may use.",
    sorts=tuple(TAG_SORTS),
    params=("inname",),
)
def moderator_only(api: ApiRequest) -> Result:
    return _tags(api, Tag.objects.filter(is_moderator_only=True))


@endpoint(
    "tags/required",
    "tag",
    "Tags every question must carry one of.",
    sorts=tuple(TAG_SORTS),
    params=("inname",),
)
def required(api: ApiRequest) -> Result:
    return _tags(api, Tag.objects.filter(is_required=True))


@endpoint("tags/{tags}/info", "tag", "The tags named in a set.", sorts=tuple(TAG_SORTS))
def tag_info(api: ApiRequest, tags: str) -> Result:
    return _tags(api, Tag.objects.filter(name__in=_names(tags)))


@endpoint(
    "tags/synonyms",
    "tag_synonym",
    "Every tag synonym on the site.",
    sorts=("creation", "applied", "activity"),
)
def all_synonyms(api: ApiRequest) -> Result:
    return _synonyms(api, TagSynonym.objects.all())


@endpoint(
    "tags/{tags}/synonyms",
    "tag_synonym",
    "The synonyms of a set of tags.",
    sorts=("creation", "applied", "activity"),
)
def synonyms(api: ApiRequest, tags: str) -> Result:
    return _synonyms(api, TagSynonym.objects.filter(target__name__in=_names(tags)))


@endpoint("tags/{tags}/related", "tag", "Tags most often used together with a set of tags.")
def related_tags(api: ApiRequest, tags: str) -> Result:
    """Tags used with all of {tags}, the commonest first (tags.related: kept pair counts for
    one tag, a bounded sample of the newest questions for several); each item's `count` is
    the questions it shares with all of {tags}, as the method's documentation has it."""
    names = _names(tags)
    named = list(Tag.objects.filter(name__in=names))
    if not named or len(named) < len(set(names)):
        return Result([], False, lambda: 0)  # an unknown tag: no question carries them all
    page = api.paging()
    found = related.related_page(named, page.offset, page.page_size + 1)
    by_id = Tag.objects.in_bulk([tag_id for tag_id, _ in found])
    rows = [(by_id[tag_id], n) for tag_id, n in found[: page.page_size] if tag_id in by_id]
    return Result(
        [tag_item(api, tag, n) for tag, n in rows],
        len(found) > page.page_size,
        lambda: related.related_total(named),
    )
