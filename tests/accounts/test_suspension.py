"""Suspensions (issue 17.4): a moderator suspends a user for some days with a reason; the user
sees why and until when on every page, cannot write anything (every write policy asks
accounts.policies.suspension_refusal), and shows 1 reputation until it ends by itself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.accounts import moderating
from quaestio.accounts.models import Suspension, User
from quaestio.accounts.policies import displayed_reputation, suspension_refusal
from quaestio.comments import policies as comment_policies
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import policies as moderation_policies
from quaestio.moderation.models import ModeratorAction
from quaestio.posts import policies as post_policies
from quaestio.votes import policies as vote_policies
from quaestio.votes.models import Vote, VoteType

pytestmark = pytest.mark.django_db
REASON = "Repeated abusive comments towards other users."


@pytest.fixture
def moderator(make_user):
    return make_user(reputation=1, name="Mod Erator", is_moderator=True)


def _suspended(moderator, user, days=7):
    moderating.user_suspend(moderator, user.id, days, REASON)
    return User.objects.get(id=user.id)


def test_suspension_sets_the_end_and_reason_and_is_recorded(moderator, make_user):
    """The row knows until when and why; a Suspension row and an audit row record it."""
    user = make_user(reputation=5000)
    before = timezone.now()
    user = _suspended(moderator, user, days=7)
    assert before + timedelta(days=7) <= user.suspended_until <= timezone.now() + timedelta(days=7)
    assert user.suspension_reason == REASON
    row = Suspension.objects.get(user=user)
    assert row.moderator == moderator and row.reason == REASON and row.lifted_date is None
    audit = ModeratorAction.objects.get(action="suspend")
    assert audit.target_user_id == user.id and audit.moderator_id == moderator.id
    assert REASON in audit.details


def test_every_write_policy_refuses_a_suspended_user(moderator, make_user, ask):
    """Ask, answer, edit, comment, vote, accept, close-vote, delete-vote: all refused, each
    with the suspension's message, though the user's reputation would allow them."""
    user = make_user(reputation=25000)
    other = ask(make_user(reputation=1000))
    mine = ask(user, title="What did a Roman legionary carry on the march?")
    user = _suspended(moderator, user)
    decisions = [
        post_policies.may_ask(user),
        post_policies.may_answer(user, other),
        post_policies.can_edit(user, mine),
        post_policies.can_edit(user, other),
        post_policies.can_suggest_edit(user, other),
        post_policies.can_delete(user, mine),
        comment_policies.can_comment(user, other),
        moderation_policies.can_vote_to_close(user, other, None),
        moderation_policies.can_flag_to_close(user, other),
        moderation_policies.can_flag_post(user, other),
    ]
    for allowed, reason in decisions:
        assert not allowed and "suspended until" in reason
    assert "suspended until" in vote_policies.can_vote_on_post(user, other, VoteType.UP_MOD)
    assert "suspended until" in suspension_refusal(user)


def test_a_suspended_moderator_tool_user_is_refused_and_moderators_cannot_be_suspended(
    moderator, make_user
):
    """A moderator cannot be suspended (remove the role first), nor can one suspend oneself."""
    other_moderator = make_user(is_moderator=True)
    with pytest.raises(PermissionDenied, match="Moderators cannot be suspended"):
        moderating.user_suspend(moderator, other_moderator.id, 3, REASON)
    with pytest.raises(PermissionDenied, match="yourself|Moderators"):
        moderating.user_suspend(moderator, moderator.id, 3, REASON)


def test_only_moderators_suspend_and_bad_input_changes_nothing(moderator, make_user):
    """A 20k user may not suspend; a bad length or reason is refused with what to give."""
    user, trusted = make_user(), make_user(reputation=20000)
    with pytest.raises(PermissionDenied, match="Only moderators"):
        moderating.user_suspend(trusted, user.id, 3, REASON)
    with pytest.raises(ValidationFailed, match="1 to 365"):
        moderating.user_suspend(moderator, user.id, "0", REASON)
    with pytest.raises(ValidationFailed, match="1 to 365"):
        moderating.user_suspend(moderator, user.id, "1000", REASON)
    with pytest.raises(ValidationFailed, match="reason"):
        moderating.user_suspend(moderator, user.id, 3, "bad")
    assert User.objects.get(id=user.id).suspended_until is None
    assert not Suspension.objects.exists() and not ModeratorAction.objects.exists()


def test_reputation_shows_as_one_while_the_ledger_keeps_the_sum(moderator, make_user):
    """Display only: the stored total is untouched and shows again when the suspension ends."""
    user = _suspended(moderator, make_user(reputation=4321))
    assert user.reputation == 4321
    assert displayed_reputation(user) == 1
    later = user.suspended_until + timedelta(seconds=1)
    assert displayed_reputation(user, later) == 4321


def test_the_api_shows_a_suspended_users_reputation_as_the_pages_do(moderator, make_user, ask):
    """/2.3/users/{id} and a question's owner say 1 while the suspension lasts, as the
    site's pages do; the real total comes back when it ends."""
    user = make_user(reputation=4321)
    question = ask(user)
    _suspended(moderator, user)
    client = Client()
    [item] = client.get(f"/2.3/users/{user.id}?site=x").json()["items"]
    assert item["reputation"] == 1
    [asked] = client.get(f"/2.3/questions/{question.id}?site=x").json()["items"]
    assert asked["owner"]["reputation"] == 1
    moderating.user_unsuspend(moderator, user.id)
    [item] = client.get(f"/2.3/users/{user.id}?site=x").json()["items"]
    assert item["reputation"] == 4321


