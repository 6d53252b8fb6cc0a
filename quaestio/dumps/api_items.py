"""What an API item must look like before it is kept: the fields the import reads, their types.

API responses are untrusted input. Each page is checked whole before it is written to the
work directory: a field of the wrong type, a missing id or date, a number out of range or a
NUL character refuses the page with the method, page and item named, and nothing is kept or
imported. Fields the import does not read are dropped here, so the work directory holds only
what was checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from quaestio.dumps.api_client import ApiImportError

INT, STR, BOOL, DATE, USER, TAGS, RANK = "int", "str", "bool", "date", "user", "tags", "rank"
LARGEST_INT = 2**63 - 1
LATEST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z
LONGEST_TEXT = 1_000_000  # characters; Stack Exchange's bodies stop at 30,000

_POST = {
    "creation_date": (DATE, True),
    "score": (INT, True),
    "last_activity_date": (DATE, True),
    "last_edit_date": (DATE, False),
    "community_owned_date": (DATE, False),
    "body": (STR, False),
    "body_markdown": (STR, False),
    "owner": (USER, False),
    "last_editor": (USER, False),
    "comment_count": (INT, False),
    "up_vote_count": (INT, False),
    "down_vote_count": (INT, False),
    "content_license": (STR, False),
}

# item kind → field → (type, required)
CHECKS: dict[str, dict[str, tuple[str, bool]]] = {
    "questions": {
        "question_id": (INT, True),
        "title": (STR, True),
        "tags": (TAGS, False),
        "view_count": (INT, False),
        "answer_count": (INT, False),
        "favorite_count": (INT, False),
        "accepted_answer_id": (INT, False),
        "closed_date": (DATE, False),
        **_POST,
    },
    "answers": {"answer_id": (INT, True), "question_id": (INT, True), **_POST},
    "comments": {
        "comment_id": (INT, True),
        "post_id": (INT, True),
        "score": (INT, True),
        "creation_date": (DATE, True),
        "body_markdown": (STR, False),
        "body": (STR, False),
        "owner": (USER, False),
        "content_license": (STR, False),
    },
    "users": {
        "user_id": (INT, True),
        "display_name": (STR, True),
        "reputation": (INT, True),
        "creation_date": (DATE, True),
        "last_access_date": (DATE, False),
        "account_id": (INT, False),
        "location": (STR, False),
        "website_url": (STR, False),
        "about_me": (STR, False),
        "view_count": (INT, False),
        "up_vote_count": (INT, False),
        "down_vote_count": (INT, False),
    },
    "tags": {
        "name": (STR, True),
        "count": (INT, False),
        "is_moderator_only": (BOOL, False),
        "is_required": (BOOL, False),
    },
    "badges": {
        "name": (STR, True),
        "rank": (RANK, True),
        "badge_type": (STR, False),
        "award_count": (INT, True),
        "user": (USER, True),
    },
    "revisions": {
        "revision_guid": (STR, True),
        "post_id": (INT, True),
        "creation_date": (DATE, True),
        "revision_number": (INT, False),
        "user": (USER, False),
        "comment": (STR, False),
        "title": (STR, False),
        "body": (STR, False),
        "tags": (TAGS, False),
        "last_title": (STR, False),
        "last_body": (STR, False),
        "last_tags": (TAGS, False),
        "is_rollback": (BOOL, False),
        "set_community_wiki": (BOOL, False),
        "content_license": (STR, False),
    },
}
_USER = {"user_id": INT, "display_name": STR, "reputation": INT, "user_type": STR}


def check_page(kind: str, items: object, page: int) -> list[dict]:
    """The page's items reduced to the checked fields; ApiImportError at the first fault."""
    fields = CHECKS[kind]
    kept = []
    for position, item in enumerate(items if isinstance(items, list) else [None], start=1):
        where = f"{kind}, page {page}, item {position}"
        if not isinstance(item, dict):
            raise ApiImportError(f"{where}: not an object; nothing was imported")
        checked = {}
        for name, (kind_of, required) in fields.items():
            value = item.get(name)
            if value is None:
                if required:
                    raise ApiImportError(f"{where}: {name} is missing; nothing was imported")
                continue
            checked[name] = _checked(value, kind_of, f"{where}: {name}")
        kept.append(checked)
    return kept


def _checked(value: object, kind: str, where: str) -> object:
    if kind in (INT, DATE):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ApiImportError(f"{where} is not a whole number; nothing was imported")
        low, high = (0, LATEST_EPOCH) if kind == DATE else (-LARGEST_INT, LARGEST_INT)
        if not low <= value <= high:
            raise ApiImportError(f"{where} is out of range; nothing was imported")
        return value
    if kind == RANK:
        if value not in ("gold", "silver", "bronze"):
            raise ApiImportError(f"{where} is not gold, silver or bronze; nothing was imported")
        return value
    if kind == BOOL:
        if not isinstance(value, bool):
            raise ApiImportError(f"{where} is not true or false; nothing was imported")
        return value
    if kind == STR:
        return _text(value, where)
    if kind == TAGS:
        if not isinstance(value, list):
            raise ApiImportError(f"{where} is not a list of tags; nothing was imported")
        names = [_text(name, where) for name in value]
        if any(not name or any(c in name for c in " <>|") for name in names):
            raise ApiImportError(f"{where} holds a malformed tag name; nothing was imported")
        return names
    if kind == USER:
        if not isinstance(value, dict):
            raise ApiImportError(f"{where} is not a user object; nothing was imported")
        user = {}
        for name, sub_kind in _USER.items():
            if value.get(name) is not None:
                user[name] = _checked(value[name], sub_kind, f"{where}.{name}")
        return user
    raise AssertionError(kind)


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ApiImportError(f"{where} is not a string; nothing was imported")
    if "\x00" in value or len(value) > LONGEST_TEXT:
        raise ApiImportError(f"{where} holds a NUL character or is too long; nothing was imported")
    return value


def user_id_of(user: dict | None) -> int | None:
    """The id of a post's or comment's user, unless the API says the user no longer exists."""
    if not user or user.get("user_type") == "does_not_exist":
        return None
    return user.get("user_id")


def users_named(items: Iterable[dict]) -> set[int]:
    named = set()
    for item in items:
        for field in ("owner", "last_editor", "user"):
            user_id = user_id_of(item.get(field))
            if user_id is not None:
                named.add(user_id)
    return named
