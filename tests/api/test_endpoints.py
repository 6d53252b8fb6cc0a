"""The read methods on the demo community: what each returns, sorted, bounded and paged."""

from __future__ import annotations

import pytest

from quaestio.reputation.models import ReputationChange

pytestmark = pytest.mark.django_db


def ids(body, key):
    return [item[key] for item in body["items"]]


def test_questions_sorted_by_votes_with_bounds_and_tags(api, demo):
    """sort=votes orders by score; min/max bound the score; tagged is an AND of tags."""
    _, body = api.get("questions", sort="votes")
    assert ids(body, "question_id") == [38738, 70001, 70010, 70020, 70030, 70040]
    _, body = api.get("questions", sort="votes", order="asc", min=3, max=7)
    assert ids(body, "question_id") == [70020, 70010, 70001]
    _, body = api.get("questions", tagged="leon-trotsky;mexico")
    assert sorted(ids(body, "question_id")) == [70010, 70020]


def test_question_fields(api, demo):
    """is_answered (accepted or positive answer), accepted_answer_id, link and counts."""
    _, body = api.get("questions/70001;70040")
    by_id = {q["question_id"]: q for q in body["items"]}
    assert by_id[70001]["is_answered"] is True
    assert by_id[70001]["accepted_answer_id"] == 70002
    assert by_id[70040]["is_answered"] is False
    assert "accepted_answer_id" not in by_id[70040]
    assert by_id[70001]["link"].endswith(
        "/questions/70001/how-did-the-soviet-union-choose-the-members-of-the-politburo-in-the-1920s"
    )


def test_unanswered_and_no_answers(api, demo):
    """unanswered: no positive or accepted answer; no-answers: no answer at all."""
    _, unanswered = api.get("questions/unanswered")
    _, no_answers = api.get("questions/no-answers")
    assert sorted(ids(no_answers, "question_id")) == [70020, 70040]
    assert set(ids(no_answers, "question_id")) <= set(ids(unanswered, "question_id"))


def test_answers_of_a_question_and_is_accepted(api, demo):
    """questions/{ids}/answers lists every answer; the accepted one says so."""
    _, body = api.get("questions/38738;70001/answers", sort="votes")
    assert len(body["items"]) == 9
    accepted = [a["answer_id"] for a in body["items"] if a["is_accepted"]]
    assert accepted == [70002]
    assert ids(body, "score") == sorted(ids(body, "score"), reverse=True)


def test_comments_on_questions_answers_and_posts(api, demo):
    """Comments by post kind: question comments are on questions only."""
    _, on_question = api.get("questions/38738/comments")
    _, on_posts = api.get("posts/38738/comments")
    assert ids(on_question, "comment_id") == ids(on_posts, "comment_id")
    assert all(c["post_id"] == 38738 for c in on_question["items"])
    _, on_answer = api.get("answers/38739/comments", filter="withbody")
    assert on_answer["items"] and all(c["body"] for c in on_answer["items"])
    _, by_ids = api.get("comments/" + ";".join(str(i) for i in ids(on_answer, "comment_id")))
    assert sorted(ids(by_ids, "comment_id")) == sorted(ids(on_answer, "comment_id"))


def test_all_comments_leave_out_those_on_deleted_posts_and_say_the_post_type(api, demo):
    """/comments lists live comments of live posts only, newest first, each with its post's
    kind; a comment on a deleted answer is not there."""
    from django.utils import timezone

    from quaestio.posts.models import Post

    _, created = api.get("filters/create", include="comment.post_type")
    with_kind = created["items"][0]["filter"]
    _, before = api.get("comments", pagesize=100, filter=with_kind)
    kinds = {c["post_id"]: c["post_type"] for c in before["items"]}
    assert kinds[38738] == "question" and kinds[38739] == "answer"
    on_answer = [c["comment_id"] for c in before["items"] if c["post_id"] == 38739]
    Post.objects.filter(id=38739).update(deletion_date=timezone.now())
    _, after = api.get("comments", pagesize=100)
    assert set(ids(after, "comment_id")) == set(ids(before, "comment_id")) - set(on_answer)
    dates = [c["creation_date"] for c in after["items"]]
    assert dates == sorted(dates, reverse=True)


def test_related_and_linked(api, demo):
    """related: questions sharing tags, most shared first; linked: questions linking in."""
    from quaestio.posts.models import PostLink

    _, related = api.get("questions/70010/related")
    assert ids(related, "question_id")[0] == 70020  # shares both leon-trotsky and mexico
    PostLink.objects.create(post_id=70040, related_post_id=70010, link_type=1)
    _, linked = api.get("questions/70010/linked")
    assert ids(linked, "question_id") == [70040]


def test_answers_questions_and_posts(api, demo):
    """answers/{ids}/questions gives the parents; posts mixes questions and answers."""
    _, parents = api.get("answers/70002;38739/questions")
    assert sorted(ids(parents, "question_id")) == [38738, 70001]
    _, posts = api.get("posts/38738;38739")
    assert {p["post_type"] for p in posts["items"]} == {"question", "answer"}


def test_revisions_of_a_post(api, demo):
    """posts/{ids}/revisions groups history rows by GUID, numbered from 1, newest first,
    and revisions/{guid} finds one again."""
    _, body = api.get("posts/38738/revisions")
    numbers = ids(body, "revision_number")
    assert numbers == sorted(numbers, reverse=True) and numbers[-1] == 1
    first = body["items"][-1]
    assert first["title"] == "Why did Stalin have Trotsky killed?"
    _, again = api.get(f"revisions/{first['revision_guid']}")
    assert ids(again, "revision_guid") == [first["revision_guid"]]


