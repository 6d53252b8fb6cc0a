"""The viewer's part of the question page's thread: the vote cell, the post menu, a comment's
vote button and tools, and "Add a comment" (the slots of web/thread_render.py), and the closed
notice the page and the close/reopen dialogs share.

What every viewer sees alike (posts, bodies, signatures, comments, notices) is in the Jinja
templates under templates/questions/thread/, rendered once per change of the thread and kept. These
pieces are filled into it on every view, for every post and comment, so they are plain Python
formatters: a Jinja macro call costs several times the string it builds. Every value that comes
from a user is escaped here exactly as autoescaping would.

It only formats: what the viewer may do with each post and comment (vote, accept, edit, delete,
undelete, comment, offer a bounty ...) and their current state come decided in the page model
(posts/actions.py, from the policies); nothing here compares reputation, roles or ownership.
Every URL comes from core.links, fetched once per view as patterns (ThreadUrls).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from datetime import datetime
from functools import lru_cache

from django.urls import get_script_prefix

from quaestio.core import links
from quaestio.web.presenters import (
    time_html,
)
from quaestio.web.text import escape_html


@dataclass(slots=True)
class Viewer:
    """Who is looking at the thread, and when. What they may do with each post and comment is
    decided by the page model (posts/actions.py); this holds only what the markup needs."""

    user_id: int | None  # None for an anonymous reader
    csrf: str  # the hidden CSRF input; "" for an anonymous reader, who is sent to log in
    page_path: str  # where logging in to vote comes back to
    now: datetime  # the moment of the view, for every "x mins ago" on the page
    # Worked out once: every post and comment asks.
    signed_in: bool = field(init=False)
    login_next: str = field(init=False)  # page_path, escaped for the login forms' attribute
    prefix: str = field(init=False)  # the script prefix, read once (see core.links)
    urls: ThreadUrls = field(init=False)

    def __post_init__(self) -> None:
        self.signed_in = self.user_id is not None
        self.login_next = escape_html(self.page_path)
        self.prefix = get_script_prefix()
        self.urls = thread_urls(self.prefix)


@dataclass(frozen=True, slots=True)
class ThreadUrls:
    """The thread's links from core.links, escaped for attributes: the per-post and per-comment
    ones as patterns to format with the id (`urls.edit % post_id`)."""

    login: str
    signup: str
    ask: str
    question_short: str
    answer_short: str
    vote_up: str
    vote_down: str
    accept: str
    edit: str
    revisions: str
    delete: str
    undelete: str
    bounty: str
    comment_new: str
    comment_vote: str
    comment_edit: str
    comment_delete: str
    close: str
    reopen: str
    lock: str
    unlock: str
    protect: str
    unprotect: str
    notice: str
    citation_needed: str
    vote_delete: str
    vote_undelete: str
    timeline: str
    flag: str
    comment_flag: str
    community_wiki: str
    moderate: str


@lru_cache(maxsize=8)
def thread_urls(prefix: str) -> ThreadUrls:
    """Once per script prefix (the key; core.links reads the same one)."""
    post = links.post_action_pattern
    comment = links.comment_action_pattern
    urls = ThreadUrls(
        login=links.page_url("login"),
        signup=links.page_url("signup"),
        ask=links.page_url("ask"),
        question_short=links.question_short_pattern(),
        answer_short=links.answer_pattern(),
        vote_up=links.post_vote_pattern("up"),
        vote_down=links.post_vote_pattern("down"),
        accept=post("accept"),
        edit=post("edit"),
        revisions=post("revisions"),
        delete=post("delete"),
        undelete=post("undelete"),
        bounty=post("bounty"),
        comment_new=post("comment"),
        comment_vote=comment("vote"),
        comment_edit=comment("edit"),
        comment_delete=comment("delete"),
        close=post("close"),
        reopen=post("reopen"),
        lock=post("lock"),
        unlock=post("unlock"),
        protect=post("protect"),
        unprotect=post("unprotect"),
        notice=post("notice"),
        citation_needed=post("citation_needed"),
        vote_delete=post("vote_delete"),
        vote_undelete=post("vote_undelete"),
        timeline=post("timeline"),
        flag=post("flag"),
        comment_flag=comment("flag"),
        community_wiki=post("community_wiki"),
        moderate=post("moderate"),
    )
    # "%d" in the id's place: formatting an int with % costs less than str.format per link.
    return ThreadUrls(
        *(escape_html(url).replace("%", "%%").replace("{id}", "%d") for url in astuple(urls))
    )


_UP_ARROW = '<svg viewBox="0 0 36 36" aria-hidden="true" width="24" height="24"><path d="M2 26h32L18 10z"/></svg>'
_DOWN_ARROW = '<svg viewBox="0 0 36 36" aria-hidden="true" width="24" height="24"><path d="M2 10h32L18 26z"/></svg>'
_CHECK = '<svg viewBox="0 0 36 36" width="28" height="28" aria-hidden="true"><path d="M6 14l8 8L30 6v8L14 30l-8-8z"/></svg>'
_ACCEPTED = (
    '<div class="accepted" title="The question owner accepted this as the best answer">'
    f'{_CHECK}<span class="visually-hidden">Accepted answer</span></div>'
)


def _pressed(on: bool) -> str:
    return f'{" on" if on else ""}" aria-pressed="{"true" if on else "false"}"'


def _intent(state: str) -> str:
    """What a form asks to be true (web/views/voting.py): a post sent twice cannot undo itself.
    From what the page shows; voting.js sets it again from the buttons' state when it posts."""
    return f'<input type="hidden" name="intent" value="{state}">'


