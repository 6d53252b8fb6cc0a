"""A post's sources are kept as rows, replaced in the same transaction as every body write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from quaestio.posts.models import PostHistory
from quaestio.posts.services import answer_post, post_edit, post_rollback
from quaestio.sources.models import PostSource
from quaestio.sources.services import sources_replace

CITED = (
    "Trotsky says so in [his book](https://www.marxists.org/archive/trotsky/1936/revbet/) "
    "and doi:10.1000/182, see also ISBN 978-0-306-40615-7 and "
    "Service (2005), *Stalin: A Biography*. Also <https://example.com/a>."
)
UNSOURCED = "A body that cites nothing at all, long enough for the thirty character minimum."


def _kept(post_id):
    return list(
        PostSource.objects.filter(post_id=post_id)
        .order_by("position")
        .values_list("kind", "value", "domain")
    )


def _age(post):
    PostHistory.objects.filter(post=post).update(
        creation_date=timezone.now() - timedelta(minutes=10)
    )


def test_asking_keeps_the_sources_in_reading_order(ask):
    """A new question's links, DOI, ISBN and cited work are rows in reading order (within a
    paragraph: its links, then its DOIs, ISBNs and works)."""
    question = ask(body=CITED)
    assert _kept(question.id) == [
        ("url", "https://www.marxists.org/archive/trotsky/1936/revbet/", "marxists.org"),
        ("url", "https://example.com/a", "example.com"),
        ("doi", "10.1000/182", "doi.org"),
        ("isbn", "9780306406157", ""),
        ("work", "Stalin: A Biography", ""),
    ]
    work = PostSource.objects.get(post=question, kind="work")
    assert (work.author, work.year) == ("Service", 2005)


def test_answering_keeps_its_sources(ask, make_user):
    """An answer's sources are its own rows."""
    question = ask()
    answer = answer_post(make_user(reputation=100), question.id, body=CITED)
    assert len(_kept(answer.id)) == 5 and _kept(question.id) == []


def test_malformed_doi_and_isbn_are_not_kept(ask):
    """A DOI without its registrant or an ISBN with a wrong check digit is not a source."""
    question = ask(body="See doi:10.12/x and ISBN 978-0-306-40615-8, " + UNSOURCED)
    assert _kept(question.id) == []


def test_edit_replaces_the_rows_and_rollback_restores_them(ask):
    """An edit that removes the sources leaves no row; rolling back brings them back."""
    question = ask(body=CITED)
    _age(question)
    post_edit(question.owner, question.id, title=question.title, body=UNSOURCED, tags="rome")
    assert _kept(question.id) == []
    _age(question)
    post_rollback(question.owner, question.id, 1)
    assert [kind for kind, _, _ in _kept(question.id)] == ["url", "url", "doi", "isbn", "work"]


def test_edit_in_the_grace_period_replaces_the_rows(ask):
    """A folded edit (the owner's own, within five minutes) writes the body: rows follow it."""
    question = ask(body=UNSOURCED)
    post_edit(
        question.owner,
        question.id,
        title=question.title,
        body=UNSOURCED + " https://doi.org/10.1000/182",
        tags="rome",
    )
    assert _kept(question.id) == [("doi", "10.1000/182", "doi.org")]


def test_title_only_edit_keeps_the_rows(ask):
    """An edit that does not touch the body leaves the rows as they are."""
    question = ask(body=CITED)
    before = list(PostSource.objects.filter(post=question).values_list("id", flat=True))
    _age(question)
    post_edit(
        question.owner,
        question.id,
        title="How did legions cross rivers, then?",
        body=CITED,
        tags="rome",
    )
    assert list(PostSource.objects.filter(post=question).values_list("id", flat=True)) == before


def test_approved_suggested_edit_replaces_the_rows(ask, make_user):
    """A suggested edit changes the rows only once it is approved."""
    from quaestio.posts.services import suggested_edit_review

    question = ask(body=UNSOURCED)
    suggestion = post_edit(
        make_user(reputation=5), question.id, title=question.title, body=CITED, tags="rome"
    ).suggestion
    assert _kept(question.id) == []
    for reviewer in (make_user(reputation=2000), make_user(reputation=2000)):
        suggested_edit_review(reviewer, suggestion.id, "approve")
    assert len(_kept(question.id)) == 5


def test_rows_roll_back_with_a_failed_write(ask):
    """The rows are written in the body write's transaction: an error after them undoes them."""
    question = ask(body=UNSOURCED)
    with pytest.raises(RuntimeError), transaction.atomic():
        sources_replace(question.id, CITED)
        raise RuntimeError
    assert _kept(question.id) == []


def test_a_hostile_body_keeps_bounded_rows(ask):
    """Thousands of links make at most MAX_SOURCES rows, and overlong fields are cut."""
    from quaestio.sources.extract import MAX_SOURCES

    links = " ".join(f"https://site{n}.example.org/" for n in range(MAX_SOURCES + 50))
    question = ask(body=UNSOURCED + " " + links)
    assert len(_kept(question.id)) == MAX_SOURCES