def test_the_suspension_ends_by_itself_when_its_date_passes(moderator, make_user, ask):
    """No job: once the date passes the policies allow writing again."""
    user = _suspended(moderator, make_user(reputation=200))
    User.objects.filter(id=user.id).update(suspended_until=timezone.now() - timedelta(seconds=1))
    user = User.objects.get(id=user.id)
    assert suspension_refusal(user) == ""
    assert post_policies.may_ask(user) == (True, "")


def test_unsuspend_lifts_it_early_and_is_recorded(moderator, make_user):
    user = _suspended(moderator, make_user(reputation=200))
    assert moderating.user_unsuspend(moderator, user.id) is True
    user = User.objects.get(id=user.id)
    assert user.suspended_until is None and suspension_refusal(user) == ""
    assert Suspension.objects.get(user=user).lifted_by == moderator
    assert ModeratorAction.objects.filter(action="unsuspend", target_user_id=user.id).exists()
    assert moderating.user_unsuspend(moderator, user.id) is False  # nothing to lift


def test_a_new_suspension_replaces_the_one_in_force(moderator, make_user):
    user = _suspended(moderator, make_user(), days=3)
    user = _suspended(moderator, user, days=30)
    assert user.suspended_until > timezone.now() + timedelta(days=29)
    assert Suspension.objects.filter(user=user, lifted_date=None).count() == 1


# Pages


def _client(user, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_every_page_shows_the_suspended_user_why_and_until_when(moderator, make_user):
    user = _suspended(moderator, make_user(reputation=3000))
    client = _client(user)
    for url in ("/", "/questions", "/tags", f"/users/{user.id}"):
        page = client.get(url, follow=True).content.decode()
        assert "Your account is suspended until" in page, url
        assert REASON in page
    header = client.get("/questions").content.decode()
    assert '<span class="rep">1</span>' in header


def test_others_see_reputation_one_on_the_profile_and_cards_but_not_the_reason(
    moderator, make_user, ask
):
    user = make_user(reputation=3000, name="Suspended Writer")
    question = ask(user)
    _suspended(moderator, user)
    reader = Client()
    profile = reader.get(f"/users/{user.id}", follow=True).content.decode()
    assert "temporarily suspended until" in profile and REASON not in profile
    assert "reputation score 1" in profile and "3,000" not in profile
    page = reader.get(f"/questions/{question.id}", follow=True).content.decode()
    assert "reputation score 1" in page and "reputation score 3,000" not in page


def test_forged_writes_by_a_suspended_user_are_refused_and_change_nothing(
    moderator, make_user, ask
):
    """Posting, answering, commenting and voting by hand-made POSTs: each refused (403) with
    the suspension message, and no row written."""
    from quaestio.comments.models import Comment
    from quaestio.posts.models import Post

    question = ask(make_user(reputation=1000))
    user = _suspended(moderator, make_user(reputation=5000))
    client = _client(user)
    before = Post.objects.count()
    answer = client.post(
        f"/questions/{question.id}/answer",
        {"body": "An answer long enough to pass every length check of the site."},
    )
    ask_page = client.post(
        "/questions/ask",
        {"title": "Why did the legions use the pilum?", "body": "x" * 60, "tags": "rome"},
    )
    comment = client.post(
        f"/posts/{question.id}/comments/new", {"text": "A comment that is long enough."}
    )
    vote = client.post(f"/posts/{question.id}/vote/up")
    for response in (answer, ask_page, comment, vote):
        assert response.status_code in (403, 400), response.status_code
        assert "suspended until" in response.content.decode()
    assert Post.objects.count() == before
    assert not Comment.objects.filter(user=user).exists()
    assert not Vote.objects.filter(user=user).exists()


def test_the_suspend_form_is_for_moderators_and_needs_csrf(moderator, make_user):
    user = make_user(reputation=100)
    refused = _client(make_user(reputation=20000)).post(
        f"/users/{user.id}/suspend", {"days": "7", "reason": REASON}
    )
    assert refused.status_code == 403 and "Only moderators" in refused.content.decode()
    no_token = _client(moderator, csrf=True).post(
        f"/users/{user.id}/suspend", {"days": "7", "reason": REASON}
    )
    assert no_token.status_code == 403
    assert User.objects.get(id=user.id).suspended_until is None
    form = _client(moderator).get(f"/users/{user.id}/suspend")
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    done = _client(moderator).post(f"/users/{user.id}/suspend", {"days": "7", "reason": REASON})
    assert done.status_code == 302
    assert User.objects.get(id=user.id).suspended_until is not None
    bad = _client(moderator).post(f"/users/{user.id}/suspend", {"days": "x", "reason": REASON})
    assert bad.status_code == 400 and "1 to 365" in bad.content.decode()
