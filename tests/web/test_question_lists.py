"""Question lists: the Bountied tab, bounty amounts in summaries, and ?pagesize (issue 15.12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from lxml import html as lxml_html

from quaestio.tags.models import PostTag, Tag
from quaestio.votes.models import Bounty
from quaestio.votes.services import bounty_offer
from tests.votes.factories import make_question as make_untagged_question
from tests.votes.factories import make_user

pytestmark = pytest.mark.django_db


def make_question():
    """A question tagged [history], as its tags field says."""
    question = make_untagged_question()
    tag, _ = Tag.objects.get_or_create(name="history")
    PostTag.objects.create(post=question, tag=tag)
    # As the tagging service does: the tag's count is the tag page's total (no COUNT(*)).
    Tag.objects.filter(id=tag.id).update(count=F("count") + 1)
    return question


def _summaries(client, url: str, **params) -> list:
    response = client.get(url, params)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode()).cssselect(".question-summary")


def _ids(summaries) -> list[int]:
    return [int(s.get("id").rsplit("-", 1)[1]) for s in summaries]


def _offer(question, amount: int, days_ago: int) -> None:
    bounty_offer(make_user(1000), question.id, amount, "attention")
    started = timezone.now() - timedelta(days=days_ago)
    Bounty.objects.filter(question=question).update(started_at=started)


def test_bountied_tab_lists_open_bounties_newest_first_with_their_amounts(client):
    """?tab=bounties lists only questions with an open bounty, the newest bounty first, each
    summary carrying its +N badge."""
    older, newer, plain = make_question(), make_question(), make_question()
    _offer(older, 100, days_ago=3)
    _offer(newer, 50, days_ago=1)
    summaries = _summaries(client, "/questions", tab="bounties")
    assert _ids(summaries) == [newer.id, older.id]
    badges = [s.cssselect(".bounty-amount")[0].text_content() for s in summaries]
    assert badges == ["+50", "+100"]
    assert plain.id not in _ids(summaries)
    tabs = lxml_html.fromstring(client.get("/questions").content.decode()).cssselect(".tabs a")
    assert "Bountied" in [a.text_content() for a in tabs]


def test_every_question_list_shows_the_open_bounty(client):
    """The bounty amount shows in question summaries on the other tabs and on tag pages, and
    only on questions with an open bounty."""
    bountied, plain = make_question(), make_question()
    _offer(bountied, 150, days_ago=1)
    for url, params in [
        ("/questions", {}),
        ("/questions", {"tab": "newest"}),
        ("/tags/history", {}),
    ]:
        by_id = {_ids([s])[0]: s for s in _summaries(client, url, **params)}
        assert by_id[bountied.id].cssselect(".bounty-amount")[0].text_content() == "+150"
        assert not by_id[plain.id].cssselect(".bounty-amount")


def test_a_closed_bounty_leaves_the_tab_and_the_summary(client):
    """An awarded or expired bounty is no longer shown."""
    question = make_question()
    _offer(question, 50, days_ago=1)
    Bounty.objects.filter(question=question).update(state="expired")
    assert not _summaries(client, "/questions", tab="bounties")
    (summary,) = _summaries(client, "/questions")
    assert not summary.cssselect(".bounty-amount")


@pytest.mark.parametrize(
    "pagesize, shown", [("15", 15), ("30", 30), ("50", 50), ("", 15), ("100", 15), ("x", 15)]
)
def test_pagesize_takes_stack_exchanges_sizes(client, pagesize, shown):
    """?pagesize= is 15, 30 or 50 as on Stack Exchange; anything else is the default, 15."""
    for _ in range(55):
        make_question()
    assert len(_summaries(client, "/questions", pagesize=pagesize)) == shown
    assert len(_summaries(client, "/questions/tagged/history", pagesize=pagesize)) == shown


def test_page_links_keep_the_page_size_and_the_chooser_offers_the_sizes(client):
    """The pager's links keep ?pagesize and the chooser links each size from page 1."""
    for _ in range(35):
        make_question()
    tree = lxml_html.fromstring(client.get("/questions?tab=newest&pagesize=30").content.decode())
    page_links = [a.get("href") for a in tree.cssselect("nav[aria-label=Pages] a")]
    assert page_links == ["?tab=newest&pagesize=30&page=2"]
    sizes = tree.cssselect(".page-sizes")[0]
    assert sizes.cssselect('[aria-current="true"]')[0].text_content() == "30"
    assert [a.get("href") for a in sizes.cssselect("a")] == [
        "?tab=newest&pagesize=15&page=1",
        "?tab=newest&pagesize=50&page=1",
    ]
    second = _summaries(client, "/questions", tab="newest", pagesize="30", page="2")
    assert len(second) == 5
