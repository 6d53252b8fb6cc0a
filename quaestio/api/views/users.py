"""Users: lists, by ids, and what they wrote, earned and gained."""

from __future__ import annotations

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.api import reputation as reputation_source
from quaestio.api import types
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import Sort, id_vector, ordering
from quaestio.api.registry import endpoint
from quaestio.api.selectors import (
    COMMENT_SORTS,
    POST_SORTS,
    live_answers,
    live_comments,
    live_posts,
    live_questions,
    page_of,
    post_counts,
)
from quaestio.api.views.answers import answer_page
from quaestio.api.views.badges import BADGE_SORTS, user_badges
from quaestio.api.views.posts import post_page
from quaestio.api.views.questions import comment_page, question_page
from quaestio.posts.models import PostType
from quaestio.tags.models import UserTagScore

USER_TAG_SORTS = {"popular": Sort("count", "int"), "name": Sort("name", "str")}
USER_SORTS = {
    "reputation": Sort("reputation", "int"),
    "creation": Sort("creation_date", "date"),
    "name": Sort("display_name", "str"),
    "modified": Sort("last_access_date", "date"),
}


def user_page(api: ApiRequest, queryset) -> Result:
    inname = api.query.get("inname")
    if inname:
        queryset = queryset.filter(display_name__icontains=inname)
    rows, has_more, count = page_of(queryset, api, USER_SORTS, "reputation")
    ids = [u.id for u in rows]
    extras: dict[int, dict] = {uid: {} for uid in ids}
    wants = api.out.wants
    if ids and any(
        wants("user", f"reputation_change_{w}") for w in ("day", "week", "month", "quarter", "year")
    ):
        for uid, change in reputation_source.changes(ids).items():
            extras[uid].update(change)
    if ids and (wants("user", "question_count") or wants("user", "answer_count")):
        for uid, counts in post_counts(ids).items():
            extras[uid].update(counts)
    return Result([types.user(api.out, u, extras[u.id]) for u in rows], has_more, count)


@endpoint("users", "user", "All users on the site.", sorts=tuple(USER_SORTS), params=("inname",))
def user_list(api: ApiRequest) -> Result:
    return user_page(api, User.objects.exclude(id=COMMUNITY_USER_ID).filter(is_active=True))


@endpoint("users/moderators", "user", "The site's moderators.", sorts=tuple(USER_SORTS))
def moderators(api: ApiRequest) -> Result:
    return user_page(api, User.objects.filter(is_moderator=True, is_active=True))


@endpoint("users/{ids}", "user", "The users identified by a set of ids.", sorts=tuple(USER_SORTS))
def users_by_ids(api: ApiRequest, ids: str) -> Result:
    # A deleted account is gone from the API as from the site (its row stays, anonymised).
    return user_page(api, User.objects.filter(id__in=id_vector(ids), deleted_date__isnull=True))


@endpoint(
    "users/{ids}/questions",
    "question",
    "The questions asked by a set of users.",
    sorts=tuple(POST_SORTS),
)
def user_questions(api: ApiRequest, ids: str) -> Result:
    return question_page(api, live_questions().filter(owner_id__in=id_vector(ids)))


@endpoint(
    "users/{ids}/answers",
    "answer",
    "The answers written by a set of users.",
    sorts=tuple(POST_SORTS),
)
def user_answers(api: ApiRequest, ids: str) -> Result:
    return answer_page(api, live_answers().filter(owner_id__in=id_vector(ids)))


@endpoint(
    "users/{ids}/posts",
    "post",
    "The questions and answers of a set of users.",
    sorts=tuple(POST_SORTS),
)
def user_posts(api: ApiRequest, ids: str) -> Result:
    return post_page(api, live_posts().filter(owner_id__in=id_vector(ids)))


@endpoint(
    "users/{ids}/comments",
    "comment",
    "The comments written by a set of users.",
    sorts=tuple(COMMENT_SORTS),
)
def user_comments(api: ApiRequest, ids: str) -> Result:
    queryset = live_comments().filter(user_id__in=id_vector(ids), post__deletion_date__isnull=True)
    return comment_page(api, queryset)


@endpoint(
    "users/{ids}/badges", "badge", "The badges a set of users earned.", sorts=tuple(BADGE_SORTS)
)
def badges_of_users(api: ApiRequest, ids: str) -> Result:
    return user_badges(api, id_vector(ids))


def _events(api: ApiRequest, ids: str):
    page = api.paging()
    return reputation_source.events(id_vector(ids), page.offset, page.page_size)


def _post_type_name(kind: int | None) -> str | None:
    return {PostType.QUESTION: "question", PostType.ANSWER: "answer"}.get(kind)


@endpoint(
    "users/{ids}/reputation",
    "reputation",
    "Reputation changes of a set of users, newest first.",
)
def reputation(api: ApiRequest, ids: str) -> Result:
    rows, has_more, count = _events(api, ids)
    items = [
        api.out.emit(
            "reputation",
            {
                "user_id": event.user_id,
                "post_id": event.post_id,
                "post_type": _post_type_name(event.post_type),
                "vote_type": reputation_source.VOTE_TYPE.get(event.reason, event.reason),
                "reputation_change": event.amount,
                "on_date": types.epoch(event.on_date),
                "title": event.title or None,
                "link": types.answer_link(api.out, event.post_id)
                if event.post_type == PostType.ANSWER
                else types.question_link(api.out, event.post_id, event.title)
                if event.post_id
                else None,
            },
        )
        for event in rows
    ]
    return Result(items, has_more, count)


@endpoint(
    "users/{ids}/reputation-history",
    "reputation_history",
    "Reputation history of a set of users, newest first.",
)
def reputation_history(api: ApiRequest, ids: str) -> Result:
    rows, has_more, count = _events(api, ids)
    items = [
        api.out.emit(
            "reputation_history",
            {
                "user_id": event.user_id,
                "creation_date": types.epoch(event.on_date),
                "post_id": event.post_id,
                "reputation_change": event.amount,
                "reputation_history_type": reputation_source.HISTORY_TYPE.get(
                    event.reason, event.reason
                ),
            },
        )
        for event in rows
    ]
    return Result(items, has_more, count)


@endpoint(
    "users/{ids}/tags",
    "tag",
    "The tags a set of users posted in, with how often.",
    sorts=("popular", "name"),
)
def user_tags(api: ApiRequest, ids: str) -> Result:
    """The tags of the users' live questions and of the live questions they answered, each
    `count` their posts there: read from their kept standing per tag (tags.UserTagScore's
    post_count, one row per user and tag), not grouped from their posts, which grew with a
    long history (one query, as many rows as the users have tags)."""
    user_ids = id_vector(ids)
    rows = UserTagScore.objects.filter(user_id__in=user_ids, post_count__gt=0).values_list(
        "user_id", "tag__name", "tag__is_moderator_only", "tag__is_required", "post_count"
    )
    merged = {
        (user_id, name): {
            "user_id": user_id,
            "name": name,
            "count": count,
            "is_moderator_only": moderator_only,
            "is_required": required,
            "has_synonyms": False,
        }
        for user_id, name, moderator_only, required, count in rows
    }
    order = ordering(api.query, USER_TAG_SORTS, "popular")
    field = order.spec.field
    ordered = sorted(
        merged.values(),
        key=lambda t: (t[field], t["name"], t["user_id"]),
        reverse=order.descending,
    )
    page = api.paging()
    shown = ordered[page.offset : page.offset + page.page_size]
    return Result(
        [api.out.emit("tag", t) for t in shown],
        len(ordered) > page.offset + page.page_size,
        len(ordered),
    )