def _refused(verdict) -> str:
    """A button the viewer may not use: shown (so the score and their vote read as always),
    marked disabled, with the policy's reason as its tooltip, which voting.js shows on a click
    as it shows a refused vote's."""
    reason = escape_html(verdict.reason)
    return f' aria-disabled="true" title="{reason}" data-refusal="{reason}"'


def _accept_form(post_id: int, accepted: bool, viewer: Viewer) -> str:
    """The asker's toggle: accept this answer, or click again to undo."""
    return (
        f'<form method="post" action="{viewer.urls.accept % post_id}"'
        f' class="accept-form">{viewer.csrf}{_intent("unaccept" if accepted else "accept")}<button type="submit" class="accept{_pressed(accepted)}'
        ' title="Accept this answer if it solved your problem (click again to undo)">'
        f'{_CHECK}<span class="visually-hidden">Accept this answer</span></button></form>'
    )


def _anchor(post_id: int, kind: str) -> str:
    return "question" if kind == "question" else f"answer-{post_id}"


@lru_cache(maxsize=8)
def _vote_parts(direction: str, kind: str) -> tuple[str, str, str]:
    """The class, title and inside of a vote button, the same on every post of a kind."""
    if direction == "up":
        css, title, label, arrow = "vote-up", "useful and clear", "Up vote", _UP_ARROW
    else:
        css, title, label, arrow = "vote-down", "not useful or unclear", "Down vote", _DOWN_ARROW
    return (
        css,
        f"This {kind} is {title}",
        f'<span class="visually-hidden">{label}</span>{arrow}</button>',
    )


def _vote_button(viewer: Viewer, post_id: int, kind: str, direction: str, verdict, on: bool) -> str:
    """A vote button. A signed-in reader's posts the vote when the policy allows it and is
    disabled with the reason when not; an anonymous reader's leads to the login page and back
    here, as Stack Exchange asks visitors to log in to vote. Anonymous pages thus carry no CSRF
    token: no per-visitor secret is minted for a reader who cannot write, and the page is the
    same for every visitor."""
    css, title, button = _vote_parts(direction, kind)
    if not viewer.signed_in:
        return (
            f'<form method="get" action="{viewer.urls.login}" class="vote-form">'
            f'<input type="hidden" name="next" value="{viewer.login_next}#{_anchor(post_id, kind)}">'
            f'<button type="submit" class="{css}" aria-pressed="false" title="{title}">'
            f"{button}</form>"
        )
    if not verdict.allowed:
        return f'<button type="button" class="{css}{_pressed(on)}{_refused(verdict)}>{button}'
    action = (viewer.urls.vote_up if direction == "up" else viewer.urls.vote_down) % post_id
    return (
        f'<form method="post" action="{action}"'
        f' class="vote-form">{viewer.csrf}{_intent("none" if on else direction)}'
        f'<button type="submit" class="{css}{_pressed(on)}'
        f' title="{title}">{button}</form>'
    )


