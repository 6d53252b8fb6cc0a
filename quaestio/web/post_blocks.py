"""The question page's thread as HTML: header, posts (vote cell, body, tags, menu, signatures,
comments), the answers with their sort choices, the answer form and the sidebar.

Built in Python rather than in Jinja because a thread repeats these blocks for the question,
every answer and every comment, and Jinja's machinery (a context lookup, an attribute getter and
an escape call for every value, a Markup for every piece) was most of the page's cost; the
surrounding page (head, top bar, footer) stays in base.html. Every value that comes from a user
is escaped here exactly as autoescaping would; post bodies and comment HTML were sanitised by the
renderer when saved.

The builders append to one list of parts, and `ascii_runs` joins them into as few pieces as
keep every non-ASCII text (a body with a curly quote, a name with an accent) on its own: CPython
copies and encodes pure-ASCII text with memcpy, but a string holding a single "é" is widened and
encoded to UTF-8 a character at a time, so joining a whole post around one body made all of it
slow (callgrind, bench/wsgi_requests.py on the seed thread). Bodies, titles and names are parts
of their own; a comment, being short, is one part with its text and author inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from quaestio.core.formatting import number_short
from quaestio.posts.models import DUPLICATE_REASONS
from quaestio.reputation.privileges import threshold
from quaestio.web.presenters import (
    slug,
    tag_list_html,
    time_html,
    user_card_html,
    user_link_html,
)
from quaestio.web.text import escape_html


@dataclass(slots=True)
class Viewer:
    """Who is looking at the thread, and when: what of the page depends on them, computed once."""

    user_id: int | None  # None for an anonymous reader
    csrf: str  # the hidden CSRF input; "" for an anonymous reader, who is sent to log in
    question_owner_id: int | None
    page_path: str  # where logging in to vote comes back to
    accepted_answer_id: int | None
    now: datetime  # the moment of the view, for every "x mins ago" on the page
    votes: dict[int, int] = field(default_factory=dict)  # post id -> 2 (up) or 3 (down)
    # Worked out once: every post and comment asks.
    signed_in: bool = field(init=False)
    login_next: str = field(init=False)  # page_path, escaped for the login forms' attribute

    def __post_init__(self) -> None:
        self.signed_in = self.user_id is not None
        self.login_next = escape_html(self.page_path)


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


def _accept_form(post_id: int, accepted: bool, csrf: str) -> str:
    """The asker's toggle: accept this answer, or click again to undo."""
    return (
        f'<form method="post" action="/posts/{post_id}/accept" class="accept-form">{csrf}'
        f'<button type="submit" class="accept{_pressed(accepted)}'
        ' title="Accept this answer if it solved your problem (click again to undo)">'
        f'{_CHECK}<span class="visually-hidden">Accept this answer</span></button></form>'
    )


def _anchor(post_id: int, kind: str) -> str:
    return "question" if kind == "question" else f"answer-{post_id}"


def _vote_form(viewer: Viewer, post_id: int, kind: str, direction: str) -> str:
    """The opening of a vote form. A signed-in reader's posts the vote; an anonymous reader's
    leads to the login page and back here, as Stack Exchange asks visitors to log in to vote.
    Anonymous pages thus carry no CSRF token: no per-visitor secret is minted for a reader
    who cannot write, and the page is the same for every visitor."""
    if viewer.signed_in:
        return f'<form method="post" action="/posts/{post_id}/vote/{direction}" class="vote-form">{viewer.csrf}'
    return (
        '<form method="get" action="/users/login" class="vote-form">'
        f'<input type="hidden" name="next" value="{viewer.login_next}#{_anchor(post_id, kind)}">'
    )


