"""schema.org QAPage JSON-LD for the question page, as search engines read it."""

from __future__ import annotations

from quaestio.posts.selectors import PostBlock, QuestionPage
from quaestio.web.text import plain_text


def _author(block: PostBlock) -> dict:
    author = {"@type": "Person", "name": block.owner.name}
    if block.owner.user is not None:
        author["url"] = f"/users/{block.owner.user.id}"
    return author


def _answer(block: PostBlock, base_url: str) -> dict:
    post = block.post
    return {
        "@type": "Answer",
        "text": plain_text(post.body),
        "upvoteCount": post.score,
        "dateCreated": post.creation_date.isoformat(),
        "url": f"{base_url}#answer-{post.id}",
        "author": _author(block),
    }


def qa_page_json_ld(page: QuestionPage, url: str) -> dict:
    question = page.question.post
    entity = {
        "@type": "Question",
        "name": question.title,
        "text": plain_text(question.body),
        "upvoteCount": question.score,
        "answerCount": len(page.answers),
        "dateCreated": question.creation_date.isoformat(),
        "author": _author(page.question),
    }
    accepted = [block for block in page.answers if block.post.id == page.accepted_answer_id]
    if accepted:
        entity["acceptedAnswer"] = _answer(accepted[0], url)
    suggested = [
        _answer(block, url) for block in page.answers if block.post.id != page.accepted_answer_id
    ]
    if suggested:
        entity["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}
