"""AI-use disclosure (issue 19 point 4, spec §7.12): stored per post and per revision, checked
against the site's policy on every write path, shown as an escaped notice."""

from __future__ import annotations

import pytest
from django.test import Client

from quaestio.core.errors import PermissionDenied, ValidationFailed
from quaestio.posts import ai_use
from quaestio.posts.models import Post, PostHistory
from quaestio.posts.revisions import post_revisions
from quaestio.posts.services import answer_post, post_edit, post_rollback, question_ask
from quaestio.tags.models import Tag
from tests.writing_support import BODY

pytestmark = pytest.mark.django_db

ATTRIBUTED = BODY + "\n\nAI: ChatGPT (GPT-4o) drafted the second paragraph; I checked it."
TITLE = "How did Roman legions cross wide rivers?"


@pytest.fixture
def writer(make_user):
    Tag.objects.get_or_create(name="rome")
    return make_user(reputation=2000)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_attribution_rule():
    """The attribution line: its own line, starting "AI:" (any case, after quote, list or
    emphasis markers), naming the tool in at least three characters."""
    assert ai_use.has_attribution("Text.\nAI: Claude wrote the summary.")
    assert ai_use.has_attribution("Text.\n> *ai: Gemini*")
    assert ai_use.has_attribution("- AI: GPT-4 table")
    assert not ai_use.has_attribution("Text mentioning AI: inline, not its own line.")
    assert not ai_use.has_attribution("Text.\nAI: x")
    assert not ai_use.has_attribution("Text.\nAI:")


def test_disclosure_is_stored_on_post_and_revision(writer):
    """The ask stores the disclosure on the post and on each row of its first revision."""
    question = question_ask(writer, title=TITLE, body=BODY, tags="rome", ai_use="language")
    assert question.ai_disclosure == "language"
    rows = PostHistory.objects.filter(post=question)
    assert {row.ai_disclosure for row in rows} == {"language"} and rows.count() == 3
    answer = answer_post(writer, question.id, body=ATTRIBUTED, ai_use="content")
    assert Post.objects.get(id=answer.id).ai_disclosure == "content"


def test_an_edit_changes_the_disclosure_and_history_shows_it(writer, make_user):
    """An edit with another disclosure is a new revision carrying it; changing only the
    disclosure is an edit too; the revision history describes it; a rollback brings back the
    disclosure of the revision it returns to."""
    question = question_ask(writer, title=TITLE, body=BODY, tags="rome", ai_use="none")
    editor = make_user(reputation=5000)
    post_edit(editor, question.id, title=TITLE, body=ATTRIBUTED, tags="rome", ai_use="content")
    assert Post.objects.get(id=question.id).ai_disclosure == "content"
    post_edit(editor, question.id, title=TITLE, body=ATTRIBUTED, tags="rome", ai_use="language")
    revisions = [r for r in post_revisions(question.id) if r.number]
    assert [r.ai_disclosure for r in revisions] == ["none", "content", "language"]
    assert revisions[1].ai_label == "AI-generated content declared" and revisions[2].ai_changed
    post_rollback(editor, question.id, 1)
    assert Post.objects.get(id=question.id).ai_disclosure == "none"
    page = _client(editor).get(f"/posts/{question.id}/revisions")
    assert "AI-generated content declared" in page.content.decode()


def test_an_edit_without_a_disclosure_keeps_the_posts(writer):
    """ai_use=None (an API edit that does not say, the review queues' edits) keeps it."""
    question = question_ask(writer, title=TITLE, body=BODY, tags="rome", ai_use="language")
    post_edit(writer, question.id, title=TITLE, body=BODY + " More.", tags="rome")
    assert Post.objects.get(id=question.id).ai_disclosure == "language"


def test_referenced_policy_needs_the_attribution_line(writer, settings):
    """Under "referenced", content without an "AI:" line is refused with what to do, and
    nothing is written; with the line it is accepted; removing the line later is refused."""
    settings.QUAESTIO_AI_POLICY = "referenced"
    before = Post.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        question_ask(writer, title=TITLE, body=BODY, tags="rome", ai_use="content")
    assert "AI:" in refused.value.fields["ai_use"][0]
    assert Post.objects.count() == before
    question = question_ask(writer, title=TITLE, body=ATTRIBUTED, tags="rome", ai_use="content")
    with pytest.raises(ValidationFailed):
        post_edit(writer, question.id, title=TITLE, body=BODY, tags="rome")
    assert Post.objects.get(id=question.id).body_markdown == ATTRIBUTED


