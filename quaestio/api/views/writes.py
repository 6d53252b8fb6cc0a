"""Write methods (POST, access token with write_access): they call the same services as the web
pages, so the same policies, limits, revisions and reputation apply.

Votes and accepts name the state they ask for (`upvote` → an upvote stands, `upvote/undo` → no
upvote stands), and the services read the current state under the post's lock, so a retried
or doubled call leaves the same state and answers with the post, as the first one did.
`preview=true` runs the write and rolls it back, so nothing is kept and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from quaestio.api import types
from quaestio.api.errors import BadParameter
from quaestio.api.http import ApiRequest, Result
from quaestio.api.params import boolean
from quaestio.api.registry import endpoint
from quaestio.api.selectors import live_answers, live_comments, live_questions, load_related
from quaestio.comments import services as comments
from quaestio.comments.models import Comment
from quaestio.posts import services as posts
from quaestio.posts.models import Post, PostType, parse_tags
from quaestio.votes import services as votes

WRITE = {"http_method": "POST", "token": "write", "paged": False}


class _Preview(Exception):
    """Raised inside the transaction of a preview so that it rolls back."""


def run(api: ApiRequest, write: Callable[[], Result]) -> Result:
    """Run a write; with preview=true, run it and roll everything back."""
    if not boolean(api.query, "preview"):
        return write()
    outcome: list[Result] = []
    try:
        with transaction.atomic():
            outcome.append(write())
            raise _Preview
    except _Preview:
        pass
    return outcome[0]


def one_id(raw: str, name: str = "id") -> int:
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(name, f"{name} must be a number") from None


def _required(api: ApiRequest, name: str) -> str:
    value = api.query.get(name)
    if value is None or not value.strip():
        raise BadParameter(name, f"{name} is required")
    return value


def _ai_use(api: ApiRequest) -> str | None:
    """The `ai_use` parameter (our addition, documented in the OpenAPI document): None when
    omitted; any other value goes to the policy, which names the accepted ones."""
    value = api.query.get("ai_use")
    return value.strip().lower() if value is not None else None


def _tags(raw: str | None) -> list[str]:
    return [name for name in (raw or "").replace(";", " ").split() if name]


def question_result(api: ApiRequest, question_id: int) -> Result:
    rows = list(live_questions().filter(id=question_id))
    related = load_related(api, questions=rows)
    return Result([types.question(api.out, q, related) for q in rows])


def answer_result(api: ApiRequest, answer_id: int) -> Result:
    rows = list(live_answers().filter(id=answer_id))
    related = load_related(api, answers=rows)
    return Result([types.answer(api.out, a, related) for a in rows])


def comment_result(api: ApiRequest, comment_id: int) -> Result:
    rows = list(live_comments().filter(id=comment_id))
    related = load_related(api, comments=rows)
    return Result([types.comment(api.out, c, related) for c in rows])


def post_kind(post_id: int, kind: int) -> None:
    if not Post.objects.filter(id=post_id, post_type=kind, deletion_date__isnull=True).exists():
        noun = "question" if kind == PostType.QUESTION else "answer"
        raise BadParameter("id", f"no {noun} with id {post_id}")


# --- questions and answers ------------------------------------------------------------------


@endpoint(
    "questions/add",
    "question",
    "Asks a question.",
    params=("title", "body", "tags", "ai_use", "preview"),
    required=("title", "body", "tags"),
    **WRITE,
)
def question_add(api: ApiRequest) -> Result:
    def write() -> Result:
        post = posts.question_ask(
            api.user,
            title=_required(api, "title"),
            body=_required(api, "body"),
            tags=_tags(_required(api, "tags")),
            ai_use=_ai_use(api) or "",
        )
        return question_result(api, post.id)

    return run(api, write)


@endpoint(
    "questions/{id}/answers/add",
    "answer",
    "Answers a question.",
    params=("body", "ai_use", "preview"),
    required=("body",),
    **WRITE,
)
def answer_add(api: ApiRequest, id: str) -> Result:
    question_id = one_id(id)

    def write() -> Result:
        post = posts.answer_post(
            api.user, question_id, body=_required(api, "body"), ai_use=_ai_use(api) or ""
        )
        return answer_result(api, post.id)

    return run(api, write)


def _edit(api: ApiRequest, post_id: int, kind: int) -> Result:
    post_kind(post_id, kind)

    def write() -> Result:
        current = Post.objects.get(id=post_id)
        posts.post_edit(
            api.user,
            post_id,
            body=api.query.get("body") or current.body_markdown,
            title=api.query.get("title") or current.title,
            tags=_tags(api.query.get("tags")) or parse_tags(current.tags),
            comment=api.query.get("comment", ""),
            ai_use=_ai_use(api) or None,
        )
        if kind == PostType.QUESTION:
            return question_result(api, post_id)
        return answer_result(api, post_id)

    return run(api, write)


@endpoint(
    "questions/{id}/edit",
    "question",
    "Edits a question.",
    params=("title", "body", "tags", "comment", "ai_use", "preview"),
    **WRITE,
)
def question_edit(api: ApiRequest, id: str) -> Result:
    return _edit(api, one_id(id), PostType.QUESTION)


@endpoint(
    "answers/{id}/edit",
    "answer",
    "Edits an answer.",
    params=("body", "comment", "ai_use", "preview"),
    **WRITE,
)
def answer_edit(api: ApiRequest, id: str) -> Result:
    return _edit(api, one_id(id), PostType.ANSWER)


def _delete(api: ApiRequest, post_id: int, kind: int) -> Result:
    post_kind(post_id, kind)

    def write() -> Result:
        posts.post_delete(api.user, post_id)
        return Result([])

    return run(api, write)


@endpoint("questions/{id}/delete", "question", "Deletes a question.", params=("preview",), **WRITE)
def question_delete(api: ApiRequest, id: str) -> Result:
    return _delete(api, one_id(id), PostType.QUESTION)


@endpoint("answers/{id}/delete", "answer", "Deletes an answer.", params=("preview",), **WRITE)
def answer_delete(api: ApiRequest, id: str) -> Result:
    return _delete(api, one_id(id), PostType.ANSWER)


# --- accepting ------------------------------------------------------------------------------


def _accept(api: ApiRequest, answer_id: int, accepted: bool) -> Result:
    """accept / accept/undo: the answer is (or is not) the accepted one afterwards."""
    post_kind(answer_id, PostType.ANSWER)

    def write() -> Result:
        votes.accept_set(api.user, answer_id, accepted)
        return answer_result(api, answer_id)

    return run(api, write)


@endpoint(
    "answers/{id}/accept",
    "answer",
    "Accepts an answer to your question.",
    params=("preview",),
    **WRITE,
)
def accept(api: ApiRequest, id: str) -> Result:
    return _accept(api, one_id(id), True)


@endpoint(
    "answers/{id}/accept/undo",
    "answer",
    "Takes back the acceptance of an answer.",
    params=("preview",),
    **WRITE,
)
def accept_undo(api: ApiRequest, id: str) -> Result:
    return _accept(api, one_id(id), False)


# --- voting ---------------------------------------------------------------------------------


def _vote(api: ApiRequest, post_id: int, kind: int, direction: str, undo: bool) -> Result:
    """upvote / downvote: that vote stands afterwards (switching from the other one); their
    undo: that vote no longer stands (the other one is left alone). Already so: the same
    answer, nothing written."""
    post_kind(post_id, kind)

    def write() -> Result:
        if undo:
            votes.vote_set(api.user, post_id, None, only_if=direction)
        else:
            votes.vote_set(api.user, post_id, direction)
        if kind == PostType.QUESTION:
            return question_result(api, post_id)
        return answer_result(api, post_id)

    return run(api, write)


def _register_votes() -> None:
    for plural, singular, kind in (
        ("questions", "question", PostType.QUESTION),
        ("answers", "answer", PostType.ANSWER),
    ):
        for direction in ("up", "down"):
            for undo in (False, True):
                suffix = f"{direction}vote" + ("/undo" if undo else "")

                def view(api, id, kind=kind, direction=direction, undo=undo):
                    return _vote(api, one_id(id), kind, direction, undo)

                view.__name__ = f"{singular}_{direction}vote{'_undo' if undo else ''}"
                summary = f"{'Takes back' if undo else 'Casts'} an {direction}vote on a {singular}."
                endpoint(
                    f"{plural}/{{id}}/{suffix}", singular, summary, params=("preview",), **WRITE
                )(view)
                if undo:
                    # The method index also spells the undo methods in the singular.
                    alias = lambda api, id, v=view: v(api, id)  # noqa: E731
                    alias.__name__ = view.__name__ + "_singular"
                    endpoint(
                        f"{singular}/{{id}}/{suffix}",
                        singular,
                        summary,
                        params=("preview",),
                        **WRITE,
                    )(alias)


_register_votes()


# --- comments -------------------------------------------------------------------------------


@endpoint(
    "posts/{id}/comments/add",
    "comment",
    "Comments on a post.",
    params=("body", "preview"),
    required=("body",),
    **WRITE,
)
def comment_add(api: ApiRequest, id: str) -> Result:
    post_id = one_id(id)

    def write() -> Result:
        row = comments.comment_add(api.user, post_id, _required(api, "body"))
        return comment_result(api, row.id)

    return run(api, write)


@endpoint(
    "comments/{id}/edit",
    "comment",
    "Edits a comment.",
    params=("body", "preview"),
    required=("body",),
    **WRITE,
)
def comment_edit(api: ApiRequest, id: str) -> Result:
    comment_id = one_id(id)

    def write() -> Result:
        comments.comment_edit(api.user, comment_id, _required(api, "body"))
        return comment_result(api, comment_id)

    return run(api, write)


@endpoint("comments/{id}/delete", "comment", "Deletes a comment.", params=("preview",), **WRITE)
def comment_delete(api: ApiRequest, id: str) -> Result:
    comment_id = one_id(id)

    def write() -> Result:
        comments.comment_delete(api.user, comment_id)
        return Result([])

    return run(api, write)


def _comment_vote(api: ApiRequest, comment_id: int, undo: bool) -> Result:
    if not Comment.objects.filter(id=comment_id, deletion_date__isnull=True).exists():
        raise BadParameter("id", f"no comment with id {comment_id}")

    def write() -> Result:
        votes.comment_vote_set(api.user, comment_id, not undo)
        return comment_result(api, comment_id)

    return run(api, write)


@endpoint("comments/{id}/upvote", "comment", "Upvotes a comment.", params=("preview",), **WRITE)
def comment_upvote(api: ApiRequest, id: str) -> Result:
    return _comment_vote(api, one_id(id), undo=False)


@endpoint(
    "comments/{id}/upvote/undo",
    "comment",
    "Takes back an upvote on a comment.",
    params=("preview",),
    **WRITE,
)
def comment_upvote_undo(api: ApiRequest, id: str) -> Result:
    return _comment_vote(api, one_id(id), undo=True)
