"""HTML snippets that pages repeat many times: a user's name, stats and timestamps, a question's
tags.

Written in Python rather than as Jinja macros because the question page repeats them for every
card and comment, and a macro call costs several times more than the string it builds
(measured with cProfile on the seed page: macro calls were most of the template's time). Each
is escaped exactly as autoescaping would. The `*_html` forms return plain text for the pages built
in Python (a Markup per fragment cost a copy at every creation and every embedding); the others
wrap them in Markup for templates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from django.urls import get_script_prefix
from django.utils import timezone
from markupsafe import Markup

from quaestio.accounts.models import COMMUNITY_USER_ID
from quaestio.accounts.policies import displayed_reputation, suspension_end_text, suspension_state
from quaestio.core import links
from quaestio.core.formatting import (
    RELATIVE_LIMIT,
    absolute_date,
    day_date,
    iso_title,
    post_date,
    relative_time,
    reputation_short,
    time_span,
)
from quaestio.posts.models import parse_tags, title_suffix
from quaestio.web.text import escape_html

BADGE_CLASSES = (("gold", "gold_badges"), ("silver", "silver_badges"), ("bronze", "bronze_badges"))


def time_html(moment: datetime, now: datetime, relative: bool = False) -> str:
    """`<time>` with the ISO tooltip; the text is the post-date format (relative when recent)
    or always relative. The caller passes `now`, one for the whole page."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if relative or now - moment < RELATIVE_LIMIT:
        text = relative_time(moment, now) if relative else post_date(moment, now)
        return _time_element(moment, text)
    # Older dates print the same all year: a thread's dozens of timestamps are formatted once
    # per process, not on every view.
    return _absolute_time_html(moment, now.year)


@lru_cache(maxsize=16384)
def _absolute_time_html(moment: datetime, this_year: int) -> str:
    return _time_element(moment, absolute_date(moment, this_year))


def _time_element(moment: datetime, text: str) -> str:
    # The date strings are ours and hold only digits, letters, spaces and ":-'", but are
    # escaped all the same.
    return f'<time datetime="{moment.isoformat()}" title="{iso_title(moment)}">{escape_html(text)}</time>'


def time_tag(moment: datetime | date | None, style: str = "post") -> Markup:
    """The one `<time>` element of the templates, as time_html writes it for the question page.

    style "post": relative when recent, else `Jun 26 '17 at 22:18` (signatures, lists);
    "relative": always relative ("3 hours ago", "in 7 days"); "span": the time since, without
    "ago" ("Member for 2 years"); "day": a date without time (`Jan 2, 2024`)."""
    if moment is None:
        return Markup("")
    if style == "day":
        return Markup(_day_html(moment))
    now = timezone.now()
    if style == "span":
        moment = moment.astimezone(UTC)
        text = time_span(int((now - moment).total_seconds()))
        return Markup(_time_element(moment, text))
    return Markup(time_html(moment, now, relative=style == "relative"))


@lru_cache(maxsize=4096)
def _day_html(day: date) -> str:
    return f'<time datetime="{day.isoformat()}">{escape_html(day_date(day))}</time>'


# A thread shows the same few people many times, and every view shows them again: their
# name link and card are pure functions of the user's id, name, reputation, badge counts and
# moderator flag, so each is formatted once per process for those values (bounded), and a
# change to any of them (a vote, a badge, a rename) is simply a new key.


def user_link(person, fallback_name: str = "deleted user") -> Markup:
    """The one way a page shows a person's name: a link to the profile, with ♦ after a
    moderator's name (and Community's), or plain text for a deleted account. `person` is a
    Card, a user row (anything with id, display_name and is_moderator), or None (deleted:
    `fallback_name` is shown)."""
    if person is None:
        return Markup(_deleted_name_html(fallback_name))
    if not hasattr(person, "user"):  # a user row, not a Card
        return Markup(
            _user_link_html(
                get_script_prefix(),
                person.id,
                person.display_name,
                bool(getattr(person, "is_moderator", False)),
            )
        )
    return Markup(user_link_html(person))


def user_link_html(card, prefix: str | None = None) -> str:
    """`prefix`: the script prefix, when the caller has it (see core.links on its cost)."""
    user = card.user
    if user is None:
        return _deleted_name_html(card.name)
    return _user_link_html(prefix or get_script_prefix(), user.id, card.name, user.is_moderator)


def moderator_mark(person) -> Markup:
    """The ♦ alone, for a heading that shows the name itself (the profile)."""
    if person is not None and (
        getattr(person, "is_moderator", False) or getattr(person, "id", None) == COMMUNITY_USER_ID
    ):
        return Markup(_DIAMOND)
    return Markup("")


_DIAMOND = '<span class="diamond" title="moderator">&#9830;</span>'


@lru_cache(maxsize=4096)
def _deleted_name_html(name: str) -> str:
    return f'<span class="user-name deleted-user">{escape_html(name)}</span>'


