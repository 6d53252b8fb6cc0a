"""Tag wikis and excerpts are posts of types 4 and 5: edited with revisions, rolled back,
suggested by others and reviewed in the tag-wiki-edits queue (spec §5.2, §7.9)."""

from __future__ import annotations

import pytest

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.posts.models import Post, PostHistory, PostType, SuggestedEdit
from quaestio.posts.revisions import post_revisions
from quaestio.tags.models import Tag
from quaestio.tags.wiki import tag_wiki_edit, tag_wiki_review, tag_wiki_rollback

EXCERPT = "Ancient Rome, from the founding of the city to the fall of the western empire."
WIKI = "The **Roman** state across its kingdom, republic and empire periods."


@pytest.fixture
def rome(db):
    return Tag.objects.create(name="rome", count=0)


def test_direct_edit_creates_excerpt_and_wiki_posts_with_revisions(rome, make_user):
    """A moderator's edit makes the excerpt a type 4 and the wiki a type 5 post owned by
    Community, linked from the tag, each with a revision carrying the editor and summary."""
    moderator = make_user(is_moderator=True)
    result = tag_wiki_edit(moderator, "rome", excerpt=EXCERPT, wiki=WIKI, comment="first")
    assert sorted(result.applied) == ["excerpt", "wiki"]
    rome.refresh_from_db()
    excerpt, wiki = (
        Post.objects.get(id=rome.excerpt_post_id),
        Post.objects.get(id=rome.wiki_post_id),
    )
    assert excerpt.post_type == PostType.TAG_WIKI_EXCERPT and wiki.post_type == PostType.TAG_WIKI
    assert excerpt.owner_id == -1 and "<strong>Roman</strong>" in wiki.body
    revisions = post_revisions(wiki.id)
    assert [r.number for r in revisions] == [1]
    assert revisions[0].user.id == moderator.id and revisions[0].comment == "first"


def test_low_reputation_edit_is_suggested_and_two_approvals_apply_it(rome, make_user):
    """A 1-reputation user's edit waits as a suggestion; a reviewer below 5,000 may not
    review; two reviewers with the privilege approve, and the text is then the wiki's,
    credited to the suggester with the type 24 row."""
    author = make_user(reputation=1)
    result = tag_wiki_edit(author, "rome", excerpt=EXCERPT, wiki="")
    assert result.applied == [] and len(result.suggested) == 1
    suggestion = result.suggested[0]
    rome.refresh_from_db()
    assert Post.objects.get(id=rome.excerpt_post_id).body == ""  # not shown before review
    with pytest.raises(PermissionDenied, match="5,000"):
        tag_wiki_review(make_user(reputation=4999), suggestion.id, "approve")
    tag_wiki_review(make_user(reputation=5000), suggestion.id, "approve")
    suggestion.refresh_from_db()
    assert suggestion.is_pending
    tag_wiki_review(make_user(reputation=5000), suggestion.id, "approve")
    suggestion.refresh_from_db()
    assert suggestion.approval_date is not None
    excerpt = Post.objects.get(id=rome.excerpt_post_id)
    assert EXCERPT in excerpt.body
    assert PostHistory.objects.filter(post=excerpt, post_history_type=24).exists()
    assert post_revisions(excerpt.id)[-1].user.id == author.id


def test_a_moderator_rejects_alone(rome, make_user):
    suggestion = tag_wiki_edit(make_user(), "rome", excerpt=EXCERPT, wiki="").suggested[0]
    tag_wiki_review(make_user(is_moderator=True), suggestion.id, "reject")
    suggestion.refresh_from_db()
    assert suggestion.rejection_date is not None


def test_rollback_restores_an_earlier_revision(rome, make_user):
    """Rolling the wiki back to revision 1 writes revision 3 marked as a rollback."""
    editor = make_user(reputation=20000)
    tag_wiki_edit(editor, "rome", excerpt="", wiki=WIKI)
    tag_wiki_edit(editor, "rome", excerpt="", wiki="Vandalised text, nothing useful left here.")
    with pytest.raises(PermissionDenied):
        tag_wiki_rollback(make_user(reputation=100), "rome", "wiki", 1)
    tag_wiki_rollback(editor, "rome", "wiki", 1)
    rome.refresh_from_db()
    wiki = Post.objects.get(id=rome.wiki_post_id)
    assert wiki.body_markdown == WIKI
    revisions = post_revisions(wiki.id)
    assert revisions[-1].number == 3 and revisions[-1].is_rollback
    assert revisions[-1].rollback_to == 1


def test_bad_input_changes_nothing(rome, make_user):
    """An excerpt over 500 characters, or an edit that changes nothing, is refused."""
    moderator = make_user(is_moderator=True)
    with pytest.raises(ValidationFailed, match="500"):
        tag_wiki_edit(moderator, "rome", excerpt="x" * 501, wiki="")
    with pytest.raises(ValidationFailed, match="does not change"):
        tag_wiki_edit(moderator, "rome", excerpt="", wiki="")
    rome.refresh_from_db()
    assert rome.excerpt_post_id is None and rome.wiki_post_id is None


def test_tag_wiki_suggestions_stay_out_of_the_post_suggested_edits_queue(rome, make_user, client):
    """The post queue (/review/suggested-edits) does not list tag wiki suggestions; the
    tag-wiki-edits queue does, for reviewers with the privilege."""
    tag_wiki_edit(make_user(), "rome", excerpt=EXCERPT, wiki="")
    assert SuggestedEdit.objects.count() == 1
    reviewer = make_user(reputation=5000)
    client.force_login(reviewer)
    response = client.get("/review/suggested-edits")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ancient Rome" not in page
    queue = client.get("/review/tag-wiki-edits")
    assert queue.status_code == 200 and "Ancient Rome" in queue.content.decode()
    client.force_login(make_user(reputation=100))
    assert client.get("/review/tag-wiki-edits").status_code == 403
