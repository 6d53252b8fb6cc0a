"""The API returns a post's sources when a filter includes question/answer/post.sources."""

from __future__ import annotations

import pytest

from quaestio.posts.services import answer_post
from tests.api.conftest import ApiClient
from tests.sources.test_kept import CITED, UNSOURCED


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def thread(ask, make_user):
    question = ask(body=CITED)
    answer = answer_post(make_user(reputation=100), question.id, body=UNSOURCED)
    return question, answer


def _filter(api, include: str, **extra) -> str:
    _, created = api.get("filters/create", include=include, **extra)
    return created["items"][0]["filter"]


def test_sources_are_not_in_the_default_filter(api, thread):
    """Stack Exchange's default shape is kept: no sources unless asked."""
    question, _ = thread
    _, body = api.get(f"questions/{question.id}")
    assert "sources" not in body["items"][0]


def test_question_answer_and_post_objects_return_their_sources(api, thread):
    """Each kind in reading order with its fields; a post citing nothing has an empty list."""
    question, answer = thread
    name = _filter(api, "question.sources;answer.sources;post.sources")
    _, body = api.get(f"questions/{question.id}", filter=name)
    sources = body["items"][0]["sources"]
    assert sources[0] == {
        "kind": "url",
        "value": "https://www.marxists.org/archive/trotsky/1936/revbet/",
        "domain": "marxists.org",
        "link": "https://www.marxists.org/archive/trotsky/1936/revbet/",
    }
    assert {
        "kind": "doi",
        "value": "10.1000/182",
        "domain": "doi.org",
        "link": "https://doi.org/10.1000/182",
    } in sources
    assert {"kind": "isbn", "value": "9780306406157"} in sources
    assert {
        "kind": "work",
        "value": "Stalin: A Biography",
        "title": "Stalin: A Biography",
        "author": "Service",
        "year": 2005,
    } in sources
    _, body = api.get(f"answers/{answer.id}", filter=name)
    assert body["items"][0]["sources"] == []
    _, body = api.get(f"posts/{question.id};{answer.id}", filter=name)
    by_id = {item["post_id"]: item["sources"] for item in body["items"]}
    assert len(by_id[question.id]) == 5 and by_id[answer.id] == []


def test_a_work_title_is_escaped_by_a_safe_filter(api, ask):
    """Like every user-written string, a cited title comes HTML-escaped unless unsafe."""
    question = ask(body="Smith (1999), *Kings & <Queens>* " + UNSOURCED)
    safe = _filter(api, "question.sources")
    unsafe = _filter(api, "question.sources", unsafe="true")
    _, body = api.get(f"questions/{question.id}", filter=safe)
    assert body["items"][0]["sources"][0]["title"] == "Kings &amp; &lt;Queens&gt;"
    _, body = api.get(f"questions/{question.id}", filter=unsafe)
    assert body["items"][0]["sources"][0]["title"] == "Kings & <Queens>"


def test_sources_cost_one_query_for_a_page(api, ask):
    """Asking for sources adds one query however many posts the page has."""
    for n in range(5):
        ask(title=f"How did Roman legions cross river number {n}?", body=CITED)
    name = _filter(api, "question.sources")
    plain = _filter(api, "question.title")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        api.get("questions", filter=plain, pagesize=5)
    with CaptureQueriesContext(connection) as with_sources:
        _, body = api.get("questions", filter=name, pagesize=5)
    assert all(len(item["sources"]) == 5 for item in body["items"])
    assert len(with_sources) == len(without) + 1


def test_openapi_documents_the_source_type(api):
    """The OpenAPI document has the source schema and the sources arrays."""
    _, spec = api.get("openapi.json")
    schemas = spec["components"]["schemas"]
    assert schemas["question"]["properties"]["sources"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/source"},
    }
    assert schemas["source"]["properties"]["year"] == {"type": "integer"}
    assert schemas["source"]["properties"]["kind"] == {"type": "string"}