def vote_cell(post, kind: str, actions, viewer: Viewer) -> str:
    """Up/down vote buttons (plain POSTs that voting.js enhances) around the score, and the
    accepted mark, or for the asker the form that accepts the answer."""
    post_id = int(post.id)
    score = int(post.score)
    if actions.accept.allowed:
        accept = _accept_form(post_id, actions.accepted, viewer)
    else:
        accept = _ACCEPTED if actions.accepted else ""
    up = _vote_button(viewer, post_id, kind, "up", actions.vote_up, actions.vote == 2)
    down = _vote_button(viewer, post_id, kind, "down", actions.vote_down, actions.vote == 3)
    return (
        f'<div class="vote-cell" data-post-id="{post_id}">{up}'
        f'<div class="vote-count" itemprop="upvoteCount" aria-label="score {score}">{score}</div>'
        f"{down}{accept}</div>"
    )


@lru_cache(maxsize=64)
def _licence_link(licence: str, kind: str) -> str:
    """The post's CC BY-SA version, linked to its deed, as Stack Exchange credits each post."""
    if not licence:
        return ""
    version = escape_html(licence.split()[-1])
    licence = escape_html(licence)
    return (
        f'<a class="licence" href="https://creativecommons.org/licenses/by-sa/{version}/" rel="license"'
        f' title="This {kind} is licensed under {licence}">{licence}</a>'
    )


def post_menu(post, kind: str, actions, urls: ThreadUrls) -> str:
    """Share and History for everyone; Edit, Delete, Undelete and Bounty where allowed. The
    URLs are escaped already (ThreadUrls)."""
    post_id = int(post.id)
    share = (urls.question_short if kind == "question" else urls.answer_short) % post_id
    edit = ""
    if actions.edit.allowed:
        edit = f' <a href="{urls.edit % post_id}">Edit</a>'
    elif actions.suggest_edit.allowed:
        edit = f' <a href="{urls.edit % post_id}" title="Suggest an edit for review">Edit</a>'
    more = ""
    if actions.delete.allowed:
        more += f' <a href="{urls.delete % post_id}">Delete</a>'
    if actions.undelete.allowed:
        more += f' <a href="{urls.undelete % post_id}">Undelete</a>'
    if actions.offer_bounty.allowed:
        more += f' <a href="{urls.bounty % post_id}">Bounty</a>'
    more += _curation_links(post, actions, urls)
    return (
        f'<div class="post-menu"><a href="{share}" title="Short permalink to this {kind}">Share</a>'
        f'{edit} <a href="{urls.revisions % post_id}">History</a>'
        f' <a href="{urls.timeline % post_id}">Timeline</a>{more}'
        f"{_licence_link(post.content_license, kind)}</div>"
    )


def _counted(label: str, votes: int) -> str:
    return f"{label} ({votes})" if votes else label


def _curation_links(post, actions, urls: ThreadUrls) -> str:
    """Close or Reopen (with the standing votes the viewer may see), delete votes, Lock,
    Protect and Notice, as decided in the page model."""
    post_id = int(post.id)
    links_html = ""
    if actions.close.allowed:
        close = _counted("Close", actions.close_votes)
        links_html += f' <a href="{urls.close % post_id}">{close}</a>'
    if actions.reopen.allowed:
        reopen = _counted("Reopen", actions.close_votes)
        links_html += f' <a href="{urls.reopen % post_id}">{reopen}</a>'
    if actions.vote_delete.allowed:
        vote_delete = _counted("Vote to delete", actions.delete_votes)
        links_html += f' <a href="{urls.vote_delete % post_id}">{vote_delete}</a>'
    if actions.vote_undelete.allowed:
        vote_undelete = _counted("Vote to undelete", actions.undelete_votes)
        links_html += f' <a href="{urls.vote_undelete % post_id}">{vote_undelete}</a>'
    if actions.lock.allowed:
        if post.locked_date:
            links_html += f' <a href="{urls.unlock % post_id}">Unlock</a>'
        else:
            links_html += f' <a href="{urls.lock % post_id}">Lock</a>'
    if actions.protect.allowed:
        if post.protected_date:
            links_html += f' <a href="{urls.unprotect % post_id}">Unprotect</a>'
        else:
            links_html += f' <a href="{urls.protect % post_id}">Protect</a>'
    if actions.notice.allowed:
        links_html += f' <a href="{urls.notice % post_id}">Notice</a>'
    if actions.citation_needed.allowed:
        links_html += (
            f' <a class="citation-needed-link" href="{urls.citation_needed % post_id}"'
            ' title="Vote that this answer needs citations">Citation needed</a>'
        )
    if actions.flag.allowed:
        links_html += f' <a class="flag-link" href="{urls.flag % post_id}">Flag</a>'
    if actions.make_wiki.allowed:
        links_html += f' <a href="{urls.community_wiki % post_id}">Community wiki</a>'
    if actions.moderator_tools.allowed:
        links_html += f' <a href="{urls.moderate % post_id}">Mod tools</a>'
    return links_html


