"""Names of the streams' channels, in one place for publishers, the hub and the view."""

from __future__ import annotations

# Subscribers of QUESTIONS hear every question channel's events (the lists' "N questions with
# new activity"), so a thread change is one row, not one per audience.
QUESTIONS = "questions"
QUESTION_PREFIX = "question:"


def question(question_id: int) -> str:
    return f"{QUESTION_PREFIX}{question_id}"


def user(user_id: int) -> str:
    return f"user:{user_id}"


def room(room_id: int) -> str:
    return f"room:{room_id}"


def audiences(channel: str) -> tuple[str, ...]:
    """Every subscription an event on `channel` is delivered to."""
    if channel.startswith(QUESTION_PREFIX):
        return (channel, QUESTIONS)
    return (channel,)
