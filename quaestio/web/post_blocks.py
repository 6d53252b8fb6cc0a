"""The question page's thread as HTML: header, posts (vote cell, body, tags, menu, signatures,
comments), the answers with their sort choices, the answer form and the sidebar.

Built in Python rather than in Jinja because a thread repeats these blocks for the question,
every answer and every comment, and Jinja's machinery (a context lookup, an attribute getter and
an escape call for every value, a Markup for every piece) was most of the page's cost; the
surrounding page (head, top bar, footer) stays in base.html. Every value that comes from a user
is escaped here exactly as autoescaping would; post bodies and comment HTML were sanitised by the
renderer when saved.

It only formats: what the viewer may do with each post and comment (vote, accept, edit, delete,
undelete, comment, offer a bounty ...) and their current state come decided in the page model
(posts/actions.py, from the policies); nothing here compares reputation, roles or ownership.
Every URL comes from core.links, fetched once per view as patterns (ThreadUrls).

The builders append to one list of parts, and `ascii_runs` joins them into as few pieces as
keep every non-ASCII text (a body with a curly quote, a name with an accent) on its own: CPython
copies and encodes pure-ASCII text with memcpy, but a string holding a single "é" is widened and
encoded to UTF-8 a character at a time, so joining a whole post around one body made all of it
slow (callgrind, bench/wsgi_requests.py on the seed thread). Bodies, titles and names are parts
of their own; a comment, being short, is one part with its text and author inside.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from datetime import datetime
from functools import lru_cache

from django.urls import get_script_prefix

from quaestio.core import links
from quaestio.core.formatting import number_short, relative_time
from quaestio.posts.models import title_suffix
from quaestio.web.presenters import (
    tag_list_html,
    time_html,
    user_card_html,
    user_link_html,
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
    vote_delete: str
    vote_undelete: str
    timeline: str
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
        vote_delete=post("vote_delete"),
        vote_undelete=post("vote_undelete"),
        timeline=post("timeline"),
        moderate=post("moderate"),
    )
    # "%d" in the id's place: formatting an int with % costs less than str.format per link.
    return ThreadUrls(
        *(escape_html(url).replace("%", "%%").replace("{id}", "%d") for url in astuple(urls))
    )


def ascii_runs(parts: list[str]) -> list[str]:
    """The parts joined into runs of pure-ASCII text, each non-ASCII part kept apart."""
    runs: list[str] = []
    pending: list[str] = []
    for part in parts:
        if part.isascii():
            pending.append(part)
            continue
        if pending:
            runs.append("".join(pending))
            pending = []
        runs.append(part)
    if pending:
        runs.append("".join(pending))
    return runs


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
        links_html += f' <a href="{urls.vote_delete % post_id}">Vote to delete</a>'
    if actions.vote_undelete.allowed:
        links_html += f' <a href="{urls.vote_undelete % post_id}">Vote to undelete</a>'
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
    if actions.moderator_tools.allowed:
        links_html += f' <a href="{urls.moderate % post_id}">Mod tools</a>'
    return links_html


def signatures(block, kind: str, viewer: Viewer) -> str:
    """ "edited <date>" (with the editor's card when not the owner), then "asked/answered"."""
    post = block.post
    now, prefix = viewer.now, viewer.prefix
    revisions = viewer.urls.revisions % int(post.id)
    edited = ""
    if post.last_edit_date:
        if block.editor is not None:
            edited = user_card_html(
                "edited", post.last_edit_date, block.editor, now, revisions, prefix
            )
        else:
            edited = (
                f'<div class="user-card edited-only"><div class="user-action">'
                f'<a href="{revisions}">edited</a> {time_html(post.last_edit_date, now)}'
                "</div></div>"
            )
    if post.community_owned_date:
        owner = (
            '<div class="user-card owner cw"><div class="user-action">community wiki</div></div>'
        )
    else:
        action = "asked" if kind == "question" else "answered"
        owner = user_card_html(action, post.creation_date, block.owner, now, prefix=prefix)
    return f'<div class="signatures">{edited}{owner}</div>'


def _comment_vote(comment_id: int, actions, viewer: Viewer) -> str:
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


def _comment_tools(comment_id: int, actions, viewer: Viewer) -> str:
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
    return tools


def comment_items(out: list[str], views, viewer: Viewer) -> None:
    """The `<li>` of every comment under a post, with the upvote, edit and delete the viewer
    may use (each comment's actions, decided by the page model).

    Each comment is one piece, its text and author inside: a comment is short, so one holding
    a non-ASCII character is encoded a character at a time at little cost (see ascii_runs), and
    a piece per comment rather than five keeps the thread's pieces few."""
    now = viewer.now
    signed_in = viewer.signed_in
    for view in views:
        comment = view.comment
        comment_id = int(comment.id)
        score = int(comment.score)
        vote = tools = ""
        if signed_in:
            vote = _comment_vote(comment_id, view.actions, viewer)
            tools = _comment_tools(comment_id, view.actions, viewer)
        # text_html was sanitised by the renderer when the comment was saved.
        out.append(
            f'<li class="comment{" comment-collapsed" if view.collapsed else ""}" id="comment-{comment_id}"'
            f' data-score="{score}"><div class="comment-score"><span class="comment-score-count"'
            f""" title="number of 'useful comment' votes received">{score or ""}</span>{vote}</div>"""
            f'<div class="comment-body"><span class="comment-text">{comment.text_html}</span>'
            f" &ndash;&nbsp;{user_link_html(view.author, viewer.prefix)}"
            f' <a class="comment-date" href="#comment-{comment_id}">'
            f"{time_html(comment.creation_date, now)}</a>{tools}</div></li>\n"
        )


def comment_list(out: list[str], block, viewer: Viewer) -> None:
    """Every comment, oldest first; those beyond the shown few are collapsed behind a link that
    works without JavaScript (the #comments anchor + :target CSS) and with it (comments.js)."""
    post_id = int(block.post.id)
    hidden = block.hidden_comment_count
    out.append(f'<div class="comments{" has-hidden" if hidden else ""}" id="comments-{post_id}">')
    if block.comments:
        out.append('<ul class="comment-list">')
        comment_items(out, block.comments, viewer)
        out.append("</ul>")
    show_more = ""
    if hidden:
        plural = "s" if hidden != 1 else ""
        show_more = (
            f'<a class="show-comments" href="#comments-{post_id}" data-post-id="{post_id}">'
            f"Show <b>{hidden}</b> more comment{plural}</a> "
        )
    add = ""
    if block.actions.comment.allowed:
        url = viewer.urls.comment_new % post_id
        add = f'<a class="add-comment" href="{url}">Add a comment</a>'
    out.append(f'<div class="comment-actions">{show_more}{add}</div></div>')


def _deletion_notice(block, viewer: Viewer) -> str:
    """On a deleted post its owner or a moderator is shown: who deleted it, and when."""
    if block.deletion is None:
        return '<p class="deleted-notice">This post is deleted.</p>'
    return (
        f'<p class="deleted-notice">Deleted by {user_link_html(block.deleted_by, viewer.prefix)}'
        f" {time_html(block.deletion.date, viewer.now)}.</p>"
    )


def post_block(out: list[str], block, kind: str, viewer: Viewer) -> None:
    """One post of the thread, "question" or "answer", as the reader sees it."""
    post = block.post
    actions = block.actions
    tags = tag_list_html(post.tags, viewer.prefix) if kind == "question" else ""
    deleted = _deletion_notice(block, viewer) if post.deletion_date else ""
    boxes = _state_boxes(block.state, viewer.now)
    out.append(
        f'<div class="post-layout">{vote_cell(post, kind, actions, viewer)}<div class="post-cell">'
        f'{deleted}{boxes}<div class="post-body s-prose">'
    )
    out.append(post.body)
    out.append(
        f"</div>{tags}"
        f'<div class="post-footer">{post_menu(post, kind, actions, viewer.urls)}{signatures(block, kind, viewer)}</div></div>'
    )
    comment_list(out, block, viewer)
    out.append("</div>")


@lru_cache(maxsize=4096)
def _question_href(prefix: str, question_id: int, title: str) -> str:
    # The prefix is part of the key: core.links reads the same one.
    return escape_html(links.question_url(question_id, title))


def sidebar_questions(out: list[str], rows, prefix: str) -> None:
    """The Linked or Related list: each question's score (marked when it has an accepted
    answer) and its title linked to it."""
    out.append("<ul>")
    for row in rows:
        answered = " answered-accepted" if row.accepted_answer_id else ""
        question_id = int(row.id)
        title = escape_html(row.title)
        out.append(
            f'<li><span class="mini-score{answered}">{int(row.score)}</span> '
            f'<a href="{_question_href(prefix, question_id, row.title)}">'
        )
        out.append(title)
        out.append("</a></li>")
    out.append("</ul>")


def _question_header(out: list[str], page, canonical: str, viewer: Viewer) -> None:
    now = viewer.now
    question = page.question.post
    views = question.view_count or 0
    bounty = ""
    if page.bounty is not None:
        bounty = (
            f' <span class="bounty-award" title="This question has an open bounty worth'
            f' {page.bounty.amount:,} reputation">+{page.bounty.amount:,}</span>'
        )
    out.append(
        '<div class="question-header">\n  <h1 class="question-title">'
        f'<a href="{escape_html(canonical)}">'
    )
    out.append(escape_html(question.title))
    out.append(
        f"{title_suffix(question.closed_date, question.close_reason)}</a></h1>\n"
        f'  <a class="button ask" href="{viewer.urls.ask}">Ask Question</a>\n'
        "</div>\n"
        '<div class="question-meta">\n'
        f"  <span>Asked {time_html(question.creation_date, now, relative=True)}</span>\n"
        f"  <span>Modified {time_html(question.last_activity_date, now, relative=True)}</span>\n"
        f'  <span>Viewed <span title="{views:,} view{"" if views == 1 else "s"}">'
        f"{escape_html(number_short(views))}</span> time{'' if views == 1 else 's'}</span>{bounty}\n"
        "</div>\n"
    )


def _bounty_notice(out: list[str], bounty, viewer: Viewer) -> None:
    """Stack Exchange's notice under the title of a question with an open bounty."""
    if bounty is None:
        return
    out.append(
        '<aside class="notice bounty" role="note"><p><strong>Bounty.</strong> This question has'
        f" an open bounty worth +{bounty.amount:,} reputation from "
    )
    out.append(user_link_html(bounty.offerer, viewer.prefix))
    out.append(
        f' ending <time datetime="{bounty.ends_at.isoformat()}">'
        f"{escape_html(relative_time(bounty.ends_at, viewer.now))}</time>.</p></aside>\n"
    )


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


def _protected_notice(out: list[str], state, now: datetime) -> None:
    if state is None or state.protection is None:
        return
    out.append(
        '<aside class="notice protected" role="note">'
        f"<p>{escape_html(state.protection.text)}</p>"
        f'<p class="protected-since">Protected {time_html(state.protection.since, now)}.</p>'
        "</aside>\n"
    )


def _state_boxes(state, now: datetime) -> str:
    """A post's lock and post notice (moderation.post_states), above its body."""
    if state is None:
        return ""
    boxes = ""
    if state.lock is not None:
        lock = state.lock
        text = f" {escape_html(lock.notice)}" if lock.notice else ""
        until = (
            f" Until {time_html(lock.until, now)}."
            if lock.until
            else " Until a moderator unlocks it."
        )
        boxes += (
            f'<aside class="notice locked" role="note"><p><strong>Locked'
            f" ({escape_html(lock.title)}).</strong>{text}{until}</p></aside>"
        )
    if state.notice is not None:
        notice = state.notice
        boxes += (
            f'<aside class="notice post-notice" role="note"><p><strong>'
            f"{escape_html(notice.title)}</strong> ({time_html(notice.date, now)}): "
            f"{escape_html(notice.text)}</p></aside>"
        )
    return boxes


@lru_cache(maxsize=16)
def _sort_options(sorts: tuple[tuple[str, str], ...], selected: str) -> str:
    return "".join(
        f'<option value="{escape_html(key)}"{" selected" if key == selected else ""}>'
        f"{escape_html(label)}</option>"
        for key, label in sorts
    )


def _answers_section(out: list[str], page, viewer: Viewer, sorts: dict, canonical: str) -> None:
    count = sum(1 for block in page.answers if not block.post.deletion_date)
    options = _sort_options(tuple(sorts.items()), page.sort)
    out.append(
        '<section class="answers" id="answers" aria-labelledby="answers-header">\n'
        '    <div class="answers-header">\n'
        f'      <h2 id="answers-header">{count} Answer{"s" if count != 1 else ""}</h2>\n'
        f'      <form method="get" action="{escape_html(canonical)}#answers" class="answer-sort">\n'
        '        <label for="answer-sort">Sorted by:</label>\n'
        f'        <select id="answer-sort" name="answertab">{options}</select>\n'
        '        <noscript><button type="submit">Sort</button></noscript>\n'
        "      </form>\n    </div>\n"
    )
    for block in page.answers:
        post_id = int(block.post.id)
        accepted = " accepted-answer" if post_id == page.accepted_answer_id else ""
        if block.post.deletion_date:
            accepted += " deleted-post"
        out.append(
            f'<article class="answer{accepted}" id="answer-{post_id}" data-post-id="{post_id}"'
            f' data-score="{int(block.post.score)}">\n'
        )
        post_block(out, block, "answer", viewer)
        out.append("\n</article>\n")
    out.append("</section>\n")


def _answer_form(out: list[str], page, viewer: Viewer) -> None:
    out.append('<section class="your-answer">\n    <h2>Your Answer</h2>\n')
    question_id = int(page.question.post.id)
    if page.can_answer.allowed:
        action = escape_html(links.page_url("answer", question_id))
        out.append(
            f'<form method="post" action="{action}" id="answer-form" class="post-form" data-once>\n'
            f"  {viewer.csrf}\n"
            '  <div class="field editor">\n'
            '    <label for="wmd-input" class="visually-hidden">Your answer</label>\n'
            '    <textarea id="wmd-input" name="body" rows="10" maxlength="30000" required data-preview-target="wmd-preview"></textarea>\n'
            '    <p class="char-count" data-char-count aria-live="polite"></p>\n'
            '    <div id="wmd-preview" class="s-prose preview" aria-live="polite"></div>\n'
            "  </div>\n"
            '  <p><button type="submit" class="primary">Post Your Answer</button>'
            f' <a href="{action}">Open the full editor</a></p>\n'
            "</form>\n"
        )
    elif viewer.signed_in:
        out.append(f"<p>{escape_html(page.can_answer.reason)}</p>\n")
    else:
        out.append(
            f'<p><a href="{viewer.urls.signup}">Sign up</a> or'
            f' <a href="{viewer.urls.login}">log in</a> to answer this question.</p>\n'
        )
    out.append("</section>\n")


def _attribution(out: list[str], question, authors: list[str]) -> None:
    """Content that came from Stack Exchange credits its site, its authors and its licence."""
    if not question.imported_from:
        return
    out.append(
        '<aside class="attribution" role="note">\n'
        f"    <p>This question and its answers were first published on {escape_html(question.imported_from)}."
        " Authors:\n    "
    )
    out.append(escape_html(", ".join(authors)))
    out.append(
        ', with the commenters named on this page. Licensed under\n    <a href="https://creativecommons.org/licenses/by-sa/4.0/"'
        ' rel="license">CC BY-SA</a> (version per post, shown beside each).</p>\n  </aside>\n'
    )


def _sidebar(out: list[str], page, prefix: str) -> None:
    out.append('<aside class="sidebar" aria-label="Related content">\n')
    for css, heading, rows in (
        ("linked", "Linked", page.linked),
        ("related", "Related", page.related),
    ):
        if rows:
            out.append(f'<section class="sidebar-box {css}"><h2>{heading}</h2>\n')
            sidebar_questions(out, rows, prefix)
            out.append("\n</section>\n")
    out.append("</aside>\n")


def thread_html(page, viewer: Viewer, sorts: dict, canonical: str, authors: list[str]) -> list[str]:
    """The page's main content, question to sidebar, as pieces ready to be written out."""
    question = page.question.post
    out: list[str] = [
        '<div class="question-page" itemscope itemtype="https://schema.org/QAPage">\n'
    ]
    _question_header(out, page, canonical, viewer)
    out.append('<div class="question-grid">\n<div class="mainbar">\n')
    _bounty_notice(out, page.bounty, viewer)
    _closed_notice(out, page.closed_notice, viewer.now)
    _protected_notice(out, page.question.state, viewer.now)
    deleted = " deleted-post" if question.deletion_date else ""
    out.append(
        f'<article class="question{deleted}" id="question" data-post-id="{int(question.id)}">\n'
    )
    post_block(out, page.question, "question", viewer)
    out.append("\n</article>\n")
    _answers_section(out, page, viewer, sorts, canonical)
    _answer_form(out, page, viewer)
    _attribution(out, question, authors)
    out.append("</div>\n")
    _sidebar(out, page, viewer.prefix)
    out.append("</div>\n</div>\n")
    return ascii_runs(out)
