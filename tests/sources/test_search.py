"""Search finds posts by their kept sources: hassource:yes|no and source:<domain>."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quaestio.posts.services import answer_post
from quaestio.search.parser import parse
from quaestio.search.query import SearchSyntaxError, SourceFilter
from quaestio.search.selectors import search_ids
from quaestio.search.services import reindex_all
from tests.sources.test_kept import UNSOURCED


@pytest.fixture
def cited(ask, make_user):
    """A question citing marxists.org, an answer citing a DOI, and an answer citing nothing."""
    question = ask(
        title="Why did Stalin have Trotsky killed?",
        body="Trotsky wrote https://www.marxists.org/archive/trotsky/ about it. " + UNSOURCED,
    )
    doi = answer_post(
        make_user(reputation=100), question.id, body="See doi:10.1000/182. " + UNSOURCED
    )
    plain = answer_post(make_user(reputation=100), question.id, body=UNSOURCED + " Trotsky.")
    reindex_all()
    return question.id, doi.id, plain.id


def _found(query: str) -> set[int]:
    ids, _total = search_ids(query, limit=50)
    return set(ids)


def test_hassource_yes_and_no(cited):
    """hassource:yes lists the posts that cite anything; hassource:no the others."""
    question, doi, plain = cited
    assert _found("hassource:yes") == {question, doi}
    assert _found("hassource:no") == {plain}
    assert _found("-hassource:yes") == {plain}


def test_source_domain_with_or_without_www_and_with_words(cited):
    """source: matches the host as kept (www. dropped), alone or with words and other filters."""
    question, doi, plain = cited
    assert _found("source:marxists.org") == {question}
    assert _found("source:www.marxists.org") == {question}
    assert _found("source:https://marxists.org/archive") == {question}
    assert _found("source:doi.org") == {doi}
    assert _found("trotsky source:marxists.org") == {question}
    assert _found("trotsky -source:marxists.org") == {plain}
    assert _found("source:marxists.org is:answer") == set()
    assert _found("source:example.net") == set()


def test_bad_domain_is_a_clear_error():
    """A source: that is no domain says how to write one."""
    with pytest.raises(SearchSyntaxError, match="source: takes a site's domain"):
        parse("source:not_a/domain!")
    with pytest.raises(SearchSyntaxError, match="needs a value"):
        parse("source:")
    assert parse("SOURCE:Marxists.ORG").filters == (SourceFilter("marxists.org"),)


def test_source_filters_read_the_sources_table_by_its_indexes(cited):
    """The filters are EXISTS probes on post_id / (domain, post_id), never a scan of it."""
    with CaptureQueriesContext(connection) as captured:
        _found("source:marxists.org hassource:yes")
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "EXISTS" in sql.upper() and "sources_postsource" in sql
    if connection.vendor == "postgresql":
        plans = []
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # a tiny table: ask whether an index fits
            for sql, params in (
                ("SELECT 1 FROM sources_postsource WHERE domain = %s AND post_id = %s", 2),
                ("SELECT post_id FROM sources_postsource WHERE domain = %s", 1),
                ("SELECT 1 FROM sources_postsource WHERE post_id = %s", 1),
            ):
                values = ["marxists.org", cited[0]] if params == 2 else [cited[0]]
                if "WHERE domain" in sql and params == 1:
                    values = ["marxists.org"]
                cursor.execute("EXPLAIN " + sql, values)
                plans.append(" ".join(row[0] for row in cursor.fetchall()))
            cursor.execute("SET enable_seqscan = on")
        assert all("Seq Scan" not in plan for plan in plans), plans
        assert "post_source_domain_idx" in plans[1]
        assert "post_source_position_uniq" in plans[2]


def test_search_help_lists_the_operators(client):
    """The search help page documents both operators."""
    html = client.get("/help/searching").content.decode()
    assert "hassource:yes" in html and "source:marxists.org" in html
