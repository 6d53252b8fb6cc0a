"""Community wiki (spec §5.3, §1.4): who makes a post community wiki and how, the history row
it writes, the reputation it no longer earns, who edits it without review, and how the page and
the API show it. Real services, views and renderer on the test database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from lxml import html as lxml_html

from quaestio.core.errors import PermissionDenied
from quaestio.moderation.models import ModeratorAction
from quaestio.posts.community_wiki import post_make_community_wiki
from quaestio.posts.models import Post, PostHistory, PostHistoryType, SuggestedEdit
from quaestio.posts.services import answer_post, post_edit
from quaestio.reputation.recalc import recalculate
from quaestio.search.selectors import search_ids
from quaestio.votes.services.accepting import accept_set
from quaestio.votes.services.voting import vote_set

pytestmark = pytest.mark.django_db

ANSWER = "An answer long enough to pass the thirty character minimum, about bridges."
EDITED = "An edited answer, long enough to pass the minimum, about pontoon bridges."
CW = PostHistoryType.COMMUNITY_OWNED


def _history(post, kind=CW):
    return list(PostHistory.objects.filter(post_id=post.id, post_history_type=kind))


def _fresh(post) -> Post:
    return Post.objects.get(id=post.id)


def _answer(author, question, body=ANSWER, **extra) -> Post:
    """An answer through the service, then moved an hour back past the answer rate limit."""
    _age_answers(author)
    return answer_post(author, question.id, body=body, **extra)


def _age_answers(author) -> None:
    Post.objects.filter(owner=author).update(creation_date=timezone.now() - timedelta(hours=1))


def _reputation(user) -> int:
    user.refresh_from_db()
    return user.reputation


def test_author_ticks_the_box_when_answering(ask, make_user):
    """An answer posted with the box ticked is community wiki from its first revision: its
    community_owned_date is set and a type 16 row shares the revision of the body (type 2)."""
    question = ask()
    answer = _answer(make_user(10), question, body=ANSWER, community_wiki=True)
    assert _fresh(answer).community_owned_date is not None
    (owned,) = _history(answer)
    (initial,) = _history(answer, PostHistoryType.INITIAL_BODY)
    assert owned.revision_guid == initial.revision_guid
    assert owned.user_id == answer.owner_id


def test_new_users_cannot_write_wiki_answers(ask, make_user):
    """Below 10 reputation the box is refused and no answer is written."""
    question = ask()
    with pytest.raises(PermissionDenied, match="10 reputation"):
        _answer(make_user(1), question, body=ANSWER, community_wiki=True)
    assert not Post.objects.filter(parent_id=question.id).exists()


def test_answers_to_a_wiki_question_are_wiki(ask, make_user, settings):
    """A community wiki question's answers become community wiki (a setting, on by default)."""
    question = ask()
    post_make_community_wiki(make_user(1, is_moderator=True), question.id)
    answer = _answer(make_user(10), question, body=ANSWER)
    assert _fresh(answer).community_owned_date is not None
    settings.QUAESTIO_WIKI_QUESTION_ANSWERS_ARE_WIKI = False
    other = _answer(make_user(10), question, body=ANSWER + " Another one.")
    assert _fresh(other).community_owned_date is None


def test_author_converts_an_answer_later_from_the_edit_form(ask, make_user):
    """Ticked with an edit, the answer gets the revision and becomes wiki; ticked alone, it
    becomes wiki without a revision. Converting twice is refused."""
    question = ask()
    author = make_user(10)
    first = _answer(author, question, body=ANSWER)
    post_edit(author, first.id, body=EDITED, community_wiki=True)
    assert _fresh(first).community_owned_date is not None
    assert _fresh(first).body_markdown == EDITED
    assert len(_history(first)) == 1

    second = _answer(author, question, body=ANSWER + " Second.")
    post_edit(author, second.id, body=ANSWER + " Second.", community_wiki=True)
    assert _fresh(second).community_owned_date is not None
    assert len(_history(second, PostHistoryType.EDIT_BODY)) == 0
    with pytest.raises(PermissionDenied, match="already community wiki"):
        post_make_community_wiki(author, second.id)


def test_only_the_author_or_a_moderator_converts(ask, make_user):
    """Another user cannot convert an answer; an asker cannot convert their question (only
    moderators do); a moderator converts any post, and the audit log records it."""
    question = ask()
    answer = _answer(make_user(10), question, body=ANSWER)
    with pytest.raises(PermissionDenied, match="author or a moderator"):
        post_make_community_wiki(make_user(50_000), answer.id)
    with pytest.raises(PermissionDenied, match="Only moderators"):
        post_make_community_wiki(question.owner, question.id)
    assert _fresh(question).community_owned_date is None
    moderator = make_user(1, is_moderator=True)
    post_make_community_wiki(moderator, question.id)
    assert _fresh(question).community_owned_date is not None
    assert ModeratorAction.objects.filter(
        moderator=moderator, action="community_wiki", post_id=question.id
    ).exists()


def test_votes_after_conversion_earn_nothing_and_recalc_agrees(ask, make_user):
    """Spec §1.4: the upvote cast before the conversion keeps its +10; upvotes, a downvote
    (which costs its voter nothing) and the accept after it move no reputation; and
    `recalc-reputation` replays the author's events to the same total."""
    question = ask()
    author = make_user(1)
    answer = _answer(author, question)
    vote_set(make_user(100), answer.id, "up")
    assert _reputation(author) == 11
    post_make_community_wiki(make_user(1, is_moderator=True), answer.id)
    vote_set(make_user(100), answer.id, "up")
    downvoter = make_user(200)
    vote_set(downvoter, answer.id, "down")
    accept_set(question.owner, answer.id, True)
    assert _reputation(author) == 11
    assert _reputation(downvoter) == 200
    assert _reputation(question.owner) == 1000  # accepting a wiki answer gives nothing either
    assert recalculate(user_ids=[author.id]) == []
    vote_set(downvoter, answer.id, None)  # taking the downvote back refunds nothing either
    assert _reputation(downvoter) == 200 and _reputation(author) == 11


