"""Bulk clean-up (issue 21 point 2): moderators find accounts by filters, preview what an
action removes, and suspend or destroy them all in one action; counters and reputation stay
right (the recount and the recalculation find nothing to fix) and the audit log has it all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quaestio.accounts.models import PendingSignup, User, UserAddress
from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import bulk_cleanup
from quaestio.moderation.bulk_cleanup import UserFilter
from quaestio.moderation.models import ModeratorAction

ANSWER = "An answer long enough to pass the minimum: rivers were crossed on pontoon bridges."


@pytest.fixture
def moderator(make_user):
    return make_user(reputation=1, is_moderator=True)


@pytest.fixture
def spam_ring(make_user, ask):
    """Three new accounts from one /24 that posted and voted, and an old honest one."""
    from quaestio.posts.services import answer_post
    from quaestio.votes.services import vote_set

    honest = make_user(reputation=1, name="Honest Historian")
    User.objects.filter(id=honest.id).update(creation_date=timezone.now() - timedelta(days=400))
    question = ask(user=honest)
    ring = [make_user(reputation=125, name=f"Cheap Pills {n}") for n in range(3)]
    for n, user in enumerate(ring):
        UserAddress.objects.create(user=user, address=f"203.0.113.{10 + n}")
        answer = answer_post(user, question.id, body=f"{ANSWER} Spam number {n}.")
        if n:
            vote_set(ring[0], answer.id, "up")
    vote_set(ring[1], question.id, "up")
    UserAddress.objects.create(user=honest, address="198.51.100.7")
    return {"honest": honest, "question": question, "ring": ring}


def test_filters_find_the_new_accounts_of_an_address_range(moderator, spam_ring, make_user):
    """Joined recently AND seen in 203.0.113.0/24 finds the ring and nobody else; never
    posted finds the quiet new account."""
    quiet = make_user(reputation=1, name="Quiet Newcomer")
    found = bulk_cleanup.matching_users(
        moderator, UserFilter(joined_within_days=7, address_range="203.0.113.0/24")
    )
    assert {c.user.id for c in found} == {u.id for u in spam_ring["ring"]}
    assert all(c.posts == 1 for c in found)
    silent = bulk_cleanup.matching_users(moderator, UserFilter(without_posts=True))
    assert quiet.id in {c.user.id for c in silent}
    assert not {u.id for u in spam_ring["ring"]} & {c.user.id for c in silent}


def test_a_blocklist_pattern_finds_accounts_by_name(moderator, spam_ring):
    """The blocklist filter matches display names against the active patterns."""
    from quaestio.moderation.blocklist_edits import PatternForm, pattern_save

    pattern_save(moderator, PatternForm("username", r"cheap\s+pills", "refuse", "", "", True))
    found = bulk_cleanup.matching_users(moderator, UserFilter(blocklisted=True))
    assert {c.user.id for c in found} == {u.id for u in spam_ring["ring"]}


def test_bulk_destroy_previews_then_removes_and_keeps_counts_right(moderator, spam_ring):
    """The preview counts the posts, comments and votes that will go; applying its token
    destroys exactly those accounts in one transaction, the honest user's question loses the
    ring's answers and vote, and `recount` and the reputation recalculation find nothing."""
    from quaestio.core.counters import recount
    from quaestio.posts.models import Post
    from quaestio.reputation.recalc import recalculate

    ring_ids = [u.id for u in spam_ring["ring"]]
    shown = bulk_cleanup.preview(moderator, ring_ids, "destroy")
    assert (len(shown.users), shown.posts, shown.votes) == (3, 3, 3)
    done = bulk_cleanup.bulk_apply(moderator, shown.token)
    assert (done.users, done.posts, done.votes) == (3, 3, 3)

    assert not User.objects.filter(id__in=ring_ids).exists()
    question = Post.objects.get(id=spam_ring["question"].id)
    assert (question.score, question.answer_count) == (0, 0)
    assert all(n == 0 for n in recount().values())
    assert recalculate(fix=False) == []
    actions = list(ModeratorAction.objects.values_list("action", flat=True))
    assert actions.count("destroy-user") == 3 and "bulk-destroy" in actions


def test_bulk_suspend_suspends_every_selected_account(moderator, spam_ring):
    """Suspending in bulk removes nothing and suspends each selected account with the reason;
    a reason too short is refused for all of them (one transaction)."""
    shown = bulk_cleanup.preview(moderator, [u.id for u in spam_ring["ring"]], "suspend")
    assert (shown.posts, shown.comments, shown.votes) == (0, 0, 0)
    with pytest.raises(ValidationFailed):
        bulk_cleanup.bulk_apply(moderator, shown.token, days="7", reason="spam")
    assert not User.objects.filter(suspended_until__isnull=False).exists()
    bulk_cleanup.bulk_apply(moderator, shown.token, days="7", reason="Part of a spam ring")
    suspended = User.objects.filter(id__in=[u.id for u in spam_ring["ring"]])
    assert all(
        u.suspended_until and u.suspension_reason == "Part of a spam ring" for u in suspended
    )


