"""Every URL the site writes: pages, short links, API `link` fields, canonical links, feeds.

One module so that a question, a user or a tag is linked the same way everywhere: Django's
`reverse` underneath (so the script prefix of a deployment under a sub-path is honoured), slugs
made by Stack Exchange's rules (`url_slug`), and tag names percent-encoded (`c#` links to
`/questions/tagged/c%23`, as on Stack Exchange).

Reversing costs tens of microseconds and the question page writes dozens of links, so each
result is remembered per process, keyed on the script prefix and the arguments (bounded).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.urls import get_script_prefix, reverse

SLUG_MAX_LENGTH = 80  # Stack Exchange cuts slugs at 80 characters
# Characters that become a hyphen in a slug; every other non-alphanumeric is dropped (SE's
# URLFriendly: "don't" -> "dont", "a.b" -> "a-b", "c#" -> "c").
_SLUG_SEPARATORS = frozenset(" ,./\\-_=")
# Letters that Unicode decomposition does not reduce to ASCII, mapped as Stack Exchange does.
_SLUG_REMAP = {"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "æ": "ae", "œ": "oe", "ð": "d"}


@lru_cache(maxsize=16384)
def url_slug(text: str | None) -> str:
    """Stack Exchange's slug of a title or a name: lower case ASCII letters and digits, runs of
    separators as one hyphen, accents dropped ("Zoë" -> "zoe"), at most 80 characters, never
    ending in a hyphen. "" when nothing is left."""
    if not text:
        return ""
    out: list[str] = []
    pending_hyphen = False
    for char in text.lower():
        if char.isascii():
            if char.isalnum():
                if pending_hyphen and out:
                    out.append("-")
                pending_hyphen = False
                out.append(char)
            elif char in _SLUG_SEPARATORS:
                pending_hyphen = True
            continue
        ascii_form = _SLUG_REMAP.get(char)
        if ascii_form is None:
            decomposed = unicodedata.normalize("NFKD", char)
            ascii_form = "".join(c for c in decomposed if c.isascii() and c.isalnum())
        if ascii_form:
            if pending_hyphen and out:
                out.append("-")
            pending_hyphen = False
            out.append(ascii_form)
        elif unicodedata.category(char).startswith("Z"):  # a non-ASCII space separates words
            pending_hyphen = True
    # Stack Exchange cuts at the length without looking for a word boundary.
    return "".join(out)[:SLUG_MAX_LENGTH].strip("-")


def _reverse(name: str, *args) -> str:
    return _reverse_for_prefix(get_script_prefix(), name, args)


@lru_cache(maxsize=16384)
def _reverse_for_prefix(script_prefix: str, name: str, args: tuple) -> str:
    # The prefix is part of the key: the same process may serve under several prefixes in tests.
    return reverse(name, args=list(args))


# The page routes for a tag take the name as a path segment; Django's reverse leaves "+" and
# other sub-delimiters as they are, Stack Exchange encodes every reserved character.
_TAG_PLACEHOLDER = "TAGNAME0PLACEHOLDER"


def _tag_route(name: str, tag: str) -> str:
    return _tag_route_for_prefix(get_script_prefix(), name, tag)


@lru_cache(maxsize=8192)
def _tag_route_for_prefix(script_prefix: str, name: str, tag: str) -> str:
    return reverse(name, args=[_TAG_PLACEHOLDER]).replace(_TAG_PLACEHOLDER, quote(tag, safe=""))


# Questions and answers


def question_url(question_id: int, title: str | None) -> str:
    """The canonical page of a question: /questions/<id>/<slug>."""
    return _reverse("question", int(question_id), url_slug(title) or "question")


def answer_url(answer_id: int) -> str:
    """The short link to an answer (/a/<id>), which redirects to its place in the thread."""
    return _reverse("answer_short", int(answer_id))


def answer_in_thread_url(question_id: int, title: str | None, answer_id: int, page: int = 1) -> str:
    """An answer at its place on the question page: /questions/<id>/<slug>#answer-<id>, with
    ?page=N when it is on a later page of answers (/a/<id> works the page out)."""
    query = f"?page={int(page)}" if page > 1 else ""
    return f"{question_url(question_id, title)}{query}#answer-{int(answer_id)}"


def question_short_url(question_id: int) -> str:
    """The short link Share gives for a question: /q/<id>."""
    return _reverse("question_short", int(question_id))


def post_url(post) -> str:
    """Any post: a question's page, or an answer's short link."""
    if getattr(post, "title", None) and not getattr(post, "parent_id", None):
        return question_url(post.id, post.title)
    return answer_url(post.id)


def comment_url(question_id: int, title: str | None, comment_id: int) -> str:
    return f"{question_url(question_id, title)}#comment-{int(comment_id)}"


def comments_url(question_id: int, title: str | None, post_id: int) -> str:
    """A post's comments on the question page: /questions/<id>/<slug>#comments-<post id>."""
    return f"{question_url(question_id, title)}#comments-{int(post_id)}"


def comment_share_url(post_id: int, is_answer: bool, comment_id: int) -> str:
    """A comment's link as the API gives it: its post's short link with Stack Exchange's
    anchor, /a/<post>#comment<comment>_<post> (or /q/...)."""
    post = answer_url(post_id) if is_answer else question_short_url(post_id)
    return f"{post}#comment{int(comment_id)}_{int(post_id)}"


def post_action_url(post_id: int, action: str) -> str:
    """A post's action pages: edit, delete, undelete, revisions, bounty, comments/new …"""
    return _reverse(_POST_ACTIONS[action], int(post_id))


