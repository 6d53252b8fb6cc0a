"""What each event says, and how it is laid out for each kind of receiver: our own JSON for
programs, a Slack incoming-webhook message, a Microsoft Teams Adaptive Card."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from quaestio.core.links import answer_url, question_url, user_url
from quaestio.posts.models import Post
from quaestio.webhooks.models import WebhookEvent, WebhookFormat

HEADLINES = {
    WebhookEvent.QUESTION_CREATED: "New question",
    WebhookEvent.ANSWER_CREATED: "New answer",
    WebhookEvent.ANSWER_ACCEPTED: "Answer accepted",
    WebhookEvent.POST_FLAGGED: "Post flagged",
}


@dataclass(frozen=True)
class EventFacts:
    """The facts one event carries, read once and laid out per format."""

    event: str
    question_id: int
    question_title: str
    link: str  # absolute: the question, or the answer's short link
    post_id: int
    post_type: str  # "question" | "answer"
    author: str
    author_link: str | None
    tags: list[str]
    flag_kind: str = ""


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def event_facts(event: str, post_id: int, flag_kind: str = "") -> EventFacts | None:
    post = Post.objects.select_related("owner").filter(id=post_id).first()
    if post is None:
        return None
    question = post if post.parent_id is None else Post.objects.get(id=post.parent_id)
    is_answer = post.parent_id is not None
    owner = post.owner
    author = owner.display_name if owner else (post.owner_display_name or "anonymous")
    return EventFacts(
        event=event,
        question_id=question.id,
        question_title=question.title or "",
        link=absolute(answer_url(post.id) if is_answer else question_url(post.id, post.title)),
        post_id=post.id,
        post_type="answer" if is_answer else "question",
        author=author,
        author_link=absolute(user_url(owner.id, owner.display_name)) if owner else None,
        tags=list(question.tag_names),
        flag_kind=flag_kind,
    )


def render_body(facts: EventFacts, format: str, delivery_id: str, at: datetime) -> str:
    if format == WebhookFormat.SLACK:
        return json.dumps(slack_message(facts))
    if format == WebhookFormat.TEAMS:
        return json.dumps(teams_message(facts))
    return json.dumps(own_payload(facts, delivery_id, at))


def own_payload(facts: EventFacts, delivery_id: str, at: datetime) -> dict:
    body = {
        "event": facts.event,
        "delivery_id": delivery_id,
        "created": at.isoformat(timespec="seconds"),
        "site": settings.SITE_URL,
        "question": {"id": facts.question_id, "title": facts.question_title, "tags": facts.tags},
        "post": {"id": facts.post_id, "type": facts.post_type, "link": facts.link},
    }
    if facts.event == WebhookEvent.POST_FLAGGED:
        body["flag"] = {"kind": facts.flag_kind}  # never who flagged: flags are private
    else:
        body["post"]["author"] = {"display_name": facts.author, "link": facts.author_link}
    return body


def summary_line(facts: EventFacts) -> str:
    headline = HEADLINES.get(facts.event, facts.event)
    if facts.event == WebhookEvent.POST_FLAGGED:
        return f"{headline} ({facts.flag_kind}): {facts.post_type} on"
    return f"{headline} by {facts.author}:"


def slack_escape(text: str) -> str:
    """Slack's mrkdwn needs only &, < and > escaped; the rest is shown as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(facts: EventFacts) -> dict:
    title = slack_escape(facts.question_title)
    text = f"{slack_escape(summary_line(facts))} <{facts.link}|{title}>"
    return {"text": text, "unfurl_links": False}


def teams_message(facts: EventFacts) -> dict:
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": summary_line(facts), "wrap": True},
            {
                "type": "TextBlock",
                "text": facts.question_title,
                "weight": "Bolder",
                "wrap": True,
            },
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": facts.link}],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }
