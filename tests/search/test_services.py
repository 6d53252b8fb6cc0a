"""The index follows every write after commit, and `reindex_all` rebuilds it."""

from __future__ import annotations

from django.utils import timezone

from quaestio.posts.models import Post, PostType, format_tags
from quaestio.posts.tagging import set_post_tags
from quaestio.search.backends import get_backend
from quaestio.search.models import SearchWord
from quaestio.search.selectors import search_ids
from quaestio.search.services import index_post, reindex_all, remove_post


def found(query: str) -> set[int]:
    return set(search_ids(query, limit=100)[0])


def test_new_post_is_searchable_after_commit_not_before(db, django_capture_on_commit_callbacks):
    """A saved post is indexed by the on-commit callback, not earlier."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = Post.objects.create(
            post_type=PostType.QUESTION, title="Aqueducts of Segovia", body="<p>Stone arches.</p>"
        )
    assert found("aqueducts") == set()
    # What the commit runs: the indexing, and the page generation's bump.
    for callback in callbacks:
        callback()
    assert found("aqueducts") == {post.id}


def test_edits_replace_the_indexed_text(db, django_capture_on_commit_callbacks):
    """After an edit commits, the new words match and the old ones no longer do."""
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(
            post_type=PostType.QUESTION, title="Carthage harbour", body="<p>Punic wars.</p>"
        )
    with django_capture_on_commit_callbacks(execute=True):
        post.title = "Ostia harbour"
        post.body = "<p>Roman port.</p>"
        post.save()
    assert found("carthage") == set()
    assert found("punic") == set()
    assert found("ostia port") == {post.id}
    assert get_backend().indexed_count() == 1


def test_retagging_a_question_moves_its_answers_to_the_new_tag(
    db, django_capture_on_commit_callbacks
):
    """Answers search under their question's tags, which PostgreSQL's index keeps: a retag
    (a save of the tags alone) reaches the answers too."""
    with django_capture_on_commit_callbacks(execute=True):
        question = Post.objects.create(
            post_type=PostType.QUESTION, title="Legions of Gaul", tags=format_tags(["gaul"])
        )
        set_post_tags(question, ["gaul"])
        answer = Post.objects.create(
            post_type=PostType.ANSWER, parent=question, body="<p>The siege of Alesia.</p>"
        )
    assert found("[gaul] alesia") == {answer.id}
    with django_capture_on_commit_callbacks(execute=True):
        set_post_tags(question, ["caesar"])
        question.tags = format_tags(["caesar"])
        question.save(update_fields=["tags"])
    assert found("[caesar] alesia") == {answer.id}
    assert found("[gaul] alesia") == set()
    assert found("[caesar] legions") == {question.id}


def test_saves_that_change_no_text_schedule_nothing(db, django_capture_on_commit_callbacks):
    """A save of only the score or view count leaves the index alone."""
    post = Post.objects.create(post_type=PostType.QUESTION, title="Hadrian's wall")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post.score = 5
        post.save(update_fields=["score"])
    assert callbacks == []


def test_soft_deletion_and_closing_need_no_reindex(db, django_capture_on_commit_callbacks):
    """Deleting (soft) and closing are read from the posts table at query time."""
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(post_type=PostType.QUESTION, title="Pompeii frescoes")
    Post.objects.filter(id=post.id).update(closed_date=timezone.now())
    assert found("pompeii closed:yes") == {post.id}
    Post.objects.filter(id=post.id).update(deletion_date=timezone.now())
    assert found("pompeii") == set()


def test_hard_delete_removes_the_entry(db, django_capture_on_commit_callbacks):
    """Deleting the row drops its index entry after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        post = Post.objects.create(post_type=PostType.QUESTION, title="Troy excavations")
    assert get_backend().indexed_count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
    assert get_backend().indexed_count() == 0


def test_index_post_and_remove_post_are_idempotent(db):
    """Calling the services twice, or for a missing post, is harmless."""
    post = Post.objects.create(post_type=PostType.QUESTION, title="Knossos palace")
    index_post(post.id)
    index_post(post.id)
    assert get_backend().indexed_count() == 1
    remove_post(post.id)
    remove_post(post.id)
    index_post(987654)  # no such post
    assert get_backend().indexed_count() == 0


def test_non_searchable_post_types_are_not_indexed(db):
    """Tag wikis and other post types stay out of the index."""
    post = Post.objects.create(post_type=PostType.TAG_WIKI, body="<p>About the tag.</p>")
    index_post(post.id)
    assert get_backend().indexed_count() == 0


def test_new_words_join_the_wildcard_vocabulary(db):
    """Indexing records raw words, so infix wildcards can find a post's new words."""
    post = Post.objects.create(post_type=PostType.QUESTION, title="Thermopylae pass")
    index_post(post.id)
    assert SearchWord.objects.filter(word="thermopylae").exists()
    assert found("therm*lae") == {post.id}


def test_reindex_all_rebuilds_and_reports_progress(db):
    """reindex_all empties the index, indexes every searchable post, and reports progress."""
    posts = [
        Post.objects.create(post_type=PostType.QUESTION, title=f"Legion number {n}")
        for n in range(5)
    ]
    get_backend().remove([p.id for p in posts])  # as if the index had been lost
    assert found("legion") == set()
    reports = []
    assert reindex_all(progress=lambda done, total: reports.append((done, total))) == 5
    assert reports[-1] == (5, 5)
    assert found("legion") == {p.id for p in posts}
    assert get_backend().indexed_count() == 5
