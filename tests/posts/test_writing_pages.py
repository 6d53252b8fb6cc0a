"""The writing pages as a browser without JavaScript uses them: plain forms and redirects."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from quaestio.comments.models import Comment
from quaestio.core.markdown import render_post
from quaestio.posts.models import Post, PostHistory, PostType, SuggestedEdit
from quaestio.tags.models import Tag
from tests.writing_support import BODY

NEW_BODY = "A rewritten body that says something different from the first one."


def _ask_form(**fields):
    return {"title": "Why did Rome build roads so straight?", "body": BODY, "tags": "rome"} | fields


def test_ask_needs_login(client, db):
    """Anonymous visitors are sent to log in first."""
    response = client.get("/questions/ask")
    assert response.status_code == 302 and response["Location"].startswith("/users/login")


def test_ask_form_posts_and_redirects_to_the_question(client, make_user):
    """The ask form creates the question and lands on its canonical page."""
    Tag.objects.create(name="rome")
    client.force_login(make_user(reputation=500))
    page = client.get("/questions/ask").content.decode()
    assert 'name="token"' in page and "editor.js" in page
    response = client.post("/questions/ask", _ask_form(token="abc"))
    question = Post.objects.get(post_type=PostType.QUESTION)
    assert response.status_code == 302
    assert response["Location"] == f"/questions/{question.id}/why-did-rome-build-roads-so-straight"
    assert client.get(response["Location"]).status_code == 200


def test_double_submit_of_the_ask_form_creates_one_question(client, make_user):
    """The same form (same token) posted twice gives the same redirect and one question."""
    Tag.objects.create(name="rome")
    client.force_login(make_user(reputation=500))
    first = client.post("/questions/ask", _ask_form(token="same-token"))
    second = client.post("/questions/ask", _ask_form(token="same-token"))
    assert first["Location"] == second["Location"]
    assert Post.objects.filter(post_type=PostType.QUESTION).count() == 1


def test_ask_errors_are_shown_beside_the_form_with_input_kept(client, make_user):
    """A short title is explained, and the body typed is still in the form."""
    client.force_login(make_user(reputation=500))
    response = client.post("/questions/ask", _ask_form(title="Short"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Title must be at least 15 characters; you entered 5." in html
    assert BODY in html


def test_preview_is_the_server_renderer_output(client, make_user):
    """POST /markdown/preview returns exactly what render_post saves, sanitised."""
    client.force_login(make_user())
    source = "# Head\n\n**bold** <img src=x onerror=alert(1)> >! not a spoiler\n\n>! spoiler"
    response = client.post("/markdown/preview", {"text": source})
    assert response.status_code == 200
    assert response.content.decode() == render_post(source)
    assert "onerror" not in response.content.decode()


def test_preview_needs_csrf_and_login(make_user):
    """Without a CSRF token the preview is refused; anonymous users get 403."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post("/markdown/preview", {"text": "x"}).status_code == 403
    assert Client().post("/markdown/preview", {"text": "x"}).status_code == 403


def test_similar_questions_while_typing_the_title(client, ask, django_capture_on_commit_callbacks):
    """Titles sharing words with the typed title are offered as JSON, by the search engine
    (which indexes each question once its transaction commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(title="How did Roman legions cross rivers?")
        ask(title="Medieval Japanese castle architecture", tags="japan")
    response = client.get("/questions/ask/similar", {"title": "crossing rivers with legions"})
    found = response.json()["questions"]
    assert [q["id"] for q in found] == [question.id]


def test_answer_form(client, ask, make_user):
    """The answer page posts an answer and returns to it on the question page."""
    question = ask()
    client.force_login(make_user())
    response = client.post(f"/questions/{question.id}/answer", {"body": BODY, "token": "t"})
    assert response.status_code == 302, response.content.decode()[-1500:]
    answer = Post.objects.get(post_type=PostType.ANSWER)
    assert response["Location"].endswith(f"#answer-{answer.id}")


def test_edit_page_is_prefilled_and_saves_a_revision(client, ask):
    """The edit page shows the Markdown source; saving past grace makes a revision."""
    question = ask()
    PostHistory.objects.update(creation_date=timezone.now() - timedelta(minutes=10))
    client.force_login(question.owner)
    page = client.get(f"/posts/{question.id}/edit").content.decode()
    assert BODY in page and 'value="rome"' in page
    response = client.post(
        f"/posts/{question.id}/edit",
        {"title": question.title, "body": NEW_BODY, "tags": "rome", "comment": "reword"},
    )
    assert response.status_code == 302
    assert PostHistory.objects.filter(post=question, post_history_type=5, comment="reword").exists()


def test_low_rep_edit_page_suggests(client, ask, make_user):
    """Below the edit privilege the page says the edit will be reviewed, and queues it."""
    question = ask()
    client.force_login(make_user(reputation=5))
    assert "Suggest edit" in client.get(f"/posts/{question.id}/edit").content.decode()
    response = client.post(
        f"/posts/{question.id}/edit", {"title": question.title, "body": NEW_BODY, "tags": "rome"}
    )
    assert "waiting for review" in response.content.decode()
    assert SuggestedEdit.objects.get().is_pending
    queue = client.get("/review/suggested-edits").content.decode()
    assert question.title in queue


def test_owner_approves_a_suggestion_on_its_page(client, ask, make_user):
    """The post owner's approval on the review page applies the edit at once."""
    question = ask()
    suggester = Client()
    suggester.force_login(make_user(reputation=5))
    suggester.post(
        f"/posts/{question.id}/edit", {"title": question.title, "body": NEW_BODY, "tags": "rome"}
    )
    suggestion = SuggestedEdit.objects.get()
    client.force_login(question.owner)
    assert "Approve" in client.get(f"/review/suggested-edits/{suggestion.id}").content.decode()
    client.post(f"/review/suggested-edits/{suggestion.id}", {"verdict": "approve"})
    question.refresh_from_db()
    assert question.body_markdown == NEW_BODY