def vote_cell(post, kind: str, viewer: Viewer) -> str:
    """Up/down vote forms (plain POSTs that voting.js enhances), the score, and the accepted
    mark, or for the asker the form that accepts the answer."""
    post_id = int(post.id)
    score = int(post.score)
    accepted = kind == "answer" and post_id == viewer.accepted_answer_id
    if kind == "answer" and viewer.signed_in and viewer.user_id == viewer.question_owner_id:
        accept = _accept_form(post_id, accepted, viewer.csrf)
    else:
        accept = _ACCEPTED if accepted else ""
    my_vote = viewer.votes.get(post_id)
    up = _vote_form(viewer, post_id, kind, "up")
    down = _vote_form(viewer, post_id, kind, "down")
    return (
        f'<div class="vote-cell" data-post-id="{post_id}">{up}'
        f'<button type="submit" class="vote-up{_pressed(my_vote == 2)}'
        f' title="This {kind} is useful and clear"><span class="visually-hidden">Up vote</span>{_UP_ARROW}</button></form>'
        f'<div class="vote-count" itemprop="upvoteCount" aria-label="score {score}">{score}</div>{down}'
        f'<button type="submit" class="vote-down{_pressed(my_vote == 3)}'
        f' title="This {kind} is not useful or unclear"><span class="visually-hidden">Down vote</span>{_DOWN_ARROW}</button></form>'
        f"{accept}</div>"
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


def post_menu(post, kind: str, viewer: Viewer) -> str:
    post_id = int(post.id)
    short = "q" if kind == "question" else "a"
    own = viewer.signed_in and post.owner_id == viewer.user_id
    delete = f'<a href="/posts/{post_id}/delete">Delete</a>' if own else ""
    bounty = (
        f'<a href="/posts/{post_id}/bounty">Bounty</a>'
        if kind == "question" and viewer.signed_in
        else ""
    )
    return (
        f'<div class="post-menu"><a href="/{short}/{post_id}" title="Short permalink to this {kind}">Share</a>'
        f' <a href="/posts/{post_id}/edit">Edit</a> <a href="/posts/{post_id}/revisions">History</a>'
        f" {delete}{bounty}{_licence_link(post.content_license, kind)}</div>"
    )


def signatures(block, kind: str, now: datetime) -> str:
    """ "edited <date>" (with the editor's card when not the owner), then "asked/answered"."""
    post = block.post
    revisions = f"/posts/{int(post.id)}/revisions"
    edited = ""
    if post.last_edit_date:
        if block.editor is not None:
            edited = user_card_html("edited", post.last_edit_date, block.editor, now, revisions)
        else:
            edited = (
                f'<div class="user-card edited-only"><div class="user-action"><a href="{revisions}">'
                f"edited</a> {time_html(post.last_edit_date, now)}</div></div>"
            )
    if post.community_owned_date:
        owner = (
            '<div class="user-card owner cw"><div class="user-action">community wiki</div></div>'
        )
    else:
        action = "asked" if kind == "question" else "answered"
        owner = user_card_html(action, post.creation_date, block.owner, now)
    return f'<div class="signatures">{edited}{owner}</div>'


def comment_items(out: list[str], views, viewer: Viewer) -> None:
    """The `<li>` of every comment under a post. A signed-in viewer gets an upvote form on
    others' comments and an edit link on their own.

    Each comment is one piece, its text and author inside: a comment is short, so one holding
    a non-ASCII character is encoded a character at a time at little cost (see ascii_runs), and
    a piece per comment rather than five keeps the thread's pieces few."""
    now = viewer.now
    signed_in = viewer.signed_in
    for view in views:
        comment = view.comment
        comment_id = int(comment.id)
        score = int(comment.score)
        vote = edit = ""
        if signed_in and viewer.user_id != comment.user_id:
            vote = (
                f'<form method="post" action="/comments/{comment_id}/vote/up" class="comment-vote-form">{viewer.csrf}'
                '<button type="submit" class="comment-up" aria-pressed="false" title="This comment adds something'
                ' useful to the post"><span class="visually-hidden">Upvote comment</span>&#9650;</button></form>'
            )
        elif signed_in:
            edit = f' <a class="comment-edit" href="/comments/{comment_id}/edit">edit</a>'
        # text_html was sanitised by the renderer when the comment was saved.
        out.append(
            f'<li class="comment{" comment-collapsed" if view.collapsed else ""}" id="comment-{comment_id}"'
            f' data-score="{score}"><div class="comment-score"><span class="comment-score-count"'
            f""" title="number of 'useful comment' votes received">{score or ""}</span>{vote}</div>"""
            f'<div class="comment-body"><span class="comment-text">{comment.text_html}</span>'
            f" &ndash;&nbsp;{user_link_html(view.author)}"
            f' <a class="comment-date" href="#comment-{comment_id}">'
            f"{time_html(comment.creation_date, now)}</a>{edit}</div></li>\n"
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
    out.append(
        f'<div class="comment-actions">{show_more}'
        f'<a class="add-comment" href="/posts/{post_id}/comments/new">Add a comment</a></div></div>'
    )


def post_block(out: list[str], block, kind: str, viewer: Viewer) -> None:
    """One post of the thread, "question" or "answer", as the reader sees it."""
    post = block.post
    tags = tag_list_html(post.tags) if kind == "question" else ""
    out.append(
        f'<div class="post-layout">{vote_cell(post, kind, viewer)}<div class="post-cell">'
        '<div class="post-body s-prose">'
    )
    out.append(post.body)
    out.append(
        f"</div>{tags}"
        f'<div class="post-footer">{post_menu(post, kind, viewer)}{signatures(block, kind, viewer.now)}</div></div>'
    )
    comment_list(out, block, viewer)
    out.append("</div>")


def sidebar_questions(out: list[str], rows) -> None:
    """The Linked or Related list: each question's score (marked when it has an accepted
    answer) and its title linked to it."""
    out.append("<ul>")
    for row in rows:
        answered = " answered-accepted" if row.accepted_answer_id else ""
        question_id = int(row.id)
        title = escape_html(row.title)
        out.append(
            f'<li><span class="mini-score{answered}">{int(row.score)}</span> '
            f'<a href="/questions/{question_id}/{escape_html(slug(row.title))}">'
        )
        out.append(title)
        out.append("</a></li>")
    out.append("</ul>")


def _question_header(out: list[str], question, canonical: str, now: datetime) -> None:
    closed = ""
    if question.closed_date:
        closed = " [duplicate]" if question.close_reason in DUPLICATE_REASONS else " [closed]"
    views = question.view_count or 0
    out.append(
        '<div class="question-header">\n  <h1 class="question-title">'
        f'<a href="{escape_html(canonical)}">'
    )
    out.append(escape_html(question.title))
    out.append(
        f"{closed}</a></h1>\n"
        '  <a class="button ask" href="/questions/ask">Ask Question</a>\n</div>\n'
        '<div class="question-meta">\n'
        f"  <span>Asked {time_html(question.creation_date, now, relative=True)}</span>\n"
        f"  <span>Modified {time_html(question.last_activity_date, now, relative=True)}</span>\n"
        f'  <span>Viewed <span title="{views:,} views">{escape_html(number_short(views))}</span> times</span>\n'
        "</div>\n"
    )


def _notices(out: list[str], question, now: datetime) -> None:
    if question.closed_date:
        reason = question.get_close_reason_display() if question.close_reason else ""
        out.append(
            '<aside class="notice closed" role="note">\n    <p><strong>Closed.</strong>'
            f" This question was closed {time_html(question.closed_date, now)}"
            f"{' as ' + escape_html(reason) if reason else ''}.</p>\n  </aside>\n"
        )
    if question.protected_date and not question.locked_date:
        needed = threshold("remove_new_user_restrictions")
        out.append(
            '<aside class="notice protected" role="note"><p><strong>Highly active question.</strong>'
            f" Earn {needed:,} reputation in order to answer this question. The reputation"
            " requirement helps protect this question from spam and non-answer activity.</p></aside>\n"
        )
    if question.locked_date:
        out.append(
            '<aside class="notice locked" role="note"><p><strong>Locked.</strong> This question'
            " and its answers are locked; it is not accepting new answers or interactions.</p></aside>\n"
        )


@lru_cache(maxsize=16)
def _sort_options(sorts: tuple[tuple[str, str], ...], selected: str) -> str:
    return "".join(
        f'<option value="{escape_html(key)}"{" selected" if key == selected else ""}>'
        f"{escape_html(label)}</option>"
        for key, label in sorts
    )


def _answers_section(out: list[str], page, viewer: Viewer, sorts: dict, canonical: str) -> None:
    count = len(page.answers)
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
        out.append(
            f'<article class="answer{accepted}" id="answer-{post_id}" data-post-id="{post_id}"'
            f' data-score="{int(block.post.score)}">\n'
        )
        post_block(out, block, "answer", viewer)
        out.append("\n</article>\n")
    out.append("</section>\n")


def _answer_form(out: list[str], question, viewer: Viewer) -> None:
    out.append('<section class="your-answer">\n    <h2>Your Answer</h2>\n')
    question_id = int(question.id)
    if viewer.signed_in and (question.closed_date or question.locked_date):
        state = "locked" if question.locked_date else "closed"
        out.append(f"<p>This question is {state}; it is not accepting answers.</p>\n")
    elif viewer.signed_in:
        out.append(
            f'<form method="post" action="/questions/{question_id}/answer" id="answer-form" class="post-form" data-once>\n'
            f"  {viewer.csrf}\n"
            '  <div class="field editor">\n'
            '    <label for="wmd-input" class="visually-hidden">Your answer</label>\n'
            '    <textarea id="wmd-input" name="body" rows="10" maxlength="30000" required data-preview-target="wmd-preview"></textarea>\n'
            '    <p class="char-count" data-char-count aria-live="polite"></p>\n'
            '    <div id="wmd-preview" class="s-prose preview" aria-live="polite"></div>\n'
            "  </div>\n"
            '  <p><button type="submit" class="primary">Post Your Answer</button>'
            f' <a href="/questions/{question_id}/answer">Open the full editor</a></p>\n'
            "</form>\n"
        )
    else:
        out.append(
            '<p><a href="/users/signup">Sign up</a> or <a href="/users/login">log in</a>'
            " to answer this question.</p>\n"
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


def _sidebar(out: list[str], page) -> None:
    out.append('<aside class="sidebar" aria-label="Related content">\n')
    for css, heading, rows in (
        ("linked", "Linked", page.linked),
        ("related", "Related", page.related),
    ):
        if rows:
            out.append(f'<section class="sidebar-box {css}"><h2>{heading}</h2>\n')
            sidebar_questions(out, rows)
            out.append("\n</section>\n")
    out.append("</aside>\n")


def thread_html(page, viewer: Viewer, sorts: dict, canonical: str, authors: list[str]) -> list[str]:
    """The page's main content, question to sidebar, as pieces ready to be written out."""
    question = page.question.post
    out: list[str] = [
        '<div class="question-page" itemscope itemtype="https://schema.org/QAPage">\n'
    ]
    _question_header(out, question, canonical, viewer.now)
    out.append('<div class="question-grid">\n<div class="mainbar">\n')
    _notices(out, question, viewer.now)
    out.append(f'<article class="question" id="question" data-post-id="{int(question.id)}">\n')
    post_block(out, page.question, "question", viewer)
    out.append("\n</article>\n")
    _answers_section(out, page, viewer, sorts, canonical)
    _answer_form(out, question, viewer)
    _attribution(out, question, authors)
    out.append("</div>\n")
    _sidebar(out, page)
    out.append("</div>\n</div>\n")
    return ascii_runs(out)