def test_a_hundred_reputation_edits_wiki_without_review(ask, make_user):
    """A community wiki post is edited straight away from 100 reputation; at 99 the edit is a
    suggestion, and a post that is not wiki needs the full edit privilege."""
    question = ask()
    wiki = _answer(make_user(10), question, body=ANSWER, community_wiki=True)
    plain = _answer(make_user(10), question, body=ANSWER + " Plain.")
    editor = make_user(100)
    result = post_edit(editor, wiki.id, body=EDITED)
    assert result.suggestion is None and _fresh(wiki).body_markdown == EDITED
    assert post_edit(make_user(99), wiki.id, body=EDITED + " More.").suggestion is not None
    assert post_edit(editor, plain.id, body=EDITED).suggestion is not None
    assert SuggestedEdit.objects.count() == 2


def _page(client, question_id):
    response = client.get(f"/questions/{question_id}/x", follow=True)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def test_page_shows_community_wiki_and_its_editors_instead_of_the_owner(ask, make_user):
    """The answer's signature says "Community wiki" with the number of people who wrote it,
    not the author's card; a plain answer keeps its "answered" card."""
    question = ask()
    author = make_user(10, name="Wiki Author")
    wiki = _answer(author, question, body=ANSWER, community_wiki=True)
    answer_post(make_user(10, name="Plain Author"), question.id, body=ANSWER + " Plain.")
    post_edit(make_user(100), wiki.id, body=EDITED)
    tree = _page(Client(), question.id)
    card = tree.cssselect(f"#answer-{wiki.id} .signatures .cw")[0]
    assert card.cssselect(".user-action")[0].text_content() == "Community wiki"
    assert card.cssselect(".cw-editors")[0].text_content() == "2 users"
    signature = tree.cssselect(f"#answer-{wiki.id} .signatures")[0].text_content()
    assert "Wiki Author" not in signature
    assert len(tree.cssselect(".signatures .cw")) == 1


def test_forms_offer_the_box_and_the_moderator_tool_converts(ask, make_user):
    """The answer page offers the box from 10 reputation and a ticked box makes the answer wiki;
    the edit form offers it to the author; the moderators' tool converts a question by POST."""
    question = ask()
    author = make_user(10)
    client = Client()
    client.force_login(author)
    form = client.get(f"/questions/{question.id}/answer")
    assert b'name="community_wiki"' in form.content
    client.post(
        f"/questions/{question.id}/answer",
        {"body": ANSWER, "community_wiki": "on", "token": "t1"},
    )
    posted = Post.objects.get(parent_id=question.id)
    _age_answers(author)
    assert posted.community_owned_date is not None
    answer = _answer(author, question, body=ANSWER + " Second.")
    assert b'name="community_wiki"' in client.get(f"/posts/{answer.id}/edit").content
    refused = client.post(f"/posts/{question.id}/community-wiki")
    assert refused.status_code == 403 and _fresh(question).community_owned_date is None
    moderator = make_user(1, is_moderator=True)
    client.force_login(moderator)
    assert b"Community wiki" in client.get(f"/questions/{question.id}/x", follow=True).content
    client.post(f"/posts/{question.id}/community-wiki")
    assert _fresh(question).community_owned_date is not None


def test_api_reports_community_owned_date(ask, make_user, client):
    """The API's community_owned_date is the conversion's date (epoch seconds)."""
    question = ask()
    answer = _answer(make_user(10), question, body=ANSWER, community_wiki=True)
    data = client.get(f"/2.3/answers/{answer.id}", {"site": "history"}).json()
    owned = _fresh(answer).community_owned_date
    assert data["items"][0]["community_owned_date"] == int(owned.timestamp())


def test_search_wiki_operator_finds_converted_posts(
    ask, make_user, django_capture_on_commit_callbacks
):
    """`wiki:yes` finds the converted question, `wiki:no` the other (each database's engine)."""
    with django_capture_on_commit_callbacks(execute=True):
        wiki = ask(title="How were aqueducts of Segovia built?")
        plain = ask(title="How were aqueducts of Nimes built?")
        post_make_community_wiki(make_user(1, is_moderator=True), wiki.id)
    assert set(search_ids("aqueducts wiki:yes", limit=10)[0]) == {wiki.id}
    assert set(search_ids("aqueducts wiki:no", limit=10)[0]) == {plain.id}


def test_an_imported_dumps_wiki_answer_shows_as_wiki(tmp_path):
    """A dump's CommunityOwnedDate makes the answer community wiki here: the page shows
    "Community wiki" with its one writer, and votes on it earn nothing."""
    import io

    from quaestio.dumps.importer import import_dump
    from tests.dumps.conftest import MINIMAL, write_dump

    files = dict(MINIMAL)
    files["Posts"] = [
        MINIMAL["Posts"][0],
        MINIMAL["Posts"][1].replace(
            'CommentCount="0"', 'CommentCount="0" CommunityOwnedDate="2014-01-22T10:00:00.000"'
        ),
    ]
    import_dump(write_dump(tmp_path / "wiki.stackexchange.com", files), out=io.StringIO())
    assert Post.objects.get(id=2).community_owned_date is not None
    tree = _page(Client(), 1)
    card = tree.cssselect("#answer-2 .signatures .cw")[0]
    assert card.cssselect(".user-action")[0].text_content() == "Community wiki"
    assert card.cssselect(".cw-editors")[0].text_content() == "1 user"
