"""The profile's tabs at Stack Exchange's URLs (issue 18.1): each renders, sorts and pages;
votes cast are for their user alone; the cost of a tab does not grow with the user's posts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.badges.models import Badge
from quaestio.comments.services import comment_add
from quaestio.core.links import user_url
from quaestio.posts.models import Post
from quaestio.votes.services import vote_set

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
ANSWER = "An answer long enough to pass the minimum, about bridges and boats of the legions."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author(make_user, ask):
    """A user with two questions, three answers of different scores, a comment, a badge and
    a vote cast."""
    user = make_user(reputation=500, name="Tabitha Tabs")
    other = make_user(reputation=500, name="Other Person")
    ask(user, title="How were Roman roads surveyed in Gaul?", tags="rome")
    ask(user, title="Which legions guarded the Rhine frontier?", tags="legions")
    for n in range(3):
        question = ask(other, title=f"Question {n} about Roman river crossings", tags="rome")
        # Rows, not answer_post: one user's three answers in a row would meet its rate limit.
        Post.objects.create(
            post_type=2,
            parent=question,
            owner=user,
            body=ANSWER,
            score=n * 5,
            creation_date=timezone.now() + timedelta(minutes=n),
        )
    comment_add(user, question.id, "A comment on the last question, long enough.")
    Badge.objects.create(user=user, name="Teacher", badge_class=3)
    vote_set(user, question.id, "up")
    return user


def _tab(client, user, query: str = "") -> str:
    response = client.get(user_url(user.id, user.display_name) + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_every_tab_renders_at_its_stack_exchange_url(author):
    """?tab=profile, activity, answers, questions, tags, badges, bounties, reputation and
    allactions each show the user's own rows."""
    client = Client()
    pages = {
        tab: _tab(client, author, f"?tab={tab}")
        for tab in (
            "profile",
            "activity",
            "answers",
            "questions",
            "tags",
            "badges",
            "bounties",
            "reputation",
            "allactions",
        )
    }
    assert "Top posts" in pages["profile"] and "Top tags" in pages["profile"]
    assert "How were Roman roads surveyed in Gaul?" in pages["questions"]
    assert "3 answers" in pages["answers"]
    assert re.search(r'class="tag"[^>]*>rome<', pages["tags"])
    assert "Teacher" in pages["badges"]
    assert "<polyline" in pages["reputation"]
    assert "A comment on the last question" in pages["allactions"]
    assert "Question 2 about Roman river crossings" in pages["activity"]
    # an unknown tab is the profile
    assert "Top posts" in _tab(client, author, "?tab=nonsense")


def test_answers_sort_by_votes_or_newest(author):
    """sort=votes puts the highest score first; sort=newest the latest answer first."""
    client = Client()
    by_votes = _tab(client, author, "?tab=answers&sort=votes")
    scores = [int(s) for s in re.findall(r'class="mini-score[^"]*">(-?\d+)<', by_votes)]
    assert scores == [10, 5, 0]
    newest = _tab(client, author, "?tab=answers&sort=newest")
    titles = re.findall(r"Question (\d) about Roman river crossings", newest)
    assert titles == ["2", "1", "0"]


def test_votes_tab_is_for_its_user_alone(author, make_user):
    """The owner sees the votes they cast and the tab's link; anyone else gets a 404 and no
    link."""
    own = _tab(_client(author), author, "?tab=votes")
    assert "Votes cast" in own and "Question 2 about Roman river crossings" in own
    stranger = _client(make_user())
    url = user_url(author.id, author.display_name)
    assert stranger.get(url + "?tab=votes").status_code == 404
    assert Client().get(url + "?tab=votes").status_code == 404
    assert "?tab=votes" not in _tab(stranger, author, "?tab=activity")
    assert "?tab=votes" in _tab(_client(author), author, "?tab=activity")


def test_answers_tab_pages(make_user, ask):
    """35 answers: page 1 shows 30, page 2 the other 5, with a pager."""
    user = make_user(reputation=500)
    question = ask()
    for n in range(35):
        Post.objects.create(post_type=2, parent=question, owner=user, body="x", score=n, title="")
    page1 = _tab(Client(), user, "?tab=answers&sort=votes")
    page2 = _tab(Client(), user, "?tab=answers&sort=votes&page=2")
    assert len(re.findall(r'class="post-row"', page1)) == 30
    assert len(re.findall(r'class="post-row"', page2)) == 5
    assert 'class="pager"' in page1


