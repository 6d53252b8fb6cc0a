"""Post notices (spec §7.10): moderators add, replace and remove them; history rows carry the
notice's id as the dump does; hasnotice: in search; /annotated-posts; the API's notice; a
dump's notices; the form."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.moderation import notices
from quaestio.moderation.models import PostNotice
from quaestio.moderation.post_states import annotated_posts, post_states
from quaestio.posts.models import Post, PostHistoryType
from quaestio.search.selectors import search_ids
from tests.moderation.states_support import (
    answer,
    fresh,
    history,
    import_states_dump,
    logged_in,
    moderator,
    queries,
)
from tests.moderation.support import question, user

pytestmark = pytest.mark.django_db
ADDED, REMOVED = PostHistoryType.POST_NOTICE_ADDED, PostHistoryType.POST_NOTICE_REMOVED


def test_moderator_adds_and_removes_a_notice_with_history_rows():
    """Type 33 then 34, each with the notice's id as Comment; the same notice twice, or
    removing none, changes nothing."""
    mod = moderator()
    q = question(user(10))
    added = notices.notice_add(mod, q.id, "citation_needed")
    assert added.action == "added"
    assert notices.notice_add(mod, q.id, "citation_needed").action == "unchanged"
    (row,) = history(q, ADDED)
    assert row.comment == str(added.notice_id) and row.user_id == mod.id
    assert json.loads(row.text)["NoticeType"] == "citation_needed"
    state = post_states([q], user(1))[q.id]
    assert state.notice.title == "Citation needed" and "references" in state.notice.text
    assert state.notice.date == PostNotice.objects.get(id=added.notice_id).creation_date
    assert notices.notice_remove(mod, q.id).action == "removed"
    assert notices.notice_remove(mod, q.id).action == "unchanged"
    (row,) = history(q, REMOVED)
    assert row.comment == str(added.notice_id)
    assert post_states([q], user(1))[q.id].notice is None


def test_another_notice_replaces_the_standing_one():
    mod = moderator()
    q = question(user(10))
    notices.notice_add(mod, q.id, "citation_needed")
    notices.notice_add(mod, q.id, "current_event")
    assert list(
        PostNotice.objects.filter(post=q, removed_date=None).values_list("kind", flat=True)
    ) == ["current_event"]
    assert len(history(q, ADDED)) == 2 and len(history(q, REMOVED)) == 1


def test_each_kind_fits_its_posts():
    """Current event is for questions; Insufficient explanation, Obsolete and Wiki answer for
    answers; Citation needed for both. A wrong one is refused and changes nothing."""
    mod = moderator()
    q = question(user(10))
    a = answer(q, user(10))
    for kind in ("insufficient_explanation", "obsolete", "wiki_answer", "citation_needed"):
        assert notices.notice_add(mod, a.id, kind).action == "added"
    with pytest.raises(ValidationFailed, match="Current event"):
        notices.notice_add(mod, q.id, "obsolete")
    assert not history(q, ADDED)


def test_non_moderators_cannot_add_notices():
    q = question(user(10))
    with pytest.raises(PermissionDenied, match="Only moderators"):
        notices.notice_add(user(100_000), q.id, "citation_needed")
    assert not PostNotice.objects.exists() and not history(q, ADDED)


def test_post_states_reads_notices_in_a_fixed_number_of_queries():
    mod = moderator()
    posts = [question(user(10)) for _ in range(8)]
    for post in posts:
        notices.notice_add(mod, post.id, "citation_needed")
    one = queries(lambda: post_states(posts[:1], mod))
    assert queries(lambda: post_states(posts, mod)) == one
    assert post_states(posts[:1], mod)[posts[0].id].can_remove_notice


def test_hasnotice_search(django_capture_on_commit_callbacks):
    """hasnotice:yes finds posts with a standing notice, hasnotice:no the others (run on
    SQLite's and PostgreSQL's engines by the two test runs)."""
    with django_capture_on_commit_callbacks(execute=True):
        noted = question(user(10), title="Aqueducts of Segovia and their arches")
        plain = question(user(10), title="Aqueducts of Nimes and the Pont du Gard")
    notices.notice_add(moderator(), noted.id, "current_event")
    found = set(search_ids("aqueducts hasnotice:yes", limit=10)[0])
    assert found == {noted.id}
    assert set(search_ids("aqueducts hasnotice:no", limit=10)[0]) == {plain.id}
    notices.notice_remove(moderator(), noted.id)
    assert set(search_ids("aqueducts hasnotice:yes", limit=10)[0]) == set()


def test_annotated_posts_pages_by_notice_id():
    mod = moderator()
    q = question(user(10), title="An <em>annotated</em> question")
    a = answer(q, user(10))
    notices.notice_add(mod, q.id, "current_event")
    notices.notice_add(mod, a.id, "obsolete")
    first = annotated_posts(limit=1)
    assert [r.post_id for r in first.rows] == [a.id] and first.rows[0].title == q.title
    second = annotated_posts(before=first.next_before, limit=1)
    assert [r.post_id for r in second.rows] == [q.id] and second.next_before is None
    page = logged_in(mod).get("/annotated-posts").content.decode()
    assert "Obsolete" in page and "An &lt;em&gt;annotated&lt;/em&gt; question" in page
    assert logged_in(user(20_000)).get("/annotated-posts").status_code == 403
    assert logged_in(mod).get("/annotated-posts?before=x").status_code == 400


def test_api_reports_the_notice(api):
    mod = moderator()
    q = question(user(10))
    a = answer(q, user(10))
    notices.notice_add(mod, q.id, "current_event")
    notices.notice_add(mod, a.id, "obsolete")
    _, created = api.get("filters/create", include="question.notice;answer.notice")
    wanted = created["items"][0]["filter"]
    _, body = api.get(f"questions/{q.id}", filter=wanted)
    notice = body["items"][0]["notice"]
    assert notice["owner_user_id"] == mod.id and "Current event" in notice["body"]
    assert isinstance(notice["creation_date"], int)
    _, body = api.get(f"answers/{a.id}", filter=wanted)
    assert "Obsolete" in body["items"][0]["notice"]["body"]


def test_imported_notice_shows(tmp_path):
    """A dump's type 33 row (its kind unknown) shows as a notice with its date."""
    import_states_dump(tmp_path)
    a = Post.objects.get(id=2)
    state = post_states([a], None)[2]
    assert state.notice is not None and state.notice.notice_id == 4321
    assert state.notice.date.year == 2015


def test_notice_form_adds_and_removes():
    mod = moderator()
    q = question(user(10))
    client = logged_in(mod)
    page = client.get(f"/posts/{q.id}/notice").content.decode()
    assert "Current event" in page and "Obsolete" not in page
    response = client.post(f"/posts/{q.id}/notice", {"action": "add", "kind": "current_event"})
    assert response.status_code == 302
    assert PostNotice.objects.filter(post=q, removed_date=None).exists()
    client.post(f"/posts/{q.id}/notice", {"action": "remove"})
    assert not PostNotice.objects.filter(post=q, removed_date=None).exists()


def test_notice_form_refuses_forged_and_unprivileged_posts():
    q = question(user(10))
    form = {"action": "add", "kind": "current_event"}
    assert logged_in(moderator(), csrf=True).post(f"/posts/{q.id}/notice", form).status_code == 403
    refused = logged_in(user(50_000)).post(f"/posts/{q.id}/notice", form)
    assert refused.status_code == 403 and "Only moderators" in refused.content.decode()
    assert Client().post(f"/posts/{q.id}/notice", form).status_code == 302
    assert not PostNotice.objects.exists() and not history(fresh(q), ADDED)
