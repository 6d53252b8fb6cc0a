"""The "generative AI content" flag (issue 19 point 4): it goes to the moderators' dashboard, not
a community review queue, takes no action by itself however many are raised, and its evidence
page lays out facts (bursts, quick long answers, change between revisions, the disclosure) in a
fixed number of queries, for moderators only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quaestio.moderation.ai_evidence import ai_flag_evidence
from quaestio.moderation.flags import post_flag_raise
from quaestio.moderation.models import Flag, FlagState, ReviewTask
from quaestio.posts.models import Post
from quaestio.posts.services import answer_post, post_edit
from tests.moderation.flag_support import flaggers
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db

LONG = "A long and detailed answer about the river crossings of the legions. " * 30
AI_BODY = LONG + "\n\nAI: ChatGPT wrote the first draft."


def _client(who) -> Client:
    client = Client()
    client.force_login(who)
    return client


def _burst_of_answers(author, minutes_ago: list[int]):
    """Answers by `author` written through the service, then dated `minutes_ago` (oldest first)."""
    now = timezone.now()
    answers = []
    for index, minutes in enumerate(minutes_ago):
        q = question()
        body = LONG if index else "A short answer, thirty characters or more."
        answer = answer_post(author, q.id, body=body, ai_use="none")
        Post.objects.filter(id=answer.id).update(creation_date=now - timedelta(minutes=minutes))
        answers.append(answer)
    return answers


def test_flag_goes_to_moderators_only_and_takes_no_action():
    """Six flaggers (as many as delete spam) raise it: the flags stand pending, the post is not
    deleted or locked, its author loses nothing, no review task opens; the dashboard lists it."""
    q = question()
    answer = answer_post(user(200), q.id, body=AI_BODY, ai_use="content")
    tasks_before = ReviewTask.objects.count()
    for flagger in flaggers(6):
        outcome = post_flag_raise(flagger, answer.id, "generative_ai")
        assert outcome.action == "flagged"
    answer.refresh_from_db()
    assert answer.deletion_date is None and answer.locked_date is None and answer.score == 0
    assert Flag.objects.filter(post=answer, state=FlagState.PENDING).count() == 6
    assert ReviewTask.objects.count() == tasks_before
    html = _client(user(1, is_moderator=True)).get("/admin").content.decode()
    assert "Generative AI content" in html and "AI-generated content declared" in html
    assert f"/admin/flags/posts/{answer.id}/ai-evidence" in html


def test_flag_dialog_offers_the_reason():
    q = question()
    html = _client(user(15)).get(f"/posts/{q.id}/flag").content.decode()
    assert 'value="generative_ai"' in html and "Generative AI content" in html


def test_evidence_for_a_burst_of_answers():
    """A new account's answers 50, 45, 42 and 40 minutes ago and 5 hours ago: 4 in the last hour,
    5 in the day; the gaps and lengths of each; the flagged one's revisions with how much of
    the text each changed and each one's disclosure."""
    author = user(1)
    answers = _burst_of_answers(author, [300, 50, 45, 42, 40])
    flagged = answers[-1]
    post_edit(user(5000), flagged.id, body=LONG + "\nAI: Claude.", ai_use="content")
    evidence = ai_flag_evidence(flagged.id)
    assert evidence.is_new_account and evidence.reputation == author.reputation
    assert (evidence.bursts.last_hour, evidence.bursts.last_day) == (4, 5)
    gaps = [a.gap for a in evidence.answers]
    assert gaps[0] is None
    assert [round(g.total_seconds() / 60) for g in gaps[1:]] == [250, 5, 3, 2]
    assert [a.quick for a in evidence.answers] == [False, False, True, True, True]
    assert evidence.answers[0].long is False and all(a.long for a in evidence.answers[1:])
    assert evidence.answers[-1].is_flagged_post
    first, second = evidence.revisions
    assert first.changed is None and 0 < second.changed < 0.2
    assert first.disclosure == "no AI use declared"
    assert second.disclosure == "AI-generated content declared"
    assert evidence.disclosure == "AI-generated content declared"


def test_evidence_is_a_fixed_number_of_queries():
    """However many posts the author has, the evidence reads a bounded number of rows."""
    author = user(1)
    answers = _burst_of_answers(author, [30, 20, 10])
    with CaptureQueriesContext(connection) as few:
        ai_flag_evidence(answers[-1].id)
    more = _burst_of_answers(author, list(range(60, 24, -4)))
    with CaptureQueriesContext(connection) as many:
        evidence = ai_flag_evidence(more[-1].id)
    assert len(few.captured_queries) == len(many.captured_queries) <= 5
    assert len(evidence.answers) == 10


def test_evidence_page_is_for_moderators_and_escapes():
    """Moderators see the page, laid out as facts; others are refused; names are escaped."""
    author = user(1)
    type(author).objects.filter(id=author.id).update(display_name="<b>Burst</b>")
    answers = _burst_of_answers(author, [20, 15])
    url = f"/admin/flags/posts/{answers[-1].id}/ai-evidence"
    assert _client(user(20000)).get(url).status_code == 403
    html = _client(user(1, is_moderator=True)).get(url).content.decode()
    assert "Posts (questions and answers) in the last hour" in html
    assert "quick succession" in html and "&lt;b&gt;Burst&lt;/b&gt;" in html
    assert "Nothing here is a verdict" in html
    facts = html.split('class="ai-evidence-disclosure"')[1].lower()
    assert not any(word in facts for word in ("probab", "likely", "verdict", "score"))
