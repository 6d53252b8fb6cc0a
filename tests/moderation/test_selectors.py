"""close_state: the closed notice, the standing votes and the viewer's choices, read in a fixed
number of queries, for closings made here and closings imported from a dump."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from quaestio.moderation import services
from quaestio.moderation.selectors import close_state, original_ids_in
from quaestio.posts.models import CloseReason, LinkType, PostHistory, PostLink
from tests.moderation.support import question, user, voters

pytestmark = pytest.mark.django_db


def test_notice_of_a_duplicate_closed_here(django_assert_max_num_queries):
    """A duplicate's notice: reason, public text, the three closers, the original; the owner
    guidance for the owner only; read in at most eight queries."""
    owner = user(10)
    original = question(user(10), title="How did Caesar bridge the Rhine?")
    q = question(owner)
    team = voters(3)
    for voter in team:
        services.close_vote_cast(voter, q.id, "duplicate", originals=[original.id])
    with django_assert_max_num_queries(8):
        state = close_state(q.id, owner)
    notice = state.notice
    assert state.is_closed and state.title_suffix == " [duplicate]"
    assert notice.is_duplicate and notice.reason_title == "Duplicate"
    assert notice.text.startswith("This question has been asked before")
    assert [c.user_id for c in notice.closed_by] == [v.id for v in team]
    assert [o.title for o in notice.originals] == ["How did Caesar bridge the Rhine?"]
    assert notice.owner_guidance
    assert close_state(q.id, user(3000)).notice.owner_guidance == ""
    assert close_state(q.id, None).notice.owner_guidance == ""


def test_pending_votes_and_the_viewers_vote(django_assert_max_num_queries):
    """Two standing votes and a flag are counted apart; the voter sees they voted; a 3k viewer
    may vote, a 15 viewer may flag; votes 15 days old count none on read."""
    q = question(user(10))
    a, b = voters(2)
    services.close_vote_cast(a, q.id, "needs_focus")
    services.close_vote_cast(b, q.id, "needs_focus")
    services.close_flag_raise(user(15), q.id, "needs_focus")
    with django_assert_max_num_queries(8):
        state = close_state(q.id, a)
    assert (state.close_votes, state.close_flags, state.viewer_voted_close) == (2, 1, True)
    assert state.can_see_votes and state.votes_needed == 3
    assert close_state(q.id, user(3000)).may_vote_close == (True, "")
    low = close_state(q.id, user(15))
    assert not low.may_vote_close[0] and low.may_flag_close == (True, "")
    stale = question(user(10))
    services.close_vote_cast(a, stale.id, "needs_focus", now=timezone.now() - timedelta(days=15))
    assert close_state(stale.id, a).close_votes == 0


def test_imported_closing_shows_its_reason_closers_and_originals():
    """A dump's closing (the post's ClosedDate, a PostHistory type 10 row with its JSON, a
    PostLinks type 3 row) reads like one made here: reason, voters by name, originals from the
    links and from OriginalQuestionIds."""
    by_link, by_json = (
        question(user(10), title="Linked original"),
        question(user(10), title="Named original"),
    )
    closed_at = timezone.now() - timedelta(days=400)
    q = question(user(10), closed_date=closed_at, close_reason=CloseReason.DUPLICATE)
    gone = user(3000)
    PostHistory.objects.create(
        post_history_type=10,
        post_id=q.id,
        revision_guid="6f1e9f5e-0000-0000-0000-000000000001",
        creation_date=closed_at,
        comment="101",
        text=json.dumps(
            {
                "OriginalQuestionIds": [by_json.id],
                "Voters": [
                    {"Id": gone.id, "DisplayName": "Vetus"},
                    {"Id": 987654, "DisplayName": "Gone user"},
                ],
            }
        ),
    )
    PostLink.objects.create(post_id=q.id, related_post_id=by_link.id, link_type=LinkType.DUPLICATE)
    notice = close_state(q.id, None).notice
    assert notice.closed_date == closed_at
    assert [c.display_name for c in notice.closed_by] == [gone.display_name, "Gone user"]
    assert notice.closed_by[1].url is None
    assert [o.title for o in notice.originals] == ["Named original", "Linked original"]


def test_imported_old_reason_without_history_still_has_a_notice():
    """A closing under a pre-2013 reason with no history row still gets a notice naming it."""
    q = question(user(10), closed_date=timezone.now(), close_reason=CloseReason.NOT_A_REAL_QUESTION)
    notice = close_state(q.id, None).notice
    assert notice.reason_title == "Not a real question" and "not a real question" in notice.text
    assert notice.closed_by == [] and close_state(q.id, None).title_suffix == " [closed]"


def test_original_ids_in_reads_ids_and_links_not_words():
    """The duplicate box: ids and question links give ids; any word makes it a title search."""
    assert original_ids_in("12, https://example.org/questions/34/slug /q/56") == [12, 34, 56]
    assert original_ids_in("roman bridges 12") == []


def test_anonymous_view_of_an_open_question_costs_no_query(django_assert_num_queries):
    """The question page's most common view: an open question, nobody signed in."""
    q = question(user(10))
    with django_assert_num_queries(0):
        state = close_state(q.id, None, question=q)
    assert state.notice is None and not state.may_vote_close[0]