@lru_cache(maxsize=4096)
def _user_link_html(prefix: str, user_id: int, name: str, moderator: bool) -> str:
    # The prefix is part of the key: links.user_url reads the same one.
    url = links.user_url(user_id, name)
    html = f'<a class="user-name" href="{escape_html(url)}">{escape_html(name)}</a>'
    if moderator or user_id == COMMUNITY_USER_ID:
        html += _DIAMOND
    return html


def _badge_counts_html(*counts: int) -> str:
    parts = []
    for (name, _field), count in zip(BADGE_CLASSES, counts, strict=True):
        if count:
            plural = "" if count == 1 else "s"
            parts.append(
                f'<span class="badge-count" title="{count} {name} badge{plural}"><span class="badge-dot {name}"'
                f' aria-hidden="true"></span><span class="badge-number">{count:,}</span></span>'
            )
    return " ".join(parts)


def user_stats(user) -> Markup:
    """Reputation (abbreviated, exact figure in the title) and badge counts per class."""
    return Markup(
        user_stats_html(
            displayed_reputation(user), user.gold_badges, user.silver_badges, user.bronze_badges
        )
    )


@lru_cache(maxsize=4096)
def user_stats_html(reputation: int, gold: int, silver: int, bronze: int) -> str:
    return (
        f'<div class="user-stats"><span class="reputation" title="reputation score {reputation:,}">'
        f"{reputation_short(reputation)}</span> {_badge_counts_html(gold, silver, bronze)}</div>"
    )


@lru_cache(maxsize=4096)
def _avatar_html(prefix: str, user_id: int | None, size: int) -> str:
    if user_id is None:
        # Sized by class, not a style attribute: the Content-Security-Policy allows no inline style.
        return f'<span class="avatar avatar-deleted avatar-{size:d}" aria-hidden="true"></span>'
    src = escape_html(links.page_url("identicon", str(int(user_id))))
    return (
        f'<img class="avatar" src="{src}" width="{size:d}" height="{size:d}" alt="" loading="lazy">'
    )


def user_card_html(
    action: str,
    date: datetime,
    card,
    now: datetime,
    revisions_url: str | None = None,
    prefix: str | None = None,
) -> str:
    """A post signature: "asked/answered/edited <date>" over the person's avatar, name and stats."""
    deleted = " deleted" if card is not None and card.is_deleted else ""
    person = person_html(card, prefix) if card is not None else ""
    return (
        f'<div class="user-card{deleted}"><div class="user-action">{_action_label(action, revisions_url)}'
        f" {time_html(date, now)}</div>{person}</div>"
    )


@lru_cache(maxsize=4096)
def _action_label(action: str, revisions_url: str | None) -> str:
    if revisions_url:
        return f'<a href="{escape_html(revisions_url)}">{escape_html(action)}</a>'
    return escape_html(action)


def person_html(card, prefix: str | None = None) -> str:
    """Avatar, name and stats of a card."""
    prefix = prefix or get_script_prefix()
    user = card.user
    if user is None:
        return _person_html(prefix, None, card.name, 0, 0, 0, 0, False)
    return _person_html(
        prefix,
        user.id,
        card.name,
        displayed_reputation(user),
        user.gold_badges,
        user.silver_badges,
        user.bronze_badges,
        user.is_moderator,
    )


@lru_cache(maxsize=4096)
def _person_html(
    prefix: str,
    user_id: int | None,
    name: str,
    reputation: int,
    gold: int,
    silver: int,
    bronze: int,
    moderator: bool,
) -> str:
    if user_id is None:
        link, stats = _deleted_name_html(name), ""
    else:
        link = _user_link_html(prefix, user_id, name, moderator)
        stats = user_stats_html(reputation, gold, silver, bronze)
    return (
        f'<div class="user-info">{_avatar_html(prefix, user_id, 32)}<div class="user-details">'
        f"{link}{stats}</div></div>"
    )


def tag_list_html(tags: str, prefix: str | None = None) -> str:
    """A question's tags, given as stored ("<a><b>" or "|a|b|"), as links."""
    return _tag_list_html(prefix or get_script_prefix(), tags)


@lru_cache(maxsize=4096)
def _tag_list_html(prefix: str, tags: str) -> str:
    # Formatted once per process for each stored value: a question's tags recur on every view
    # of it and every list.
    items = "".join(
        f'<li><a class="tag" href="{escape_html(links.tag_url(name))}" rel="tag">{escape_html(name)}</a></li>'
        for name in parse_tags(tags)
    )
    return f'<ul class="tags">{items}</ul>'


def tag_list(tags: str) -> Markup:
    return Markup(tag_list_html(tags))


def suspension_notice(user):
    """The suspension in force on the signed-in user (until, reason), for the banner, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return suspension_state(user)


JINJA_GLOBALS = {
    "user_link": user_link,
    "moderator_mark": moderator_mark,
    "shown_reputation": displayed_reputation,
    "suspension_notice": suspension_notice,
    "suspension_end": suspension_end_text,
    "user_stats": user_stats,
    "tag_list": tag_list,
    "time_tag": time_tag,
    "title_suffix": title_suffix,
}
