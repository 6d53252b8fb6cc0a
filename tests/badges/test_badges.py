"""Badges (spec §3): definitions as queries, the granter, after-event checks, the backfill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.badges.definitions import BY_NAME
from quaestio.badges.models import Badge, BadgeClass
from quaestio.badges.services import award_badges
from quaestio.comments.models import Comment
from quaestio.posts.models import Post, PostHistory
from quaestio.reputation import services as ledger
from quaestio.reputation.models import Reason
from quaestio.tags.models import PostTag, Tag
from quaestio.votes.services import accept_set, bounty_award, bounty_offer, vote_set
from tests.votes.factories import make_answer, make_question, make_user

pytestmark = pytest.mark.django_db


def names(user) -> list[str]:
    return sorted(Badge.objects.filter(user=user).values_list("name", flat=True))


def test_student_once_and_counters_updated():
    """Student is awarded once however many questions score ≥ 1, and the bronze counter follows."""
    asker = make_user(1)
    for _ in range(2):
        make_question(asker, score=1)
    award_badges()
    award_badges()
    assert names(asker) == ["Student"]
    asker.refresh_from_db()
    assert asker.bronze_badges == 1


def test_nice_question_once_per_qualifying_question():
    """Nice Question is awarded once per question at score ≥ 10, never twice for the same one."""
    asker = make_user(1)
    make_question(asker, score=10)
    award_badges([asker.id])
    make_question(asker, score=12)
    award_badges([asker.id])
    award_badges([asker.id])
    assert names(asker).count("Nice Question") == 2


@pytest.mark.parametrize(
    "score,expected",
    [
        (25, ["Good Answer", "Nice Answer", "Teacher"]),
        (100, ["Good Answer", "Great Answer", "Nice Answer", "Teacher"]),
    ],
)
def test_answer_score_badges(score, expected):
    """Answer score thresholds 10/25/100 give Nice/Good/Great Answer (and Teacher at 1)."""
    answerer = make_user(1)
    make_answer(make_question(make_user(1)), answerer, score=score)
    award_badges([answerer.id])
    assert names(answerer) == expected
    answerer.refresh_from_db()
    assert answerer.gold_badges == (1 if score >= 100 else 0)


def test_deleted_posts_earn_nothing():
    """Deleted posts do not count towards badges."""
    asker = make_user(1)
    make_question(asker, score=50, deletion_date=timezone.now())
    award_badges()
    assert names(asker) == []


def test_popular_question_by_views():
    """1,000 views: Popular Question."""
    asker = make_user(1)
    make_question(asker, view_count=1000)
    award_badges([asker.id])
    assert names(asker) == ["Popular Question"]


def test_scholar_after_accepting_and_event_task_awards_it(django_capture_on_commit_callbacks):
    """Accepting runs the after-event badge check: the asker gets Scholar right away."""
    asker = make_user(1)
    question = make_question(asker)
    answer = make_answer(question, make_user(1))
    with django_capture_on_commit_callbacks(execute=True):
        accept_set(asker, answer.id, True)
    assert "Scholar" in names(asker)


def test_supporter_and_critic_after_votes(django_capture_on_commit_callbacks):
    """First upvote: Supporter; first downvote: Critic (awarded by the after-vote task)."""
    voter = make_user(200)
    with django_capture_on_commit_callbacks(execute=True):
        vote_set(voter, make_question(make_user(1)).id, "up")
        vote_set(voter, make_question(make_user(1)).id, "down")
    assert names(voter) == ["Critic", "Supporter"]


def test_self_learner():
    """Answering your own question with score ≥ 3."""
    asker = make_user(1)
    question = make_question(asker)
    make_answer(question, asker, score=3)
    award_badges([asker.id])
    assert "Self-Learner" in names(asker)


def test_enlightened_needs_first_answer_accepted_score_10():
    """Enlightened: the first answer, accepted, score ≥ 10; a later answer does not qualify."""
    asker, first, late = make_user(1), make_user(1), make_user(1)
    question = make_question(asker)
    a1 = make_answer(question, first, age=timedelta(days=2), score=10)
    a2 = make_answer(question, late, age=timedelta(days=1), score=10)
    Post.objects.filter(id=question.id).update(accepted_answer=a1)
    award_badges()
    assert "Enlightened" in names(first)
    Post.objects.filter(id=question.id).update(accepted_answer=a2)
    award_badges()
    assert "Enlightened" not in names(late)


def test_necromancer_answer_sixty_days_later():
    """An answer more than 60 days after the question with score ≥ 5."""
    answerer = make_user(1)
    question = make_question(make_user(1), age=timedelta(days=100))
    make_answer(question, answerer, age=timedelta(days=10), score=5)
    award_badges([answerer.id])
    assert "Necromancer" in names(answerer) and "Revival" in names(answerer)


def test_commentator_ten_comments():
    """Ten comments earn Commentator; nine do not."""
    user = make_user(1)
    question = make_question(make_user(1))
    for _ in range(9):
        Comment.objects.create(post=question, user=user, text="a comment here")
    award_badges([user.id])
    assert names(user) == []
    Comment.objects.create(post=question, user=user, text="a comment here")
    award_badges([user.id])
    assert names(user) == ["Commentator"]


def test_autobiographer():
    """A filled About Me earns Autobiographer."""
    user = make_user(1, about_me="<p>Historian</p>")
    award_badges([user.id])
    assert names(user) == ["Autobiographer"]


def test_mortarboard_when_the_day_reaches_the_cap():
    """Reaching 200 in the capped bucket on one day earns Mortarboard."""
    user = make_user(1)
    day = datetime(2026, 1, 5, 10, tzinfo=UTC)
    for _ in range(19):
        ledger.change(user.id, 10, Reason.UPVOTE, now=day)
    award_badges([user.id])
    assert names(user) == []
    ledger.change(user.id, 10, Reason.UPVOTE, now=day)
    award_badges([user.id])
    assert names(user) == ["Mortarboard"]


def test_bounty_badges():
    """Investor/Promoter for offering, Altruist/Benefactor for awarding by hand."""
    offerer = make_user(1000)
    others_question = make_question(make_user(1))
    own_question = make_question(offerer)
    a1 = make_answer(others_question, make_user(1))
    a2 = make_answer(own_question, make_user(1))
    bounty_offer(offerer, others_question.id, 50, "attention")
    bounty_offer(offerer, own_question.id, 50, "attention")
    bounty_award(offerer, a1.id)
    bounty_award(offerer, a2.id)
    award_badges([offerer.id])
    assert names(offerer) == ["Altruist", "Benefactor", "Investor", "Promoter"]


def test_editor_and_cleanup_from_post_history():
    """An edit earns Editor; a rollback earns Cleanup; a retag earns Organizer."""
    editor = make_user(1)
    question = make_question(make_user(1))
    PostHistory.objects.create(post=question, post_history_type=5, revision_guid="g1", user=editor)
    award_badges([editor.id])
    assert names(editor) == ["Editor"]
    PostHistory.objects.create(post=question, post_history_type=8, revision_guid="g2", user=editor)
    PostHistory.objects.create(post=question, post_history_type=6, revision_guid="g3", user=editor)
    award_badges([editor.id])
    assert names(editor) == ["Cleanup", "Editor", "Organizer"]


def test_disciplined_and_peer_pressure():
    """Deleting your own post with score ≥ 3 (Disciplined) or ≤ −3 (Peer Pressure)."""
    user = make_user(1)
    good = make_question(user, score=3, deletion_date=timezone.now())
    bad = make_question(user, score=-3, deletion_date=timezone.now())
    for post in (good, bad):
        PostHistory.objects.create(post=post, post_history_type=12, revision_guid="d", user=user)
    award_badges([user.id])
    assert names(user) == ["Disciplined", "Peer Pressure"]


def test_tag_badge_bronze_at_100_score_over_20_answers():
    """A bronze tag badge: total score ≥ 100 over ≥ 20 non-CW answers in the tag."""
    answerer = make_user(1)
    tag = Tag.objects.create(name="rome")
    for _ in range(20):
        question = make_question(make_user(1))
        PostTag.objects.create(post=question, tag=tag)
        make_answer(question, answerer, score=5)
    award_badges([answerer.id])
    tag_badges = Badge.objects.filter(user=answerer, tag_based=True)
    assert [(b.name, b.badge_class) for b in tag_badges] == [("rome", BadgeClass.BRONZE)]
    award_badges([answerer.id])
    assert Badge.objects.filter(user=answerer, tag_based=True).count() == 1


def test_tag_badge_ignores_community_wiki_answers():
    """CW answers don't count towards tag badges."""
    answerer = make_user(1)
    tag = Tag.objects.create(name="greece")
    for _ in range(20):
        question = make_question(make_user(1))
        PostTag.objects.create(post=question, tag=tag)
        make_answer(question, answerer, score=5, community_owned_date=timezone.now())
    award_badges([answerer.id])
    assert not Badge.objects.filter(user=answerer, tag_based=True).exists()