_POST_ACTIONS = {
    "edit": "post_edit",
    "delete": "post_delete",
    "undelete": "post_undelete",
    "revisions": "revisions",
    "bounty": "bounty_offer",
    "bounty_award": "bounty_award",
    "accept": "accept",
    "comment": "comment_new",
    "vote_delete": "post_vote_delete",
    "vote_undelete": "post_vote_undelete",
    "timeline": "post_timeline",
    "moderate": "post_moderate",  # the moderators' tools: merge, convert, purge, move comments
    "lock": "post_lock",
    "unlock": "post_unlock",
    "notice": "post_notice",
    "citation_needed": "post_citation_needed",
    "community_wiki": "post_community_wiki",
    "close": "question_close",  # the question's own id
    "reopen": "question_reopen",
    "protect": "question_protect",
    "unprotect": "question_unprotect",
    "flag": "post_flag",
}


def post_vote_url(post_id: int, direction: str) -> str:
    return _reverse("post_vote", int(post_id), direction)


def comment_action_url(comment_id: int, action: str) -> str:
    return _reverse(_COMMENT_ACTIONS[action], int(comment_id))


_COMMENT_ACTIONS = {
    "edit": "comment_edit",
    "delete": "comment_delete",
    "vote": "comment_vote",
    "flag": "comment_flag",
}


def rollback_url(post_id: int, revision_number: int) -> str:
    return _reverse("post_rollback", int(post_id), int(revision_number))


def revisions_url(post_id: int) -> str:
    return post_action_url(post_id, "revisions")


# Patterns, for a page that writes a link for each of many posts or comments: fetched once per
# view and formatted with str.format(id=...). Every lookup of the script prefix costs about 10 µs
# (asgiref's Local), more than formatting the link, and the question page writes hundreds.
_ID_MARK = 987654321098765432  # 18 digits, in the id's place while the pattern is reversed


def _pattern(url: str) -> str:
    return url.replace("{", "{{").replace("}", "}}").replace(str(_ID_MARK), "{id}")


def post_action_pattern(action: str) -> str:
    """post_action_url with "{id}" for the post's id."""
    return _pattern(post_action_url(_ID_MARK, action))


def post_vote_pattern(direction: str) -> str:
    return _pattern(post_vote_url(_ID_MARK, direction))


def comment_action_pattern(action: str) -> str:
    return _pattern(comment_action_url(_ID_MARK, action))


def question_short_pattern() -> str:
    return _pattern(question_short_url(_ID_MARK))


def answer_pattern() -> str:
    return _pattern(answer_url(_ID_MARK))


# People, tags, badges


def user_url(user_id: int, display_name: str | None) -> str:
    """A profile: /users/<id>/<slug> ("user" when the name leaves no slug)."""
    return _reverse("user", int(user_id), url_slug(display_name) or "user")


def user_flags_url(user_id: int) -> str:
    """A user's flag history: /users/<id>/flags (they and moderators see it)."""
    return _reverse("user_flags", int(user_id))


def flag_dashboard_url(before: str = "") -> str:
    """The moderators' flag dashboard, /admin (a page of it: ?before=<post id>)."""
    url = _reverse("flag_dashboard")
    return f"{url}?{urlencode({'before': before})}" if before else url


def user_reputation_url(user_id: int, display_name: str | None) -> str:
    return _reverse("user_reputation", int(user_id), url_slug(display_name) or "user")


def avatar_url(seed: int | str) -> str:
    """The identicon of a user id (or of "deleted")."""
    return _reverse("identicon", str(seed))


def tag_url(tag: str) -> str:
    """The questions in a tag: /questions/tagged/<tag>, percent-encoded (c# -> c%23)."""
    return _tag_route("tagged", tag)


def tag_info_url(tag: str) -> str:
    return _tag_route("tag_info", tag)


def badge_url(name: str) -> str:
    return _tag_route("badge", name)


def feed_url(kind: str = "newest", key: int | str | None = None) -> str:
    """An Atom feed at Stack Exchange's address: /feeds, /feeds/question/<id>,
    /feeds/tag/<name> (percent-encoded as tag pages are), /feeds/user/<id>."""
    if kind == "newest":
        return _reverse("feed_newest")
    if kind == "tag":
        return _tag_route("feed_tag", str(key))
    return _reverse(f"feed_{kind}", key)


def page_url(name: str, *args) -> str:
    """Any other named page (home, ask, search, login, tags, users, badges, help …)."""
    return _reverse(name, *args)


def review_url(queue: str | None = None) -> str:
    """/review, or one queue's page (the next item for the viewer). The suggested-edits queue
    keeps its own route."""
    if queue is None:
        return _reverse("review")
    if queue == "suggested-edits":
        return _reverse("suggested_edits")
    return _reverse("review_queue", queue)


def review_task_url(queue: str, task_id: int) -> str:
    return _reverse("review_task", queue, task_id)


def review_edit_url(queue: str, task_id: int) -> str:
    return _reverse("review_edit", queue, task_id)


def review_history_url(queue: str, user_id: int | None = None, before: int | None = None) -> str:
    """A queue's review history, newest first; one reviewer's with `user_id`; `before` pages on."""
    url = _reverse("review_history", queue)
    params = {k: v for k, v in (("user", user_id), ("before", before)) if v is not None}
    return f"{url}?{urlencode(params)}" if params else url


def login_url(next_url: str | None = None) -> str:
    """The log-in page, returning to `next_url` afterwards (checked there, not here)."""
    url = _reverse("login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def absolute(request, url: str) -> str:
    """The URL with the request's scheme and host, for API `link` fields, feeds and e-mail."""
    return request.build_absolute_uri(url)


def origin(request) -> str:
    """The request's scheme and host ("https://example.com"): prefixed to the paths above (which
    carry the script prefix already) it makes them absolute, without a call per link."""
    return f"{request.scheme}://{request.get_host()}"
