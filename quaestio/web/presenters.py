"""HTML snippets that pages repeat many times: a user's name, stats and timestamps.

Written in Python rather than as Jinja macros because the question page repeats them for every
card and comment, and a macro call costs several times more than the string it builds
(measured with cProfile on the seed page: macro calls were most of the template's time). Each
is escaped with markupsafe exactly as autoescaping would, and memoised on the card, so a user
who comments five times is formatted once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from django.utils.text import slugify
from markupsafe import Markup, escape

from quaestio.core.formatting import (
    RELATIVE_LIMIT,
    absolute_date,
    iso_title,
    post_date,
    relative_time,
    reputation_short,
)

BADGE_CLASSES = (("gold", "gold_badges"), ("silver", "silver_badges"), ("bronze", "bronze_badges"))


def time_tag(moment: datetime, relative: bool = False) -> Markup:
    """`<time>` with the ISO tooltip; the text is the post-date format or always relative."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    now = datetime.now(UTC)
    if relative or now - moment < RELATIVE_LIMIT:
        text = relative_time(moment, now) if relative else post_date(moment, now)
        return _time_element(moment, text)
    # Older dates print the same all year: a thread's dozens of timestamps are formatted once
    # per process, not on every view.
    return _absolute_time_tag(moment, now.year)


@lru_cache(maxsize=16384)
def _absolute_time_tag(moment: datetime, this_year: int) -> Markup:
    return _time_element(moment, absolute_date(moment, this_year))


def _time_element(moment: datetime, text: str) -> Markup:
    # f-strings, not Markup.format: this runs for every comment. The date strings are ours and
    # hold only digits, letters, spaces and ":-'", but are escaped all the same.
    return Markup(
        f'<time datetime="{moment.isoformat()}" title="{iso_title(moment)}">{escape(text)}</time>'
    )


@lru_cache(maxsize=16384)
def slug(text: str) -> str:
    """URL slug of a title or name; cached because the same few recur on every page view."""
    return slugify(text)[:80]


def profile_url(user) -> str:
    return f"/users/{user.id}/{slug(user.display_name) or 'user'}"


def user_link(card) -> Markup:
    """The name as a link to the profile (with ♦ for moderators), or plain text when deleted."""
    cached = getattr(card, "_link_html", None)
    if cached is not None:
        return cached
    user = card.user
    if user is None:
        html = Markup(f'<span class="user-name deleted-user">{escape(card.name)}</span>')
    else:
        html = Markup(
            f'<a class="user-name" href="{escape(profile_url(user))}">{escape(card.name)}</a>'
        )
        if user.is_moderator or user.id == -1:
            html += Markup('<span class="diamond" title="moderator">&#9830;</span>')
    card._link_html = html
    return html


def badge_counts(user) -> Markup:
    parts = []
    for name, field in BADGE_CLASSES:
        count = getattr(user, field)
        if count:
            plural = "" if count == 1 else "s"
            parts.append(
                f'<span class="badge-count" title="{count} {name} badge{plural}"><span class="badge-dot {name}"'
                f' aria-hidden="true"></span><span class="badge-number">{count:,}</span></span>'
            )
    return Markup(" ".join(parts))


def user_stats(card) -> Markup:
    """Reputation (abbreviated, exact figure in the title) and badge counts per class."""
    cached = getattr(card, "_stats_html", None)
    if cached is not None:
        return cached
    user = card.user
    html = Markup("")
    if user is not None:
        html = Markup(
            f'<div class="user-stats"><span class="reputation" title="reputation score {user.reputation:,}">'
            f"{reputation_short(user.reputation)}</span> {badge_counts(user)}</div>"
        )
    card._stats_html = html
    return html


def avatar(card, size: int = 32) -> Markup:
    if card.user is None:
        return Markup(
            f'<span class="avatar avatar-deleted" style="width:{size:d}px;height:{size:d}px" aria-hidden="true"></span>'
        )
    return Markup(
        f'<img class="avatar" src="/avatar/{int(card.user.id)}.svg" width="{size:d}" height="{size:d}" alt="" loading="lazy">'
    )


JINJA_GLOBALS = {
    "time_tag": time_tag,
    "user_link": user_link,
    "user_stats": user_stats,
    "avatar": avatar,
    "badge_counts": badge_counts,
    "profile_url": profile_url,
    "slug": slug,
}


def user_card(action: str, date: datetime, card, revisions_url: str | None = None) -> Markup:
    """A post signature: "asked/answered/edited <date>" over the person's avatar, name and stats."""
    deleted = " deleted" if card is not None and card.is_deleted else ""
    label = (
        f'<a href="{escape(revisions_url)}">{escape(action)}</a>'
        if revisions_url
        else escape(action)
    )
    person = _person(card) if card is not None else ""
    return Markup(
        f'<div class="user-card{deleted}"><div class="user-action">{label} {time_tag(date)}</div>{person}</div>'
    )


def _person(card) -> str:
    """Avatar, name and stats of a card, memoised on it: a thread shows its people many times."""
    cached = getattr(card, "_person_html", None)
    if cached is None:
        cached = card._person_html = (
            f'<div class="user-info">{avatar(card)}<div class="user-details">'
            f"{user_link(card)}{user_stats(card)}</div></div>"
        )
    return cached


JINJA_GLOBALS["user_card"] = user_card
