"""HTML snippets that pages repeat many times: a user's name, stats and timestamps.

Written in Python rather than as Jinja macros because the question page repeats them for every
card and comment, and a macro call costs several times more than the string it builds
(measured with cProfile on the seed page: macro calls were most of the template's time). Each
is escaped with markupsafe exactly as autoescaping would, and memoised on the card, so a user
who comments five times is formatted once.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from django.utils.text import slugify
from markupsafe import Markup, escape

from quaestio.core.formatting import iso_title, post_date, relative_time, reputation_short

BADGE_CLASSES = (("gold", "gold_badges"), ("silver", "silver_badges"), ("bronze", "bronze_badges"))


def time_tag(moment: datetime, relative: bool = False) -> Markup:
    """`<time>` with the ISO tooltip; the text is the post-date format or always relative."""
    # f-strings, not Markup.format: this runs for every comment. The date strings are ours and
    # hold only digits, letters, spaces and ":-'", but are escaped all the same.
    text = relative_time(moment) if relative else post_date(moment)
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


def comment_items(views, viewer_id: int | None = None, csrf: Markup | str = "") -> Markup:
    """The `<li>` of every comment under a post. Comments are the most repeated block of the
    question page; building them here costs a fraction of the equivalent template loop.
    A signed-in viewer gets an upvote form on others' comments and an edit link on their own."""
    parts = []
    for view in views:
        comment = view.comment
        comment_id = int(comment.id)
        collapsed = " comment-collapsed" if view.collapsed else ""
        count = int(comment.score) if comment.score else ""
        vote = edit = ""
        if viewer_id is not None and viewer_id != comment.user_id:
            vote = (
                f'<form method="post" action="/comments/{comment_id}/vote/up" class="comment-vote-form">{csrf}'
                '<button type="submit" class="comment-up" aria-pressed="false" title="This comment adds something'
                ' useful to the post"><span class="visually-hidden">Upvote comment</span>&#9650;</button></form>'
            )
        elif viewer_id is not None:
            edit = f' <a class="comment-edit" href="/comments/{comment_id}/edit">edit</a>'
        # text_html was sanitised by the renderer when the comment was saved.
        parts.append(
            f'<li class="comment{collapsed}" id="comment-{comment_id}" data-score="{int(comment.score)}">'
            f'<div class="comment-score"><span class="comment-score-count" title="number of \'useful comment\''
            f' votes received">{count}</span>{vote}</div>'
            f'<div class="comment-body"><span class="comment-text">{comment.text_html}</span> &ndash;&nbsp;'
            f'{user_link(view.author)} <a class="comment-date" href="#comment-{comment_id}">'
            f"{time_tag(comment.creation_date)}</a>{edit}</div></li>"
        )
    return Markup("\n".join(parts))


_UP_ARROW = '<svg viewBox="0 0 36 36" aria-hidden="true" width="24" height="24"><path d="M2 26h32L18 10z"/></svg>'
_DOWN_ARROW = '<svg viewBox="0 0 36 36" aria-hidden="true" width="24" height="24"><path d="M2 10h32L18 26z"/></svg>'
_ACCEPTED = (
    '<div class="accepted" title="The question owner accepted this as the best answer">'
    '<svg viewBox="0 0 36 36" width="28" height="28" aria-hidden="true"><path d="M6 14l8 8L30 6v8L14 30l-8-8z"/></svg>'
    '<span class="visually-hidden">Accepted answer</span></div>'
)


def _accept_form(post_id: int, accepted: bool, csrf: Markup) -> str:
    """The asker's toggle: accept this answer, or click again to undo."""
    return (
        f'<form method="post" action="/posts/{post_id}/accept" class="accept-form">{csrf}'
        f'<button type="submit" class="accept{" on" if accepted else ""}" aria-pressed="{"true" if accepted else "false"}"'
        ' title="Accept this answer if it solved your problem (click again to undo)">'
        '<svg viewBox="0 0 36 36" width="28" height="28" aria-hidden="true"><path d="M6 14l8 8L30 6v8L14 30l-8-8z"/></svg>'
        '<span class="visually-hidden">Accept this answer</span></button></form>'
    )


def vote_cell(
    post, kind: str, my_vote: int | None, accepted: bool, csrf: Markup, can_accept: bool = False
) -> Markup:
    """Up/down vote forms (plain POSTs that voting.js enhances), the score, and the accepted
    mark, or for the asker the form that accepts the answer."""
    post_id = int(post.id)
    accept = (
        _accept_form(post_id, accepted, csrf) if can_accept else (_ACCEPTED if accepted else "")
    )
    up_on, down_on = my_vote == 2, my_vote == 3
    return Markup(
        f'<div class="vote-cell" data-post-id="{post_id}">'
        f'<form method="post" action="/posts/{post_id}/vote/up" class="vote-form">{csrf}'
        f'<button type="submit" class="vote-up{" on" if up_on else ""}" aria-pressed="{"true" if up_on else "false"}"'
        f' title="This {kind} is useful and clear"><span class="visually-hidden">Up vote</span>{_UP_ARROW}</button></form>'
        f'<div class="vote-count" itemprop="upvoteCount" aria-label="score {int(post.score)}">{int(post.score)}</div>'
        f'<form method="post" action="/posts/{post_id}/vote/down" class="vote-form">{csrf}'
        f'<button type="submit" class="vote-down{" on" if down_on else ""}" aria-pressed="{"true" if down_on else "false"}"'
        f' title="This {kind} is not useful or unclear"><span class="visually-hidden">Down vote</span>{_DOWN_ARROW}</button></form>'
        f"{accept}</div>"
    )


JINJA_GLOBALS.update({"comment_items": comment_items, "vote_cell": vote_cell})


def user_card(action: str, date: datetime, card, revisions_url: str | None = None) -> Markup:
    """A post signature: "asked/answered/edited <date>" over the person's avatar, name and stats."""
    deleted = " deleted" if card is not None and card.is_deleted else ""
    label = (
        f'<a href="{escape(revisions_url)}">{escape(action)}</a>'
        if revisions_url
        else escape(action)
    )
    person = ""
    if card is not None:
        person = (
            f'<div class="user-info">{avatar(card)}<div class="user-details">'
            f"{user_link(card)}{user_stats(card)}</div></div>"
        )
    return Markup(
        f'<div class="user-card{deleted}"><div class="user-action">{label} {time_tag(date)}</div>{person}</div>'
    )


JINJA_GLOBALS["user_card"] = user_card
