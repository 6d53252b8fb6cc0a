"""The events other rooms announce after commit, turned into webhook deliveries."""

from __future__ import annotations

from quaestio.webhooks.models import WebhookEvent
from quaestio.webhooks.services import event_occurred

POST_ACTIONS = {"ask": WebhookEvent.QUESTION_CREATED, "answer": WebhookEvent.ANSWER_CREATED}


def on_post_written(sender, post_id: int, action: str, **kwargs) -> None:
    event = POST_ACTIONS.get(action)
    if event:
        event_occurred(event, post_id)


def on_answer_accepted(sender, question_id: int, answer_id: int, **kwargs) -> None:
    event_occurred(WebhookEvent.ANSWER_ACCEPTED, answer_id)


def on_post_flagged(sender, post_id: int, kind: str, **kwargs) -> None:
    event_occurred(WebhookEvent.POST_FLAGGED, post_id, flag_kind=kind)
