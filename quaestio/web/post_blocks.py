"""The question page's posts as HTML: vote cell, body, tags, menu, signatures and comments.

Built in Python rather than as Jinja macros because a thread repeats this block for the question
and every answer, and Jinja's macro machinery (argument binding, a Markup for every piece,
autoescape checks on values we already escaped) was most of the page's cost. Measured on the
seed thread in-process with cProfile and with `bench/question_page.py`: see the commit that
introduced this module. Every value that comes from a user is escaped here exactly as
autoescaping would; post bodies and comment HTML were sanitised by the renderer when saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from quaestio.web.presenters import slug, time_tag, user_card, user_link


@dataclass(slots=True)
class Viewer:
    """Who is looking at the thread: what of the page depends on them, computed once."""

    user_id: int | None  # None for an anonymous reader
    csrf: str  # the hidden CSRF input; "" for an anonymous reader, who is sent to log in
    question_owner_id: int | None
    page_path: str  # where logging in to vote comes back to
    accepted_answer_id: int | None
    votes: dict[int, int] = field(default_factory=dict)  # post id -> 2 (up) or 3 (down)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


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
        f'<input type="hidden" name="next" value="{escape(viewer.page_path)}#{_anchor(post_id, kind)}">'
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
    up, down = (_vote_form(viewer, post_id, kind, direction) for direction in ("up", "down"))
    return (
        f'<div class="vote-cell" data-post-id="{post_id}">{up}'
        f'<button type="submit" class="vote-up{_pressed(my_vote == 2)}'
        f' title="This {kind} is useful and clear"><span class="visually-hidden">Up vote</span>{_UP_ARROW}</button></form>'
        f'<div class="vote-count" itemprop="upvoteCount" aria-label="score {score}">{score}</div>{down}'
        f'<button type="submit" class="vote-down{_pressed(my_vote == 3)}'
        f' title="This {kind} is not useful or unclear"><span class="visually-hidden">Down vote</span>{_DOWN_ARROW}</button></form>'
        f"{accept}</div>"
    )


def tag_list(names) -> str:
    links = "".join(
        f'<li><a class="tag" href="/questions/tagged/{escape(name)}" rel="tag">{escape(name)}</a></li>'
        for name in names
    )
    return f'<ul class="tags">{links}</ul>'


def _licence_link(licence: str, kind: str) -> str:
    """The post's CC BY-SA version, linked to its deed, as Stack Exchange credits each post."""
    if not licence:
        return ""
    version = escape(licence.split()[-1])
    return (
        f'<a class="licence" href="https://creativecommons.org/licenses/by-sa/{version}/" rel="license"'
        f' title="This {kind} is licensed under {escape(licence)}">{escape(licence)}</a>'
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


def signatures(block, kind: str) -> str:
    """ "edited <date>" (with the editor's card when not the owner), then "asked/answered"."""
    post = block.post
    revisions = f"/posts/{int(post.id)}/revisions"
    edited = ""
    if post.last_edit_date:
        if block.editor is not None:
            edited = user_card("edited", post.last_edit_date, block.editor, revisions)
        else:
            edited = (
                f'<div class="user-card edited-only"><div class="user-action"><a href="{revisions}">'
                f"edited</a> {time_tag(post.last_edit_date)}</div></div>"
            )
    if post.community_owned_date:
        owner = (
            '<div class="user-card owner cw"><div class="user-action">community wiki</div></div>'
        )
    else:
        action = "asked" if kind == "question" else "answered"
        owner = user_card(action, post.creation_date, block.owner)
    return f'<div class="signatures">{edited}{owner}</div>'


def comment_items(views, viewer: Viewer) -> str:
    """The `<li>` of every comment under a post. A signed-in viewer gets an upvote form on
    others' comments and an edit link on their own."""
    parts = []
    for view in views:
        comment = view.comment
        comment_id = int(comment.id)
        collapsed = " comment-collapsed" if view.collapsed else ""
        count = int(comment.score) if comment.score else ""
        vote = edit = ""
        if viewer.signed_in and viewer.user_id != comment.user_id:
            vote = (
                f'<form method="post" action="/comments/{comment_id}/vote/up" class="comment-vote-form">{viewer.csrf}'
                '<button type="submit" class="comment-up" aria-pressed="false" title="This comment adds something'
                ' useful to the post"><span class="visually-hidden">Upvote comment</span>&#9650;</button></form>'
            )
        elif viewer.signed_in:
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
    return "\n".join(parts)


def comment_list(block, viewer: Viewer) -> str:
    """Every comment, oldest first; those beyond the shown few are collapsed behind a link that
    works without JavaScript (the #comments anchor + :target CSS) and with it (comments.js)."""
    post_id = int(block.post.id)
    hidden = block.hidden_comment_count
    items = (
        f'<ul class="comment-list">{comment_items(block.comments, viewer)}</ul>'
        if block.comments
        else ""
    )
    show_more = ""
    if hidden:
        plural = "s" if hidden != 1 else ""
        show_more = (
            f'<a class="show-comments" href="#comments-{post_id}" data-post-id="{post_id}">'
            f"Show <b>{hidden}</b> more comment{plural}</a> "
        )
    return (
        f'<div class="comments{" has-hidden" if hidden else ""}" id="comments-{post_id}">{items}'
        f'<div class="comment-actions">{show_more}'
        f'<a class="add-comment" href="/posts/{post_id}/comments/new">Add a comment</a></div></div>'
    )


def post_block(block, kind: str, viewer: Viewer) -> Markup:
    """One post of the thread, "question" or "answer", as the reader sees it."""
    post = block.post
    tags = tag_list(post.tag_names) if kind == "question" else ""
    return Markup(
        f'<div class="post-layout">{vote_cell(post, kind, viewer)}<div class="post-cell">'
        f'<div class="post-body s-prose">{post.body}</div>{tags}'
        f'<div class="post-footer">{post_menu(post, kind, viewer)}{signatures(block, kind)}</div>'
        f"</div>{comment_list(block, viewer)}</div>"
    )


def sidebar_questions(rows) -> Markup:
    """The Linked or Related list: each question's score (marked when it has an accepted
    answer) and its title linked to it."""
    items = []
    for row in rows:
        answered = " answered-accepted" if row.accepted_answer_id else ""
        question_id = int(row.id)
        items.append(
            f'<li><span class="mini-score{answered}">{int(row.score)}</span> '
            f'<a href="/questions/{question_id}/{escape(slug(row.title))}">{escape(row.title)}</a></li>'
        )
    return Markup(f"<ul>{''.join(items)}</ul>")