def test_community_user_gets_no_badges():
    """The Community user (-1) never receives badges."""
    make_question(None, score=20)
    Post.objects.update(owner_id=-1)
    award_badges()
    assert not Badge.objects.filter(user_id=-1).exists()


def test_award_badges_command(capsys):
    """`quaestio award-badges` runs the daily backfill and prints what it awarded."""
    from quaestio.badges.commands import award_badges_command

    make_question(make_user(1), score=1)
    award_badges_command(None)
    assert "Student: 1" in capsys.readouterr().out


def test_every_definition_runs_for_everyone_and_for_a_user():
    """Each badge query works both for the backfill (everyone) and for one user."""
    user = make_user(1)
    for definition in BY_NAME.values():
        assert isinstance(definition.query(None), dict)
        assert isinstance(definition.query([user.id]), dict)


def test_badge_pages():
    """The badge list shows counts; a badge page lists its recipients."""
    user = make_user(1)
    make_question(user, score=1)
    award_badges()
    listing = Client().get("/badges").content.decode()
    assert "Student" in listing and "1 awarded" in listing
    detail = Client().get("/badges/Student").content.decode()
    assert user.display_name in detail
    assert Client().get("/badges/Strunk%20%26%20White").status_code == 200
    assert Client().get("/badges/NoSuchBadge").status_code == 404


