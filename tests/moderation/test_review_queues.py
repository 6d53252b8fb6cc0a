"""Review queues (spec §7.9): thresholds, actions, completion, each reviewer's copy, the daily
limit, how items enter and leave, history and the review badges. Real database, real
services; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.badges.models import Badge
from quaestio.badges.services import award_badges
from quaestio.comments.models import Comment
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import review_selectors, services
from quaestio.moderation.deletion import delete_vote_cast
from quaestio.moderation.models import (
    Review,
    ReviewQueue,
    ReviewTask,
    ReviewTaskState,
)
from quaestio.moderation.review_policies import can_review_queue
from quaestio.moderation.reviewing import review_edit, review_submit
from quaestio.posts.models import Post, PostHistory
from quaestio.posts.services import answer_post, post_delete, question_ask
from tests.moderation.review_support import answer, queued_answer, reviewers
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db

BODY = "A body long enough for the thirty character minimum of a post."


def state(task) -> tuple[str, str]:
    task.refresh_from_db()
    return task.state, task.outcome


# Thresholds (§7.9, from the privilege table)


@pytest.mark.parametrize(
    ("queue", "below", "needed"),
    [
        ("first-questions", 499, 500),
        ("first-answers", 499, 500),
        ("late-answers", 499, 500),
        ("low-quality-posts", 1999, 2000),
        ("close", 2999, 3000),
        ("reopen", 2999, 3000),
    ],
)
def test_each_queue_has_its_threshold(queue, below, needed):
    assert can_review_queue(user(needed), queue)[0]
    refused, reason = can_review_queue(user(below), queue)
    assert not refused and f"{needed:,}" in reason
    assert can_review_queue(user(1, is_moderator=True), queue)[0]
    assert not can_review_queue(None, queue)[0]


def test_beta_sites_use_the_beta_thresholds(settings):
    settings.QUAESTIO_PRIVILEGE_SET = "beta"
    assert can_review_queue(user(350), "first-answers")[0]
    assert can_review_queue(user(1000), "low-quality-posts")[0]
    assert can_review_queue(user(500), "close")[0]
    assert not can_review_queue(user(499), "close")[0]


# Entering: first posts and late answers (after commit, through the real services)


def test_a_users_first_answer_enters_the_first_answers_queue(
    django_capture_on_commit_callbacks, ask
):
    q = ask()
    newcomer, answered_before = user(1), user(1)
    answer(q, owner=answered_before)
    with django_capture_on_commit_callbacks(execute=True):
        first = answer_post(newcomer, q.id, body=BODY)
        second = answer_post(answered_before, q.id, body=BODY + " Another one.")
    assert ReviewTask.objects.filter(queue="first-answers", post=first).exists()
    assert not ReviewTask.objects.filter(post=second).exists()


@pytest.mark.parametrize(
    ("earlier", "enters"),
    [
        ([{"score": -2}], True),  # the first one failed
        ([{"score": -2}, {"closed_date": timezone.now()}], True),
        ([{"score": 0}], False),  # the first one was fine
        ([{"score": -1}, {"score": -1}, {"score": -1}], False),  # three is the most
    ],
)
def test_a_later_question_enters_while_the_earlier_ones_failed(
    django_capture_on_commit_callbacks, earlier, enters
):
    from quaestio.tags.models import Tag

    Tag.objects.get_or_create(name="rome")
    newcomer = user(1)
    for extra in earlier:
        question(newcomer, **extra)
    with django_capture_on_commit_callbacks(execute=True):
        new = question_ask(newcomer, title="How did legions cross rivers?", body=BODY, tags="rome")
    assert ReviewTask.objects.filter(queue="first-questions", post=new).exists() == enters


def test_a_first_question_enters_the_first_questions_queue(django_capture_on_commit_callbacks, ask):
    newcomer = user(1)
    with django_capture_on_commit_callbacks(execute=True):
        new = ask(user=newcomer)
    task = ReviewTask.objects.get(post=new)
    assert (task.queue, task.state, task.reason) == ("first-questions", "pending", "First post")


def test_a_new_users_answer_to_an_old_question_is_a_late_answer(
    django_capture_on_commit_callbacks, settings
):
    old = question(user(10))
    Post.objects.filter(id=old.id).update(creation_date=timezone.now() - timedelta(days=31))
    newcomer, established, recent_asker = user(1), user(50), user(1)
    answer(old, owner=newcomer)  # their first answer, elsewhere: this one is not a first post
    answer(old, owner=established)
    with django_capture_on_commit_callbacks(execute=True):
        late = answer_post(newcomer, old.id, body=BODY)
        not_new = answer_post(established, old.id, body=BODY)
    recent = question(user(10))
    Post.objects.filter(id=recent.id).update(creation_date=timezone.now() - timedelta(days=29))
    answer(recent, owner=recent_asker)
    with django_capture_on_commit_callbacks(execute=True):
        not_late = answer_post(recent_asker, recent.id, body=BODY)
    assert ReviewTask.objects.filter(queue="late-answers", post=late).exists()
    assert not ReviewTask.objects.filter(post__in=[not_new, not_late]).exists()


def test_a_deleted_post_leaves_every_queue(django_capture_on_commit_callbacks):
    owner = user(1)
    task = queued_answer(owner=owner)
    other = ReviewTask.objects.create(queue="low-quality-posts", post_id=task.post_id)
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(owner, task.post_id)
    assert state(task) == (ReviewTaskState.INVALIDATED, "deleted")
    assert state(other) == (ReviewTaskState.INVALIDATED, "deleted")


# Actions and completion


def test_looks_ok_completes_a_first_answer(settings):
    task = queued_answer()
    outcome = review_submit(reviewers(1, 500)[0], task.id, "looks-ok")
    assert outcome.completed and state(task) == (ReviewTaskState.COMPLETED, "looks-ok")
    settings.QUAESTIO_REVIEWS_FIRST_POSTS = 2
    task = queued_answer()
    one, two = reviewers(2, 500)
    assert not review_submit(one, task.id, "looks-ok").completed
    assert review_submit(two, task.id, "feedback", feedback="unclear").completed


def test_a_repeated_review_changes_nothing():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    reviewer = user(2000)
    review_submit(reviewer, task.id, "looks-ok")
    with pytest.raises(PermissionDenied, match="already reviewed"):
        review_submit(reviewer, task.id, "looks-ok")
    assert Review.objects.filter(task=task).count() == 1
    assert state(task)[0] == ReviewTaskState.PENDING


def test_a_completed_item_takes_no_more_reviews():
    task = queued_answer()
    one, two = reviewers(2, 500)
    review_submit(one, task.id, "looks-ok")
    with pytest.raises(PermissionDenied, match="completed"):
        review_submit(two, task.id, "skip")
    assert Review.objects.filter(task=task).count() == 1


def test_actions_the_queue_does_not_offer_are_refused():
    task = queued_answer()
    with pytest.raises(PermissionDenied, match="not offered"):
        review_submit(user(3000), task.id, "close", close_choice={"reason_key": "needs_focus"})
    with pytest.raises(ValidationFailed):
        review_submit(user(3000), task.id, "approve-everything")
    assert not Review.objects.exists()


def test_reviewers_cannot_review_their_own_posts():
    me = user(3000)
    task = queued_answer(owner=me)
    with pytest.raises(PermissionDenied, match="own post"):
        review_submit(me, task.id, "looks-ok")
    assert review_selectors.next_task_id(me, "first-answers") is None


def test_share_feedback_posts_the_canned_comment_as_community():
    task = queued_answer()
    review_submit(user(500), task.id, "feedback", feedback="supporting")
    (comment,) = Comment.objects.filter(post_id=task.post_id)
    assert comment.user_id == -1 and "additional supporting information" in comment.text
    from quaestio.core import links

    assert f'href="{links.page_url("help")}"' in comment.text_html  # the help center link
    assert Review.objects.get(task=task).comment == "Needs supporting information"


def test_unknown_feedback_posts_nothing():
    task = queued_answer()
    with pytest.raises(ValidationFailed):
        review_submit(user(500), task.id, "feedback", feedback="<script>")
    assert not Comment.objects.exists() and not Review.objects.exists()


def test_recommend_deletion_in_first_posts_sends_the_post_to_low_quality():
    task = queued_answer()
    review_submit(user(500), task.id, "recommend-deletion")
    assert ReviewTask.objects.filter(
        queue="low-quality-posts", post_id=task.post_id, state="pending"
    ).exists()


# Each reviewer's copy, and the daily limit


def test_skipped_and_reviewed_items_leave_only_that_reviewers_copy(settings):
    settings.QUAESTIO_REVIEWS_LOW_QUALITY_OK = 3
    first = queued_answer(ReviewQueue.LOW_QUALITY)
    second = queued_answer(ReviewQueue.LOW_QUALITY)
    me, other = reviewers(2, 2000)
    assert review_selectors.next_task_id(me, "low-quality-posts") == first.id
    review_submit(me, first.id, "skip")
    assert review_selectors.next_task_id(me, "low-quality-posts") == second.id
    review_submit(me, second.id, "looks-ok")
    assert review_selectors.next_task_id(me, "low-quality-posts") is None
    assert review_selectors.next_task_id(other, "low-quality-posts") == first.id
    assert state(first)[0] == ReviewTaskState.PENDING  # a skip completes nothing


def test_the_daily_limit_counts_reviews_not_skips(settings):
    settings.QUAESTIO_REVIEW_DAILY_LIMIT = 2
    settings.QUAESTIO_REVIEWS_LOW_QUALITY_OK = 5
    tasks = [queued_answer(ReviewQueue.LOW_QUALITY) for _ in range(4)]
    me = user(2000)
    review_submit(me, tasks[0].id, "looks-ok")
    review_submit(me, tasks[1].id, "skip")
    review_submit(me, tasks[2].id, "looks-ok")
    with pytest.raises(PermissionDenied, match="limit of 2"):
        review_submit(me, tasks[3].id, "looks-ok")
    review_submit(me, tasks[3].id, "skip")  # skipping is still possible
    other_queue = queued_answer(ReviewQueue.FIRST_ANSWERS)
    review_submit(me, other_queue.id, "looks-ok")  # the limit is per queue
    moderator = user(1, is_moderator=True)  # moderators have no daily limit
    more = [queued_answer(ReviewQueue.LOW_QUALITY) for _ in range(3)]
    for task in more:
        assert review_submit(moderator, task.id, "looks-ok").completed


def test_yesterdays_reviews_do_not_count_today(settings):
    settings.QUAESTIO_REVIEW_DAILY_LIMIT = 1
    settings.QUAESTIO_REVIEWS_LOW_QUALITY_OK = 5
    me = user(2000)
    yesterday = timezone.now() - timedelta(days=1)
    review_submit(me, queued_answer(ReviewQueue.LOW_QUALITY).id, "looks-ok", now=yesterday)
    review_submit(me, queued_answer(ReviewQueue.LOW_QUALITY).id, "looks-ok")


# Low quality


def test_low_quality_completes_after_two_looks_ok():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    one, two = reviewers(2, 2000)
    assert not review_submit(one, task.id, "looks-ok").completed
    assert review_submit(two, task.id, "looks-ok").completed
    assert state(task) == (ReviewTaskState.COMPLETED, "looks-ok")


def test_six_deletion_recommendations_delete_the_post():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    team = reviewers(6, 2000)
    for reviewer in team[:5]:
        assert review_submit(reviewer, task.id, "recommend-deletion").action == "recommend-deletion"
    assert Post.objects.get(id=task.post_id).deletion_date is None
    outcome = review_submit(team[5], task.id, "recommend-deletion")
    assert outcome.completed and state(task) == (ReviewTaskState.COMPLETED, "deleted")
    assert Post.objects.get(id=task.post_id).deletion_date is not None
    row = PostHistory.objects.get(post_id=task.post_id, post_history_type=12)
    assert row.comment == "via Review" and str(team[0].id) in row.text


def test_a_20k_reviewers_recommendation_is_a_delete_vote():
    task = queued_answer(ReviewQueue.LOW_QUALITY, score=-1)
    outcome = review_submit(user(20_000), task.id, "recommend-deletion")
    assert outcome.action == "delete"
    from quaestio.moderation.models import DeletionVote

    assert DeletionVote.objects.filter(post_id=task.post_id, state="pending").count() == 1


def test_delete_votes_that_delete_the_post_complete_the_item():
    task = queued_answer(ReviewQueue.LOW_QUALITY, score=-1)
    team = reviewers(3, 20_000)
    for reviewer in team[:2]:
        review_submit(reviewer, task.id, "recommend-deletion")
    outcome = review_submit(team[2], task.id, "recommend-deletion")
    assert outcome.completed and state(task) == (ReviewTaskState.COMPLETED, "deleted")


def test_a_moderators_review_is_binding():
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    review_submit(user(1, is_moderator=True), task.id, "looks-ok")
    assert state(task) == (ReviewTaskState.COMPLETED, "looks-ok")


# Close and reopen queues


def test_the_first_close_vote_or_flag_enters_the_close_queue():
    voted, flagged = question(user(10)), question(user(10))
    services.close_vote_cast(user(3000), voted.id, "needs_focus")
    services.close_vote_cast(user(3000), voted.id, "needs_focus")
    services.close_flag_raise(user(15), flagged.id, "opinion_based")
    assert ReviewTask.objects.filter(queue="close", state="pending").count() == 2


def test_closing_through_the_queue_completes_the_item():
    q = question(user(10))
    services.close_vote_cast(user(3000), q.id, "needs_focus")
    task = ReviewTask.objects.get(queue="close", post=q)
    one, two = reviewers(2)
    review_submit(one, task.id, "close", close_choice={"reason_key": "needs_focus"})
    outcome = review_submit(two, task.id, "close", close_choice={"reason_key": "needs_details"})
    assert outcome.completed and state(task) == (ReviewTaskState.COMPLETED, "closed")
    assert Post.objects.get(id=q.id).closed_date is not None


def test_a_close_review_without_a_reason_changes_nothing():
    q = question(user(10))
    services.close_vote_cast(user(3000), q.id, "needs_focus")
    task = ReviewTask.objects.get(queue="close", post=q)
    with pytest.raises(ValidationFailed):
        review_submit(user(3000), task.id, "close", close_choice={"reason_key": ""})
    assert not Review.objects.exists()


def test_three_leave_open_reviews_complete_it_and_edits_count_with_them():
    q = question(user(10))
    services.close_vote_cast(user(3000), q.id, "needs_focus")
    task = ReviewTask.objects.get(queue="close", post=q)
    one, two, three = reviewers(3)
    review_submit(one, task.id, "leave-open")
    review_edit(two, task.id, title=q.title, body=BODY + " Edited in review.", tags="rome")
    assert review_submit(three, task.id, "leave-open").completed
    assert state(task) == (ReviewTaskState.COMPLETED, "leave-open")


def test_closing_outside_the_queue_completes_it_and_retracting_every_vote_ends_it():
    q, other = question(user(10)), question(user(10))
    for voter in reviewers(3):
        services.close_vote_cast(voter, q.id, "needs_focus")
    assert state(ReviewTask.objects.get(queue="close", post=q)) == ("completed", "closed")
    voter = user(3000)
    services.close_vote_cast(voter, other.id, "needs_focus")
    services.close_vote_retract(voter, other.id)
    assert state(ReviewTask.objects.get(queue="close", post=other)) == ("invalidated", "votes gone")


def test_aged_votes_take_the_question_out_of_the_queue():
    q = question(user(10))
    long_ago = timezone.now() - timedelta(days=15)
    services.close_vote_cast(user(3000), q.id, "needs_focus", now=long_ago)
    assert services.close_votes_age() == 1
    assert state(ReviewTask.objects.get(queue="close", post=q))[0] == "invalidated"


def test_reopen_queue_entry_review_and_completion():
    q = question(user(10))
    for voter in reviewers(3):
        services.close_vote_cast(voter, q.id, "needs_focus")
    services.reopen_vote_cast(user(3000), q.id)
    task = ReviewTask.objects.get(queue="reopen", post=q)
    review_submit(user(3000), task.id, "leave-closed")
    review_submit(user(3000), task.id, "reopen")
    assert review_submit(user(3000), task.id, "reopen").completed
    assert state(task) == (ReviewTaskState.COMPLETED, "reopened")
    assert Post.objects.get(id=q.id).closed_date is None


def test_the_askers_edit_request_puts_the_closed_question_in_the_reopen_queue():
    owner = user(10)
    q = question(owner)
    for voter in reviewers(3):
        services.close_vote_cast(voter, q.id, "needs_focus")
    services.reopen_review_request(owner, q.id)
    task = ReviewTask.objects.get(queue="reopen", post=q, state="pending")
    for reviewer in reviewers(3):
        review_submit(reviewer, task.id, "leave-closed")
    assert state(task) == (ReviewTaskState.COMPLETED, "leave-closed")


# Edit


def test_edit_from_the_queue_saves_the_edit_and_the_review_together():
    task = queued_answer()
    editor = user(2000)
    outcome = review_edit(editor, task.id, body=BODY + " Clearer now.", comment="clarity")
    assert outcome.completed and outcome.action == "edit"
    assert "Clearer now" in Post.objects.get(id=task.post_id).body_markdown
    with pytest.raises(PermissionDenied):
        review_edit(editor, task.id, body=BODY + " Again.")


def test_an_edit_that_changes_nothing_records_no_review():
    task = queued_answer()
    post = Post.objects.get(id=task.post_id)
    with pytest.raises(ValidationFailed):
        review_edit(user(2000), task.id, body=post.body_markdown)
    assert not Review.objects.exists()


def test_below_the_edit_privilege_the_edit_is_a_suggestion():
    task = queued_answer()
    outcome = review_edit(user(500), task.id, body=BODY + " Suggested.")
    assert Review.objects.get(task=task).comment == "suggested an edit"
    assert outcome.completed


# Badges


def test_review_badges_are_awarded_per_queue_and_a_recount_agrees(
    django_capture_on_commit_callbacks,
):
    me = user(3000)
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(me, queued_answer().id, "looks-ok")
    assert list(Badge.objects.filter(user=me).values_list("name", flat=True)) == ["Custodian"]
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(me, queued_answer(ReviewQueue.LATE_ANSWERS).id, "skip")
    assert Badge.objects.filter(user=me, name="Custodian").count() == 1  # a skip is no review
    with django_capture_on_commit_callbacks(execute=True):
        review_submit(me, queued_answer(ReviewQueue.LATE_ANSWERS).id, "looks-ok")
    assert Badge.objects.filter(user=me, name="Custodian").count() == 2  # once per queue
    assert not award_badges(None)  # the recount finds nothing missing
    me.refresh_from_db()
    assert me.bronze_badges == 2


def test_reviewer_and_steward_need_250_and_1000_in_one_queue():
    me = user(3000)
    task = queued_answer()
    Review.objects.bulk_create(
        Review(task=task, user=me, queue="first-answers", action="looks-ok") for _ in range(1)
    )
    many = [queued_answer(ReviewQueue.LOW_QUALITY) for _ in range(250)]
    Review.objects.bulk_create(
        Review(task=t, user=me, queue="low-quality-posts", action="looks-ok") for t in many
    )
    award_badges([me.id], events={"reviewed"})
    names = sorted(Badge.objects.filter(user=me).values_list("name", flat=True))
    assert names == ["Custodian", "Custodian", "Reviewer"]
    assert not award_badges(None)


# Pages' reads


def test_history_per_queue_and_per_reviewer_pages_on(monkeypatch, settings):
    settings.QUAESTIO_REVIEWS_LOW_QUALITY_OK = 10
    monkeypatch.setattr(review_selectors, "HISTORY_PAGE", 2)
    task = queued_answer(ReviewQueue.LOW_QUALITY)
    team = reviewers(3, 2000)
    for reviewer in team:
        review_submit(reviewer, task.id, "looks-ok")
    first = review_selectors.review_history("low-quality-posts")
    assert [r.user_id for r in first.reviews] == [team[2].id, team[1].id] and first.next_url
    older = review_selectors.review_history("low-quality-posts", before=first.reviews[-1].id)
    assert [r.user_id for r in older.reviews] == [team[0].id] and not older.next_url
    mine = review_selectors.review_history("low-quality-posts", user_id=team[1].id)
    assert [r.user_id for r in mine.reviews] == [team[1].id]
    page = review_selectors.task_page(team[0], task.id, "low-quality-posts")
    assert [r.user_id for r in page.reviews] == [t.id for t in team]
    assert page.progress == "3 of 10 looks-ok; 0 of 6 deleted"


def test_overview_counts_are_capped(monkeypatch):
    monkeypatch.setattr(review_selectors, "COUNT_CAP", 3)
    for _ in range(5):
        queued_answer(ReviewQueue.LATE_ANSWERS)
    me = user(3000)
    summaries = {s.queue: s for s in review_selectors.review_overview(me)}
    assert summaries["late-answers"].pending_label == "3+"
    assert summaries["first-answers"].pending_label == "0"
    assert "suggested-edits" in summaries


def test_a_deleted_answers_task_is_skipped_when_choosing_the_next_item():
    task = queued_answer()
    delete_vote_cast(user(1, is_moderator=True), task.post_id)  # the hook runs after commit
    assert review_selectors.next_task_id(user(3000), "first-answers") is None


def test_a_locked_post_leaves_the_queues_and_takes_no_reviews():
    from quaestio.moderation.locks import post_lock

    task = queued_answer()
    post_lock(user(1, is_moderator=True), task.post_id, "content_dispute", None)
    assert state(task) == (ReviewTaskState.INVALIDATED, "locked")
    again = ReviewTask.objects.create(queue="first-answers", post_id=task.post_id)
    with pytest.raises(PermissionDenied, match="locked"):
        review_submit(user(3000), again.id, "looks-ok")


def test_a_voter_does_not_see_the_question_in_the_close_queue_again():
    q = question(user(10))
    voter, other = reviewers(2)
    services.close_vote_cast(voter, q.id, "needs_focus")
    task = ReviewTask.objects.get(queue="close", post=q)
    assert review_selectors.next_task_id(voter, "close") is None
    assert review_selectors.next_task_id(other, "close") == task.id
    with pytest.raises(PermissionDenied, match="already voted"):
        review_submit(voter, task.id, "leave-open")
    assert not Review.objects.exists()


def test_reviewing_a_suggested_edit_earns_custodian(django_capture_on_commit_callbacks):
    from quaestio.posts.services import post_edit, suggested_edit_review
    from quaestio.tags.models import Tag

    Tag.objects.get_or_create(name="rome")
    owner = user(10)
    q = question(owner)
    suggestion = post_edit(user(1), q.id, title=q.title, body=BODY, tags="rome").suggestion
    reviewer = user(2000)
    with django_capture_on_commit_callbacks(execute=True):
        suggested_edit_review(reviewer, suggestion.id, "approve")
    assert Badge.objects.filter(user=reviewer, name="Custodian").count() == 1


def test_looks_ok_in_low_quality_disputes_the_flags_that_sent_the_post_there():
    """A very-low-quality flag queues the answer; two reviewers find it fine: the flag is
    disputed (the flagger's history shows it), not left pending."""
    from quaestio.moderation.flags import post_flag_raise
    from quaestio.moderation.models import Flag, FlagState

    task = queued_answer(ReviewQueue.FIRST_ANSWERS)
    post_flag_raise(user(15), task.post_id, "very_low_quality")
    low_quality = ReviewTask.objects.get(queue=ReviewQueue.LOW_QUALITY, post_id=task.post_id)
    one, two = reviewers(2, 2000)
    review_submit(one, low_quality.id, "looks-ok")
    assert Flag.objects.get(post_id=task.post_id).state == FlagState.PENDING
    assert review_submit(two, low_quality.id, "looks-ok").completed
    assert Flag.objects.get(post_id=task.post_id).state == FlagState.DISPUTED
