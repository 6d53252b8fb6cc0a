"""schema.org QAPage JSON-LD for the question page, as search engines read it.

The document is written as JSON text directly rather than built as a dict and dumped: its bulk is
the plain text of every post, and encoding those texts anew on every view was a tenth of the
page's instructions (callgrind, seed thread). Each post's encoded text is remembered per body,
like plain_text itself; the small fields are encoded on each view.
"""

from __future__ import annotations

import json
from functools import lru_cache

from quaestio.posts.selectors import PostBlock, QuestionPage
from quaestio.web.text import plain_text


def _json(value) -> str:
    # "<" escaped so that no text can close the <script> element the document sits in.
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


@lru_cache(maxsize=1024)
def _encoded_text(body_html: str) -> str:
    return _json(plain_text(body_html))


def _object(**members: str) -> str:
    """A JSON object from members whose values are already JSON text."""
    return "{" + ",".join(f'"{name}":{value}' for name, value in members.items()) + "}"


def _author(block: PostBlock) -> str:
    members = {"@type": '"Person"', "name": _json(block.owner.name)}
    if block.owner.user is not None:
        members["url"] = _json(f"/users/{block.owner.user.id}")
    return _object(**members)


def _answer(block: PostBlock, base_url: str) -> str:
    post = block.post
    return _object(
        **{
            "@type": '"Answer"',
            "text": _encoded_text(post.body),
            "upvoteCount": _json(post.score),
            "dateCreated": _json(post.creation_date.isoformat()),
            "url": _json(f"{base_url}#answer-{post.id}"),
            "author": _author(block),
        }
    )


def qa_page_json_ld(page: QuestionPage, url: str) -> str:
    """The page's JSON-LD document as JSON text, safe to place inside a <script> element."""
    question = page.question.post
    members = {
        "@type": '"Question"',
        "name": _json(question.title),
        "text": _encoded_text(question.body),
        "upvoteCount": _json(question.score),
        "answerCount": _json(len(page.answers)),
        "dateCreated": _json(question.creation_date.isoformat()),
        "author": _author(page.question),
    }
    accepted = [block for block in page.answers if block.post.id == page.accepted_answer_id]
    if accepted:
        members["acceptedAnswer"] = _answer(accepted[0], url)
    suggested = [
        _answer(block, url) for block in page.answers if block.post.id != page.accepted_answer_id
    ]
    if suggested:
        members["suggestedAnswer"] = "[" + ",".join(suggested) + "]"
    return _object(
        **{
            "@context": '"https://schema.org"',
            "@type": '"QAPage"',
            "mainEntity": _object(**members),
        }
    )
