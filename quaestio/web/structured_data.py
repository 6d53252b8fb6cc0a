"""schema.org QAPage JSON-LD for the question page, as search engines read it.

The document is written as JSON text directly rather than built as a dict and dumped. It is a
pure function of the thread, so the question page keeps it with the thread's rendered HTML
(web/thread_render.py), built again only when the thread changes.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit

from django.urls import get_script_prefix

from quaestio.core import links
from quaestio.posts.selectors import PostBlock, QuestionPage
from quaestio.web.text import plain_text

# ASCII with \u escapes: the document is a fifth of the page, and ASCII text is copied and
# encoded to UTF-8 many times faster than text holding a single "é" (see web/jinja.py).
_encode = json.JSONEncoder(ensure_ascii=True).encode


def _json(value) -> str:
    # "<" escaped so that no text can close the <script> element the document sits in.
    return _encode(value).replace("<", "\\u003c")


def _author(name: str, user_id: int | None, origin: str) -> str:
    url = f',"url":{_json(origin + links.user_url(user_id, name))}' if user_id is not None else ""
    return f'{{"@type":"Person","name":{_json(name)}{url}}}'


def _post_members(
    body_html: str,
    score: int,
    created: datetime,
    author: str,
    author_id: int | None,
    origin: str,
    prefix: str,
) -> str:
    """The members a question and an answer share, as JSON text (without the braces). The
    author's link is made absolute with `origin`; `prefix` (the script prefix, which
    links.user_url reads) is only part of the key."""
    return (
        f'"text":{_json(plain_text(body_html))},"upvoteCount":{int(score)},'
        f'"dateCreated":{_json(created.isoformat())},"author":{_author(author, author_id, origin)}'
    )


def _members(block: PostBlock, site: tuple[str, str]) -> str:
    post, owner = block.post, block.owner
    owner_id = owner.user.id if owner.user is not None else None
    return _post_members(post.body, post.score, post.creation_date, owner.name, owner_id, *site)


def _answer(block: PostBlock, base_url: str, site: tuple[str, str]) -> str:
    url = _json(f"{base_url}#answer-{int(block.post.id)}")
    return f'{{"@type":"Answer",{_members(block, site)},"url":{url}}}'


def qa_page_json_ld(page: QuestionPage, url: str) -> str:
    """The page's JSON-LD document as JSON text, safe to place inside a <script> element.
    `url` is the page's absolute URL; the authors' profile links are made absolute likewise."""
    question = page.question.post
    parts = urlsplit(url)
    # The origin and script prefix, read once for the page (each prefix read costs microseconds).
    site = (f"{parts.scheme}://{parts.netloc}" if parts.netloc else "", get_script_prefix())
    entity = (
        f'"@type":"Question","name":{_json(question.title)},{_members(page.question, site)},'
        f'"answerCount":{max(page.answer_total, len(page.answers))}'
    )
    accepted = [block for block in page.answers if block.post.id == page.accepted_answer_id]
    if accepted:
        entity += f',"acceptedAnswer":{_answer(accepted[0], url, site)}'
    suggested = [
        _answer(block, url, site)
        for block in page.answers
        if block.post.id != page.accepted_answer_id
    ]
    if suggested:
        entity += f',"suggestedAnswer":[{",".join(suggested)}]'
    return f'{{"@context":"https://schema.org","@type":"QAPage","mainEntity":{{{entity}}}}}'