def test_users_sorts_and_inname(api, demo):
    """users sorted by reputation (default) and filtered by inname."""
    _, body = api.get("users", pagesize=100)
    reputations = ids(body, "reputation")
    assert reputations == sorted(reputations, reverse=True)
    assert -1 not in ids(body, "user_id")
    _, named = api.get("users", inname="sema")
    assert ids(named, "display_name") == ["Semaphore"]


def test_a_users_posts_comments_and_tags(api, demo):
    """users/{ids}/questions, answers, comments and tags come from what they wrote."""
    _, questions = api.get("users/101/questions")
    assert sorted(ids(questions, "question_id")) == [70010, 70040]
    _, answers = api.get("users/103/answers")
    assert sorted(ids(answers, "answer_id")) == [70002, 70011]
    _, tags = api.get("users/103/tags")
    names = ids(tags, "name")
    assert {"soviet-union", "leon-trotsky", "mexico"} <= set(names)
    assert ids(tags, "count") == sorted(ids(tags, "count"), reverse=True)
    _, by_name = api.get("users/103/tags", sort="name", order="asc")
    assert ids(by_name, "name") == sorted(names)


def test_a_users_badges(api, demo):
    """users/{ids}/badges lists each badge once with the user and how often it was earned."""
    from quaestio.badges.models import Badge

    _, body = api.get("users/1/badges", pagesize=100)
    held = Badge.objects.filter(user_id=1).values("name", "badge_class").distinct().count()
    assert len(body["items"]) == held
    assert all(b["user"]["user_id"] == 1 for b in body["items"])
    ranks = ids(body, "rank")
    assert ranks == sorted(ranks, key=["gold", "silver", "bronze"].index)


def test_reputation_read_from_the_ledger(api, demo):
    """With the ledger: its rows, newest first, with Stack Exchange's type names, and the
    user's reputation_change_* sums."""
    model = ReputationChange
    model.objects.create(user_id=3, amount=10, nominal=10, reason="upvote", post_id=38739)
    model.objects.create(user_id=3, amount=2, nominal=2, reason="accepter", post_id=70002)
    _, history = api.get("users/3/reputation-history")
    assert [(h["reputation_change"], h["reputation_history_type"]) for h in history["items"]] == [
        (2, "asker_accepts_answer"),
        (10, "post_upvoted"),
        (
            26986,
            "arbitrary_reputation_change",
        ),  # the demo's opening balance: 26,987 less the 1 to start
    ]
    _, changes = api.get("users/3/reputation")
    assert [c["vote_type"] for c in changes["items"]] == ["accepts", "up_votes", "opening_balance"]
    _, user = api.get("users/3")
    assert user["items"][0]["reputation_change_day"] == 12


def test_tags_info_and_related(api, demo):
    """tags by popularity; info by name; related tags share questions."""
    _, body = api.get("tags")
    counts = ids(body, "count")
    assert counts == sorted(counts, reverse=True)
    _, info = api.get("tags/mexico;politics/info", sort="name", order="asc")
    assert ids(info, "name") == ["mexico", "politics"]
    _, related = api.get("tags/mexico/related")
    assert "leon-trotsky" in ids(related, "name") and "mexico" not in ids(related, "name")
    _, synonyms = api.get("tags/mexico/synonyms")
    assert synonyms["items"] == []


def test_badges_by_name_ids_and_recipients(api, demo):
    """badges groups awards into kinds; by ids finds them; recipients lists awards."""
    _, body = api.get("badges", sort="name", order="asc", pagesize=100)
    names = ids(body, "name")
    assert names == sorted(names, key=str.lower)
    kind = body["items"][0]
    _, by_id = api.get(f"badges/{kind['badge_id']}")
    assert ids(by_id, "name") == [kind["name"]]
    _, recipients = api.get(f"badges/{kind['badge_id']}/recipients", pagesize=100)
    assert len(recipients["items"]) == min(kind["award_count"], 100)
    assert all(r["user"]["user_id"] for r in recipients["items"])


def test_search_methods(api, demo):
    """search (intitle), search/advanced (q, accepted), similar (title) and excerpts."""
    _, body = api.get("search", intitle="trotsky")
    assert sorted(ids(body, "question_id")) == [38738, 70010, 70020]
    _, body = api.get("search/advanced", q="trotsky", accepted="false", tagged="mexico")
    assert sorted(ids(body, "question_id")) == [70010, 70020]
    _, body = api.get("similar", title="Where did Trotsky live in Mexico?")
    assert set(ids(body, "question_id")) >= {70010, 70020}
    _, body = api.get("search/excerpts", q="Politburo")
    assert body["items"]
    assert all('<span class="highlight">' in e["excerpt"] for e in body["items"])
    assert {e["item_type"] for e in body["items"]} <= {"question", "answer"}


def test_info_and_sites(api, demo):
    """info counts the site; sites names it so StackAPI can find it."""
    _, info = api.get("info")
    stats = info["items"][0]
    assert (stats["total_questions"], stats["total_answers"]) == (6, 11)
    _, sites = api.get("sites", pagesize=1000)
    assert len(sites["items"]) == 1
    assert sites["items"][0]["api_site_parameter"]