def test_all_actions_pages_by_date_without_repeating(make_user, ask):
    """The keyset pages of all actions follow each other: no action twice, none lost."""
    user = make_user(reputation=500)
    start = timezone.now() - timedelta(days=100)
    for n in range(45):
        Badge.objects.create(
            user=user, name=f"Badge {n:02d}", badge_class=3, date=start + timedelta(hours=n)
        )
    client = Client()
    first = _tab(client, user, "?tab=allactions")
    more = re.search(r'href="(\?tab=allactions[^"]*before=[^"]+)"', first).group(1)
    second = _tab(client, user, more.replace("&amp;", "&"))
    names = re.findall(r">Badge (\d\d)<", first) + re.findall(r">Badge (\d\d)<", second)
    assert names == [f"{n:02d}" for n in range(44, -1, -1)]


def test_profile_of_a_deleted_account_is_gone(author):
    """A deleted account has no profile (404), as on Stack Exchange."""
    author.deleted_date = timezone.now()
    author.save()
    assert Client().get(user_url(author.id, author.display_name)).status_code == 404


def test_tab_queries_do_not_grow_with_the_users_posts(
    make_user, ask, django_assert_max_num_queries
):
    """Each tab reads in a fixed number of queries, for 3 posts as for 40."""
    user = make_user(reputation=500)
    question = ask(user)
    client = Client()
    counts = {}
    for size in (3, 40):
        for _ in range(size - Post.objects.filter(owner=user).count()):
            Post.objects.create(post_type=2, parent=question, owner=user, body="x", title="")
        for tab in ("profile", "activity", "answers", "allactions", "tags", "reputation"):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                _tab(client, user, f"?tab={tab}")
            counts.setdefault(tab, []).append(len(captured))
    assert all(small == large for small, large in counts.values()), counts


def test_badges_tab_pages_and_sorts(make_user):
    """35 different badges (one twice): 30 a page, by recent, class or name."""
    user = make_user(reputation=500)
    start = timezone.now() - timedelta(days=100)
    for n in range(35):
        Badge.objects.create(
            user=user, name=f"Badge {n:02d}", badge_class=1 + n % 3, date=start + timedelta(hours=n)
        )
    Badge.objects.create(user=user, name="Badge 00", badge_class=1, date=start)
    client = Client()
    recent = _tab(client, user, "?tab=badges")
    assert "35 badges" in recent and 'class="pager"' in recent
    names = re.findall(r"</span>Badge (\d\d)</a>", recent)
    assert names == [f"{n:02d}" for n in range(34, 4, -1)]
    assert re.findall(r"</span>Badge (\d\d)</a>", _tab(client, user, "?tab=badges&page=2")) == [
        f"{n:02d}" for n in range(4, -1, -1)
    ]
    by_name = re.findall(r"</span>Badge (\d\d)</a>", _tab(client, user, "?tab=badges&sort=name"))
    assert by_name == [f"{n:02d}" for n in range(30)]
    by_class = re.findall(r"</span>Badge (\d\d)</a>", _tab(client, user, "?tab=badges&sort=class"))
    assert by_class[:12] == [f"{n:02d}" for n in range(0, 35, 3)]
    assert "× 2" in _tab(client, user, "?tab=badges&sort=name")


def test_bounties_tab_pages_and_filters(make_user, ask):
    """35 bounties offered, 2 still open: offered pages 30 + 5, newest first; active shows 2."""
    from quaestio.votes.models import Bounty, BountyState

    user = make_user(reputation=5000)
    start = timezone.now() - timedelta(days=100)
    for n in range(35):
        question = ask(title=f"Bountied question number {n:02d} about Roman roads")
        Bounty.objects.create(
            question=question,
            offerer=user,
            amount=50,
            reason="attention",
            state=BountyState.OPEN if n >= 33 else BountyState.EXPIRED,
            started_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n + 7),
        )
    client = Client()
    first = _tab(client, user, "?tab=bounties")
    titles = re.findall(r"number (\d\d) about", first)
    assert "35 bounties" in first and titles == [f"{n:02d}" for n in range(34, 4, -1)]
    second = re.findall(r"number (\d\d) about", _tab(client, user, "?tab=bounties&page=2"))
    assert second == [f"{n:02d}" for n in range(4, -1, -1)]
    active = _tab(client, user, "?tab=bounties&sort=active")
    assert re.findall(r"number (\d\d) about", active) == ["34", "33"] and "2 bounties" in active