def test_badge_list_query_count_is_fixed(django_assert_num_queries):
    """The badge list costs one query however many badges were awarded: the award counts
    the database keeps (BadgeCount), equal to the awards themselves."""
    from quaestio.badges.selectors import badge_list

    for _ in range(5):
        make_question(make_user(1), score=30)
    award_badges()
    with django_assert_num_queries(1):
        groups = badge_list()
    shown = {(row.name, row.badge_class): row.awarded for _, rows in groups for row in rows}
    for badge in Badge.objects.values("name", "badge_class").distinct():
        key = (badge["name"], badge["badge_class"])
        held = Badge.objects.filter(name=key[0], badge_class=key[1]).count()
        assert shown.get(key) == held


def test_after_vote_check_uses_a_few_queries(django_assert_max_num_queries):
    """The after-vote check for a voter runs the vote badges in a handful of queries."""
    voter = make_user(200)
    vote_set(voter, make_question(make_user(1)).id, "up")
    with django_assert_max_num_queries(10):
        award_badges([voter.id], events={"voted"})


def test_backfill_and_pages_on_the_demo_community(demo):
    """The daily backfill runs on the demo community; a second run awards nothing more."""
    award_badges()
    assert sum(award_badges().values()) == 0
    assert Client().get("/badges").status_code == 200
    user = Badge.objects.order_by("id").first().user
    response = Client().get(f"/users/{user.id}/x/reputation", follow=True)
    assert response.status_code == 200


def test_after_event_awards_reach_the_inbox(django_capture_on_commit_callbacks):
    """A badge earned after an event is announced in the owner's inbox."""
    notifications = pytest.importorskip("quaestio.notifications.services")
    from quaestio.notifications.models import Notification

    assert notifications  # the inbox room is merged
    voter = make_user(200)
    with django_capture_on_commit_callbacks(execute=True):
        vote_set(voter, make_question(make_user(1)).id, "up")
    assert Notification.objects.filter(user=voter, kind="badge").count() == 1