def test_banned_policy_refuses_content_and_allows_language(writer, make_user, settings):
    """Under "banned", content is refused (even attributed) with the way out; language is fine;
    a rollback to a revision that declared content is refused too."""
    question = question_ask(writer, title=TITLE, body=ATTRIBUTED, tags="rome", ai_use="content")
    editor = make_user(reputation=5000)  # another user's edit: its own revision, no grace
    post_edit(editor, question.id, title=TITLE, body=BODY, tags="rome", ai_use="none")
    settings.QUAESTIO_AI_POLICY = "banned"
    with pytest.raises(ValidationFailed) as refused:
        answer_post(writer, question.id, body=ATTRIBUTED, ai_use="content")
    message = refused.value.fields["ai_use"][0]
    assert "does not allow" in message and "language only" in message
    assert answer_post(writer, question.id, body=BODY, ai_use="language").ai_disclosure == (
        "language"
    )
    with pytest.raises(PermissionDenied):
        post_rollback(writer, question.id, 1)
    assert Post.objects.get(id=question.id).ai_disclosure == "none"


def test_web_forms_store_refuse_and_reject_forged_values(writer, settings):
    """The ask form stores the choice; a forged value or an empty answer is refused beside the
    field with nothing written; under "banned" the content choice is refused with the reason."""
    client = _client(writer)
    form = {"title": TITLE, "body": BODY, "tags": "rome", "token": "t1", "ai_use": "language"}
    response = client.post("/questions/ask", form)
    assert response.status_code == 302
    assert Post.objects.get(title=TITLE).ai_disclosure == "language"
    before = Post.objects.count()
    for forged in ("robot", "<script>", ""):
        page = client.post("/questions/ask", {**form, "token": f"f{forged}", "ai_use": forged})
        assert page.status_code == 400
        assert "Choose whether generative AI helped" in page.content.decode()
        assert "<script>" not in page.content.decode().split('id="ai-use"')[1][:2000]
    settings.QUAESTIO_AI_POLICY = "banned"
    question = Post.objects.get(title=TITLE)
    page = client.post(
        f"/questions/{question.id}/answer", {"body": ATTRIBUTED, "token": "a", "ai_use": "content"}
    )
    assert page.status_code == 400 and "does not allow content generated" in page.content.decode()
    assert Post.objects.count() == before


def test_forms_ask_the_question_without_a_default(writer):
    """The ask and answer forms show the three choices, required, none checked, with the
    policy's hint and a link to the help page, which states the policy."""
    client = _client(writer)
    html = client.get("/questions/ask").content.decode()
    field = html.split('id="ai-use"')[1].split("</fieldset>")[0]
    assert field.count('name="ai_use"') == 3 and "checked required" not in field
    assert field.count("required") == 3 and "/help/gen-ai-policy" in field
    help_page = client.get("/help/gen-ai-policy").content.decode()
    assert "only when it is disclosed and referenced" in help_page


def test_help_page_states_a_ban(client, settings, db):
    settings.QUAESTIO_AI_POLICY = "banned"
    html = client.get("/help/gen-ai-policy").content.decode()
    assert "does not allow content generated" in html


def test_notice_shows_on_the_question_page(writer, make_user):
    """The thread shows the notice under a post that declared AI use, nothing for "none" or
    undeclared (imported) posts."""
    question = question_ask(writer, title=TITLE, body=BODY, tags="rome", ai_use="none")
    answer_post(make_user(reputation=500), question.id, body=ATTRIBUTED, ai_use="content")
    answer_post(make_user(reputation=500), question.id, body=BODY + " lang", ai_use="language")
    answer_post(make_user(reputation=500), question.id, body=BODY + " undeclared")
    html = Client().get(f"/questions/{question.id}", follow=True).content.decode()
    assert html.count("Contains AI-generated content, disclosed by the author") == 1
    assert html.count("AI-assisted (language)") == 1
    assert html.count('class="ai-disclosure') == 2