def comment_vote(comment_id: int, actions, viewer: Viewer) -> str:
    """The "useful comment" button: a form where the viewer may cast or take back the vote,
    their standing vote shown pressed either way."""
    on = actions.upvoted
    button = '<span class="visually-hidden">Upvote comment</span>&#9650;</button>'
    if actions.upvote.allowed:
        return (
            f'<form method="post" action="{viewer.urls.comment_vote % comment_id}"'
            f' class="comment-vote-form">{viewer.csrf}{_intent("none" if on else "up")}'
            '<button type="submit" class="comment-up"'
            f' aria-pressed="{"true" if on else "false"}" title="This comment adds something'
            f' useful to the post">{button}</form>'
        )
    if on:
        return (
            f'<button type="button" class="comment-up" aria-pressed="true"'
            f"{_refused(actions.upvote)}>{button}"
        )
    return ""


def comment_tools(comment_id: int, actions, viewer: Viewer) -> str:
    tools = ""
    if actions.edit.allowed:
        url = viewer.urls.comment_edit % comment_id
        tools += f' <a class="comment-edit" href="{url}">edit</a>'
    if actions.delete.allowed:
        url = viewer.urls.comment_delete % comment_id
        tools += (
            f' <form method="post" action="{url}" class="comment-delete-form">{viewer.csrf}'
            '<button type="submit" class="comment-delete" title="Delete this comment">'
            "delete</button></form>"
        )
    if actions.flag.allowed:
        url = viewer.urls.comment_flag % comment_id
        tools += f' <a class="flag-link comment-flag" href="{url}">flag</a>'
    return tools


def add_comment_link(post_id: int, actions, viewer: Viewer) -> str:
    """ "Add a comment" under a post, where the viewer may comment."""
    if not actions.comment.allowed:
        return ""
    return f'<a class="add-comment" href="{viewer.urls.comment_new % post_id}">Add a comment</a>'


def closed_notice_html(notice, now: datetime) -> str:
    """The notice above a closed question, for the question page and the close and reopen
    dialogs alike (a Jinja global, `closed_notice`)."""
    out: list[str] = []
    _closed_notice(out, notice, now)
    return "".join(out)


def _closed_notice(out: list[str], notice, now: datetime) -> None:
    """The notice above a closed question (moderation.selectors.ClosedNotice): for a duplicate
    its originals, the reason's public text, the asker's guidance, who closed it and when."""
    if notice is None:
        return
    out.append('<aside class="notice closed-notice" role="note" aria-label="Closed">\n')
    if notice.is_duplicate and notice.originals:
        out.append(
            "<p><strong>This question already has answers here:</strong></p>"
            '<ul class="duplicate-originals">'
        )
        for original in notice.originals:
            count = int(original.answer_count)
            out.append(f'<li><a href="{escape_html(original.url)}">')
            out.append(escape_html(original.title))
            out.append(
                f'</a> <span class="answer-count">({count} answer{"" if count == 1 else "s"})'
                "</span></li>"
            )
        out.append("</ul>\n")
    out.append("<p><strong>Closed.</strong> ")
    out.append(escape_html(notice.text))
    out.append("</p>\n")
    if notice.owner_guidance:
        out.append('<p class="owner-guidance">Want to improve this question? ')
        out.append(escape_html(notice.owner_guidance))
        out.append("</p>\n")
    closers = []
    for closer in notice.closed_by:
        name = escape_html(closer.display_name)
        if closer.url:
            name = f'<a href="{escape_html(closer.url)}">{name}</a>'
        closers.append(name + ("&#9830;" if closer.is_moderator else ""))
    by = f" by {', '.join(closers)}" if closers else ""
    out.append(f'<p class="closed-by">Closed {time_html(notice.closed_date, now)}')
    out.append(f"{by}.</p>\n</aside>\n")