def test_rollback_from_the_revisions_page(client, ask):
    """The revisions page offers rollback to revision 1; posting it adds 'Rollback to Revision 1'."""
    question = ask()
    PostHistory.objects.update(creation_date=timezone.now() - timedelta(minutes=10))
    client.force_login(question.owner)
    client.post(
        f"/posts/{question.id}/edit",
        {"title": question.title, "body": NEW_BODY, "tags": "rome", "comment": "reword"},
    )
    page = client.get(f"/posts/{question.id}/revisions").content.decode()
    assert f'action="/posts/{question.id}/rollback/1"' in page
    assert f'action="/posts/{question.id}/rollback/2"' not in page  # the current revision
    response = client.post(f"/posts/{question.id}/rollback/1")
    assert response.status_code == 302
    page = client.get(f"/posts/{question.id}/revisions").content.decode()
    assert "Rollback to Revision 1" in page
    question.refresh_from_db()
    assert question.body_markdown == BODY


def test_rollback_needs_post(client, ask):
    """Rollback is a POST only: a link cannot trigger it."""
    question = ask()
    client.force_login(question.owner)
    assert client.get(f"/posts/{question.id}/rollback/1").status_code == 405


def test_comment_form_explains_missing_privilege(client, ask, make_user):
    """A 12-reputation user commenting on someone else's post is told what is missing."""
    question = ask()
    client.force_login(make_user(reputation=12))
    response = client.post(
        f"/posts/{question.id}/comments/new", {"text": "A comment that is long enough."}
    )
    assert response.status_code == 403
    assert (
        "Commenting on others&#39; posts needs 50 reputation; you have 12"
        in response.content.decode()
    )
    assert not Comment.objects.exists()


def test_comment_form_posts_and_shows_on_the_question(client, ask, make_user):
    """A comment appears on the question page, with the mention rendered."""
    question = ask()
    client.force_login(make_user(reputation=60))
    response = client.post(
        f"/posts/{question.id}/comments/new", {"text": "Nice question, @someone should answer."}
    )
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.id}")
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert 'class="mention"' in page


def test_delete_page_and_post(client, ask):
    """The delete page asks first; the POST deletes: the question page is gone for others and
    shown to its owner as deleted (Stack Exchange shows owners their deleted posts)."""
    question = ask()
    client.force_login(question.owner)
    assert "Delete this question?" in client.get(f"/posts/{question.id}/delete").content.decode()
    client.post(f"/posts/{question.id}/delete")
    own_view = client.get(f"/questions/{question.id}", follow=True)
    assert 'class="deleted-notice"' in own_view.content.decode()
    client.logout()
    assert client.get(f"/questions/{question.id}").status_code == 404


def test_question_page_links_lead_to_working_pages(client, ask):
    """Every writing link on the question page answers 200 for its owner."""
    question = ask()
    client.force_login(question.owner)
    for url in (
        "/questions/ask",
        f"/questions/{question.id}/answer",
        f"/posts/{question.id}/edit",
        f"/posts/{question.id}/comments/new",
    ):
        assert client.get(url).status_code == 200, url
