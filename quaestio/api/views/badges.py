"""Badges: the kinds awarded on the site, by name, and their recipients.

Awards are rows (the dump's Badges table); a badge kind is identified by the id of its first
award, which is stable and lets /badges/{ids} find the kind again in one query.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Max, Q

from quaestio.accounts.models import User
from quaestio.api import types
from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import epoch, id_vector
from quaestio.api.registry import endpoint
from quaestio.badges.models import Badge, BadgeCount
from quaestio.core import links

BADGE_SORTS = ("rank", "name", "type")
RANKS = {1: "gold", 2: "silver", 3: "bronze"}


def _item(api: ApiRequest, kind: dict, user: dict | None = None) -> dict:
    return api.out.emit(
        "badge",
        {
            "badge_id": kind["badge_id"],
            "name": kind["name"],
            "rank": RANKS.get(kind["badge_class"], "bronze"),
            "badge_type": "tag_based" if kind["tag_based"] else "named",
            "award_count": kind["award_count"],
            "link": api.out.origin + links.badge_url(kind["name"]),
            "user": user,
        },
    )


def _sorted(api: ApiRequest, kinds: list[dict], extra_sorts: tuple[str, ...] = ()) -> list[dict]:
    sort = api.query.get("sort") or "rank"
    if sort not in BADGE_SORTS + extra_sorts:
        raise BadParameter("sort", f"sort must be one of {', '.join(BADGE_SORTS + extra_sorts)}")
    order = api.query.get("order") or "desc"
    if order not in ("asc", "desc"):
        raise BadParameter("order", "order must be asc or desc")
    keys = {
        # desc rank lists gold first, as Stack Exchange does.
        "rank": lambda k: (-k["badge_class"], k["name"]),
        "name": lambda k: k["name"].lower(),
        "type": lambda k: (k["tag_based"], k["name"]),
        "awarded": lambda k: k.get("last_awarded"),
    }
    low, high = api.query.get("min"), api.query.get("max")
    if sort == "name":
        kinds = [
            k for k in kinds if (not low or k["name"] >= low) and (not high or k["name"] <= high)
        ]
    if sort == "rank":
        wanted_low = {"gold": 1, "silver": 2, "bronze": 3}.get(low or "")
        wanted_high = {"gold": 1, "silver": 2, "bronze": 3}.get(high or "")
        kinds = [
            k
            for k in kinds
            if (wanted_low is None or k["badge_class"] >= wanted_low)
            and (wanted_high is None or k["badge_class"] <= wanted_high)
        ]
    return sorted(kinds, key=keys[sort], reverse=order == "desc")


def _paged(api: ApiRequest, items: list) -> tuple[list, bool]:
    page = api.paging()
    return items[page.offset : page.offset + page.page_size], len(
        items
    ) > page.offset + page.page_size


def kept_kinds(condition: Q | None = None) -> list[dict]:
    """The badge kinds awarded, with their award counts, from the counts the database keeps
    (BadgeCount: a row per kind, changed with the awards, see core.site_counts): one query
    over the kinds, none over the awards. Without badge_id (see with_first_awards)."""
    rows = BadgeCount.objects.filter(condition or Q(), awarded__gt=0)
    return [
        {"name": name, "badge_class": badge_class, "tag_based": tag_based, "award_count": n}
        for name, badge_class, tag_based, n in rows.values_list(
            "name", "badge_class", "tag_based", "awarded"
        )
    ]


def with_first_awards(kinds: list[dict]) -> list[dict]:
    """The kinds with their badge_id, the id of each kind's first award: one query, one probe
    of badge_kind_first_idx per kind (never a read of a kind's awards: Student's are a third
    of the users)."""
    if not kinds:
        return kinds
    probe = (
        "SELECT {k} AS k, (SELECT MIN(b.id) FROM badges_badge b "
        "WHERE b.name = %s AND b.badge_class = %s AND b.tag_based = %s) AS first"
    )
    sql = " UNION ALL ".join(probe.format(k=k) for k in range(len(kinds)))
    params = [v for kind in kinds for v in (kind["name"], kind["badge_class"], kind["tag_based"])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        firsts = dict(cursor.fetchall())
    return [{**kind, "badge_id": firsts.get(k)} for k, kind in enumerate(kinds)]


def _kinds_by_key(names: set[str]) -> dict[tuple[str, int], dict]:
    kinds = with_first_awards(kept_kinds(Q(name__in=names))) if names else []
    return {(k["name"], k["badge_class"]): k for k in kinds}


def _kind_list(api: ApiRequest, condition: Q | None = None) -> Result:
    kinds = kept_kinds(condition)
    inname = api.query.get("inname")
    if inname:
        kinds = [k for k in kinds if inname.lower() in k["name"].lower()]
    ordered = _sorted(api, kinds)
    shown, has_more = _paged(api, ordered)
    return Result([_item(api, k) for k in with_first_awards(shown)], has_more, len(ordered))


@endpoint(
    "badges", "badge", "Every badge awarded on the site.", sorts=BADGE_SORTS, params=("inname",)
)
def badge_list(api: ApiRequest) -> Result:
    return _kind_list(api)


@endpoint(
    "badges/name",
    "badge",
    "The named (not tag-based) badges.",
    sorts=BADGE_SORTS,
    params=("inname",),
)
def named_badges(api: ApiRequest) -> Result:
    return _kind_list(api, Q(tag_based=False))


@endpoint("badges/tags", "badge", "The tag-based badges.", sorts=BADGE_SORTS, params=("inname",))
def tag_badges(api: ApiRequest) -> Result:
    return _kind_list(api, Q(tag_based=True))


def _awards_of_kinds(ids: list[int]):
    """Awards of the badge kinds whose first awards have these ids (one query for the kinds).

    Tag badges share a name across gold, silver and bronze, so a kind is (name, class)."""
    kinds = Badge.objects.filter(id__in=ids).values_list("name", "badge_class")
    condition = Q(pk__in=[])
    for name, badge_class in kinds:
        condition |= Q(name=name, badge_class=badge_class)
    return Badge.objects.filter(condition)


@endpoint("badges/{ids}", "badge", "The badges identified by a set of ids.", sorts=BADGE_SORTS)
def badges_by_ids(api: ApiRequest, ids: str) -> Result:
    wanted = set(id_vector(ids))
    keys = Badge.objects.filter(id__in=wanted).values_list("name", "badge_class", "tag_based")
    condition = Q(pk__in=[])
    for name, badge_class, tag_based in keys:
        condition |= Q(name=name, badge_class=badge_class, tag_based=tag_based)
    kinds = [k for k in with_first_awards(kept_kinds(condition)) if k["badge_id"] in wanted]
    ordered = _sorted(api, kinds)
    shown, has_more = _paged(api, ordered)
    return Result([_item(api, k) for k in shown], has_more, len(ordered))


def _recipients(api: ApiRequest, awards) -> Result:
    """Recent awards, newest first, each with its recipient (three queries)."""
    start, end = epoch(api.query, "fromdate"), epoch(api.query, "todate")
    if start is not None:
        awards = awards.filter(date__gte=start)
    if end is not None:
        awards = awards.filter(date__lte=end)
    page = api.paging()
    rows = list(awards.order_by("-date", "-id")[page.offset : page.offset + page.page_size + 1])
    has_more = len(rows) > page.page_size
    rows = rows[: page.page_size]
    kinds = _kinds_by_key({r.name for r in rows})
    users = User.objects.in_bulk({r.user_id for r in rows})
    items = [
        _item(
            api,
            kinds[(row.name, row.badge_class)],
            types.shallow_user(api.out, users.get(row.user_id)),
        )
        for row in rows
    ]
    return Result(items, has_more, awards.count)


@endpoint("badges/recipients", "badge", "Recently awarded badges, with their recipients.")
def recipients(api: ApiRequest) -> Result:
    return _recipients(api, Badge.objects.all())


@endpoint(
    "badges/{ids}/recipients", "badge", "Recent awards of a set of badges, with their recipients."
)
def recipients_of(api: ApiRequest, ids: str) -> Result:
    return _recipients(api, _awards_of_kinds(id_vector(ids)))


def user_badges(api: ApiRequest, user_ids: list[int]) -> Result:
    """Each badge a user holds once, with how often they earned it (two queries)."""
    rows = list(
        Badge.objects.filter(user_id__in=user_ids)
        .values("user_id", "name", "badge_class", "tag_based")
        .annotate(award_count=Count("id"), last_awarded=Max("date"))
        .order_by()
    )
    kinds = _kinds_by_key({r["name"] for r in rows})
    users = User.objects.in_bulk(user_ids)
    for row in rows:
        row["badge_id"] = kinds[(row["name"], row["badge_class"])]["badge_id"]
    ordered = _sorted(api, rows, extra_sorts=("awarded",))
    shown, has_more = _paged(api, ordered)
    items = [
        _item(api, row, types.shallow_user(api.out, users.get(row["user_id"]))) for row in shown
    ]
    return Result(items, has_more, len(ordered))
