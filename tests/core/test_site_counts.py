"""The site-wide counts (core/site_counts.py) change with the rows, in the same transaction,
whatever writes them (the services, bulk writes, raw updates), and equal what `recount`
computes from the rows afterwards: on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.badges.models import Badge, BadgeCount
from quaestio.comments.models import Comment
from quaestio.comments.services import comment_add, comment_delete
from quaestio.core.counters import recount
from quaestio.core.models import AnsweredQuestion
from quaestio.core.site_counts import (
    ACCEPTED,
    ANSWERED,
    ANSWERS,
    COMMENTS,
    NAMES,
    QUESTIONS,
    SITE_COUNTERS,
    TAGS,
    UNANSWERED,
    USERS,
    VOTES,
    site_count,
)
from quaestio.posts.models import Post, PostType
from quaestio.posts.services import answer_post, post_delete, post_undelete
from quaestio.tags.models import Tag
from quaestio.votes.models import Vote
from quaestio.votes.services import accept_set, vote_set

pytestmark = pytest.mark.django_db

ANSWER = "An answer long enough to pass the thirty character minimum, with detail."


def counts() -> dict[str, int]:
    return {name: site_count(name) for name in NAMES}


def from_rows() -> dict[str, int]:
    live = Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
    return {
        QUESTIONS: live.count(),
        UNANSWERED: live.filter(answer_count=0).count(),
        USERS: User.objects.exclude(id=COMMUNITY_USER_ID).count(),
        TAGS: Tag.objects.count(),
        ANSWERS: Post.objects.filter(post_type=PostType.ANSWER, deletion_date=None).count(),
        ACCEPTED: live.filter(accepted_answer__isnull=False).count(),
        COMMENTS: Comment.objects.filter(deletion_date=None).count(),
        VOTES: Vote.objects.count(),
        ANSWERED: answered_from_rows().count(),
    }


def answered_from_rows():
    """Live questions with an accepted answer or an upvoted live answer (the API's answered)."""
    upvoted = Post.objects.filter(
        parent=OuterRef("pk"), post_type=PostType.ANSWER, score__gt=0, deletion_date=None
    )
    live = Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
    return live.filter(Q(accepted_answer__isnull=False) | Exists(upvoted))


def badge_counts() -> dict[tuple, int]:
    return {
        (b.name, b.badge_class, b.tag_based): b.awarded
        for b in BadgeCount.objects.all()
        if b.awarded
    }


def badge_rows() -> dict[tuple, int]:
    found: dict[tuple, int] = {}
    for b in Badge.objects.all():
        key = (b.name, b.badge_class, b.tag_based)
        found[key] = found.get(key, 0) + 1
    return found


def assert_counts_match_recount() -> None:
    """The kept counts equal the rows, and recount finds nothing to correct."""
    assert counts() == from_rows()
    assert set(AnsweredQuestion.objects.values_list("question_id", flat=True)) == set(
        answered_from_rows().values_list("id", flat=True)
    )
    assert badge_counts() == badge_rows()
    changed = recount(only={name for name, _ in SITE_COUNTERS})
    assert set(changed.values()) == {0}, changed


def test_questions_answers_and_deletions_move_the_counts(ask, make_user):
    before = counts()
    question = ask(tags="rome history")
    other = ask(title="Why did the Roman republic fall apart?", tags="rome")
    assert counts()[QUESTIONS] == before[QUESTIONS] + 2
    assert counts()[UNANSWERED] == before[UNANSWERED] + 2
    assert counts()[TAGS] == from_rows()[TAGS]

    answer = answer_post(make_user(reputation=100), question.id, body=ANSWER)
    assert counts()[UNANSWERED] == before[UNANSWERED] + 1  # answered now
    assert counts()[ANSWERS] == before[ANSWERS] + 1
    assert_counts_match_recount()
    accept_set(question.owner, answer.id, True)
    assert counts()[ACCEPTED] == before[ACCEPTED] + 1
    vote_set(make_user(reputation=100), answer.id, "up")
    assert counts()[VOTES] == before[VOTES] + 2  # the accept and the upvote
    comment = comment_add(make_user(reputation=100), question.id, "A comment long enough to keep.")
    assert counts()[COMMENTS] == before[COMMENTS] + 1
    comment_delete(comment.user, comment.id)
    assert counts()[COMMENTS] == before[COMMENTS]
    assert_counts_match_recount()

    moderator = make_user(reputation=1, is_moderator=True)
    post_delete(moderator, answer.id)  # unanswered again
    assert counts()[UNANSWERED] == before[UNANSWERED] + 2
    post_delete(moderator, other.id)
    assert counts()[QUESTIONS] == before[QUESTIONS] + 1
    assert counts()[UNANSWERED] == before[UNANSWERED] + 1
    assert_counts_match_recount()

    post_undelete(moderator, other.id)
    post_undelete(moderator, answer.id)
    assert counts()[QUESTIONS] == before[QUESTIONS] + 2
    assert counts()[UNANSWERED] == before[UNANSWERED] + 1
    assert_counts_match_recount()


def test_users_and_tags_count_bulk_writes_and_deletes(make_user):
    before = counts()
    users = [make_user() for _ in range(3)]
    User.objects.bulk_create(
        [User(email=f"bulk{i}@example.org", display_name=f"Bulk {i}") for i in range(4)]
    )
    assert counts()[USERS] == before[USERS] + 7
    users[0].delete()
    Tag.objects.bulk_create([Tag(name=f"tag-{i}") for i in range(5)])
    Tag.objects.filter(name="tag-0").delete()
    assert counts()[USERS] == before[USERS] + 6
    assert counts()[TAGS] == before[TAGS] + 4
    assert_counts_match_recount()


def test_writes_outside_the_services_are_counted(ask):
    """A bulk update (as an import or a shell would do) moves the counts as well."""
    questions = [ask(title=f"Question number {i} about the Roman legions?") for i in range(3)]
    ids = [q.id for q in questions]
    Post.objects.filter(id__in=ids[:2]).update(answer_count=4)
    assert_counts_match_recount()
    Post.objects.filter(id=ids[2]).update(post_type=PostType.TAG_WIKI_EXCERPT)
    Post.objects.filter(id=ids[0]).delete()
    assert_counts_match_recount()


def test_badge_awards_are_counted_and_recount_agrees(make_user):
    people = [make_user() for _ in range(3)]
    Badge.objects.bulk_create(
        [Badge(user=p, name="Student", badge_class=3) for p in people]
        + [Badge(user=people[0], name="python", badge_class=2, tag_based=True)]
    )
    Badge.objects.create(user=people[1], name="Teacher", badge_class=3)
    assert badge_counts()[("Student", 3, False)] == 3
    assert badge_counts()[("python", 2, True)] == 1
    Badge.objects.filter(user=people[2], name="Student").delete()
    Badge.objects.filter(name="Teacher").update(name="Editor")
    assert badge_counts()[("Student", 3, False)] == 2
    assert ("Teacher", 3, False) not in badge_counts()
    assert badge_counts()[("Editor", 3, False)] == 1
    assert_counts_match_recount()


def test_a_rolled_back_write_leaves_the_counts(ask):
    before = counts()
    with pytest.raises(IntegrityError), transaction.atomic():
        ask(title="A question that is rolled back with its transaction?")
        User.objects.create(email="dup@example.org", display_name="Dup")
        User.objects.create(email="dup@example.org", display_name="Dup")
    assert counts() == before


def test_recount_repairs_a_wrong_count(ask):
    ask()
    from quaestio.core.models import SiteCount

    SiteCount.objects.filter(name=QUESTIONS).update(value=1234)
    BadgeCount.objects.create(name="Ghost", badge_class=1, awarded=9)
    changed = recount(only={name for name, _ in SITE_COUNTERS})
    assert changed[f"site count of {QUESTIONS}"] == 1
    assert changed["badge award counts of badges no longer held"] == 1
    assert_counts_match_recount()


def test_answered_follows_answer_scores_acceptance_and_deletion(ask, make_user):
    """A question is answered while it has an accepted answer or an upvoted live one: a vote,
    its retraction, an acceptance, a deletion and a raw score update each move it."""
    before = counts()[ANSWERED]
    question = ask(tags="rome")
    answer = answer_post(make_user(reputation=100), question.id, body=ANSWER)
    assert counts()[ANSWERED] == before  # answered, but not upvoted nor accepted
    voter = make_user(reputation=100)
    vote_set(voter, answer.id, "up")
    assert counts()[ANSWERED] == before + 1
    assert_counts_match_recount()
    vote_set(voter, answer.id, None)  # the vote taken back
    assert counts()[ANSWERED] == before
    accept_set(question.owner, answer.id, True)
    assert counts()[ANSWERED] == before + 1
    accept_set(question.owner, answer.id, False)
    assert counts()[ANSWERED] == before
    Post.objects.filter(id=answer.id).update(score=3)  # a write outside the services
    assert counts()[ANSWERED] == before + 1
    moderator = make_user(reputation=1, is_moderator=True)
    post_delete(moderator, question.id)
    assert counts()[ANSWERED] == before
    post_undelete(moderator, question.id)
    assert counts()[ANSWERED] == before + 1
    Post.objects.filter(id=answer.id).delete()
    assert counts()[ANSWERED] == before
    assert_counts_match_recount()