def test_a_forged_or_borrowed_confirmation_changes_nothing(moderator, spam_ring, make_user):
    """A token that was altered, or made for another moderator, is refused; a preview that
    includes a moderator is refused; nothing is removed."""
    ring_ids = [u.id for u in spam_ring["ring"]]
    shown = bulk_cleanup.preview(moderator, ring_ids[:1], "destroy")
    with pytest.raises(ValidationFailed, match="preview the action again"):
        bulk_cleanup.bulk_apply(moderator, shown.token[:-2] + "xx")
    other = make_user(reputation=1, is_moderator=True)
    with pytest.raises(PermissionDenied):
        bulk_cleanup.bulk_apply(other, shown.token)
    with pytest.raises(PermissionDenied):
        bulk_cleanup.preview(moderator, [ring_ids[0], other.id], "destroy")
    assert User.objects.filter(id__in=ring_ids).count() == 3


def test_only_moderators_reach_the_page_and_the_form_works_end_to_end(
    moderator, spam_ring, make_user
):
    """Users get 403; a moderator filters, previews and confirms by plain forms."""
    client = Client()
    client.force_login(make_user(reputation=20000))
    assert client.get("/admin/cleanup").status_code == 403
    client.force_login(moderator)
    page = client.get("/admin/cleanup", {"address_range": "203.0.113.0/24"}).content.decode()
    assert "Cheap Pills 0" in page and "Honest Historian" not in page
    ids = [str(u.id) for u in spam_ring["ring"]]
    preview = client.post("/admin/cleanup/preview", {"users": ids, "action": "destroy"})
    html = preview.content.decode()
    assert "3</strong> live posts" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post("/admin/cleanup/apply", {"token": token})
    assert "destroy: 3 accounts" in done.content.decode().lower()
    assert client.get("/admin/cleanup", {"address_range": "10.0.0.0/8"}).status_code == 200


def test_sign_ups_never_confirmed_are_forgotten_after_the_set_time(db, settings):
    """Pending sign-ups older than QUAESTIO_PRUNE_UNCONFIRMED_DAYS go; younger ones stay."""
    settings.QUAESTIO_PRUNE_UNCONFIRMED_DAYS = 7
    now = timezone.now()
    for n, age in enumerate([1, 8, 30]):
        PendingSignup.objects.create(
            email=f"p{n}@example.org",
            display_name=f"P{n}",
            password="x",
            token_digest=f"{n:064d}",
            created=now - timedelta(days=age),
        )
    assert bulk_cleanup.prune_unconfirmed_signups(now) == 2
    assert list(PendingSignup.objects.values_list("email", flat=True)) == ["p0@example.org"]


ADDRESSES = {
    "in_24": "203.0.113.200",
    "next_24": "203.0.114.5",  # inside /20 and /23, outside /24
    "prefix_lookalike": "203.0.11.3",  # begins with the text "203.0.11" but is no neighbour
    "ipv6_compressed": "2001:db8:1::5",
    "ipv6_zero_group": "2001:0:1:0:0:0:0:7",
    "ipv6_other": "2001:db8:2::5",
}


@pytest.fixture
def seen_at(make_user):
    users = {}
    for key, address in ADDRESSES.items():
        users[key] = make_user(reputation=1, name=f"Seen {key.replace('_', ' ')}")
        UserAddress.objects.create(user=users[key], address=address)
    return users


@pytest.mark.parametrize(
    "network, expected",
    [
        ("203.0.113.0/24", {"in_24"}),
        ("203.0.112.0/20", {"in_24", "next_24"}),
        ("203.0.114.0/23", {"next_24"}),
        ("203.0.113.200/32", {"in_24"}),
        ("203.0.0.0/16", {"in_24", "next_24", "prefix_lookalike"}),
        ("2001:db8:1::/48", {"ipv6_compressed"}),
        ("2001:db8:1::/64", {"ipv6_compressed"}),
        ("2001:db8:2::/48", {"ipv6_other"}),
        ("2001:0:1::/48", {"ipv6_zero_group"}),
    ],
)
def test_the_address_range_filter_finds_exactly_the_range(moderator, seen_at, network, expected):
    """IPv4 ranges not on an octet boundary, and IPv6 stored compressed (its zero groups
    vanish into "::"): each range finds the accounts seen inside it and nobody else."""
    found = bulk_cleanup.matching_users(moderator, UserFilter(address_range=network))
    assert {c.user.id for c in found} == {seen_at[key].id for key in expected}


def test_the_address_range_is_read_from_an_index(moderator, seen_at):
    """PostgreSQL: `<<=` on inet from an index (no sequential read even with the planner told
    to avoid one only where it can); SQLite: ranges of the address index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        bulk_cleanup.matching_users(moderator, UserFilter(address_range="203.0.112.0/20"))
    sql = next(q["sql"] for q in captured if "accounts_useraddress" in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            assert "<<=" in sql
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            assert "Seq Scan" not in plan, plan
            assert "useraddress" in plan and "Index" in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            details = [row[-1] for row in cursor.fetchall()]
            assert any("accounts_useraddress USING" in d for d in details), details
            assert not any(d.startswith("SCAN accounts_useraddress") for d in details), details
