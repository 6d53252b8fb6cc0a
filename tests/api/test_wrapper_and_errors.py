"""The wrapper object, paging, dates, owners, gzip, JSONP and errors, as Stack Exchange sends them."""

from __future__ import annotations

import gzip
import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_default_wrapper_has_items_has_more_and_quota(api, demo):
    """The default filter returns items, has_more, quota_max and quota_remaining, nothing else."""
    response, body = api.get("questions")
    assert response.status_code == 200
    assert set(body) == {"items", "has_more", "quota_max", "quota_remaining"}
    assert body["quota_max"] == 300
    assert body["quota_remaining"] == 299


def test_paging_follows_has_more_to_the_end(api, demo):
    """pagesize=4 pages through all 11 answers with has_more, no duplicates, no gaps."""
    seen, page = [], 1
    while True:
        _, body = api.get("answers", pagesize=4, page=page, sort="creation", order="asc")
        seen += [a["answer_id"] for a in body["items"]]
        if not body["has_more"]:
            break
        page += 1
    assert page == 3
    assert len(seen) == len(set(seen)) == 11


def test_total_filter_returns_only_total(api, demo):
    """filter=total returns {"total": n} and nothing else."""
    _, body = api.get("questions", filter="total")
    assert body == {"total": 6}


def test_page_page_size_type_and_total_when_a_filter_asks(api, demo):
    """A filter including .page, .page_size, .total and .type returns what was passed in."""
    _, created = api.get("filters/create", include=".page;.page_size;.total;.type")
    name = created["items"][0]["filter"]
    _, body = api.get("users", filter=name, page=2, pagesize=5)
    assert (body["page"], body["page_size"], body["type"]) == (2, 5, "user")
    assert body["total"] == 21  # the seed's and community's 17 users and 4 demo accounts


def test_dates_are_epoch_integers_and_owner_is_a_shallow_user(api, demo):
    """Dates are Unix epoch ints; owner carries user_id, user_type, reputation, profile_image."""
    _, body = api.get("questions/38738")
    question = body["items"][0]
    assert isinstance(question["creation_date"], int)
    assert question["creation_date"] > 1_000_000_000
    owner = question["owner"]
    assert {"user_id", "display_name", "reputation", "user_type", "profile_image", "link"} <= set(
        owner
    )
    assert owner["user_type"] in ("registered", "moderator")
    assert question["tags"] and all(isinstance(t, str) for t in question["tags"])


def test_deleted_owner_is_does_not_exist(api, demo):
    """A post whose owner is gone keeps the recorded name as a does_not_exist shallow_user."""
    from quaestio.posts.models import Post

    Post.objects.filter(id=38738).update(owner=None, owner_display_name="Gone Away")
    _, body = api.get("questions/38738")
    owner = body["items"][0]["owner"]
    assert owner["user_type"] == "does_not_exist"
    assert owner["display_name"] == "Gone Away"
    assert owner["user_id"] is None


def test_gzip_when_asked(api, demo):
    """Accept-Encoding: gzip gets a gzip body that decodes to the same wrapper."""
    response = api.client.get("/2.3/info", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert "items" in json.loads(gzip.decompress(response.content))


def test_trailing_slash_site_and_unknown_parameters_are_accepted(api, demo):
    """StackAPI's trailing slash, a site by domain and unknown parameters change nothing."""
    _, plain = api.get("questions/38738")
    response, slashed = api.get(
        "questions/38738/", site="history.stackexchange.com", frobnicate="yes"
    )
    assert response.status_code == 200
    assert slashed["items"] == plain["items"]


def test_jsonp_callback_answers_200_even_for_errors(api, demo):
    """With callback=, the body is a script call and the status is 200."""
    response = api.client.get("/2.3/questions", {"callback": "handle", "pagesize": 500})
    assert response.status_code == 200
    assert response.content.startswith(b"handle({")
    assert b'"error_name":"bad_parameter"' in response.content


@pytest.mark.parametrize(
    ("path", "params", "error_id", "error_name"),
    [
        ("no/such/method", {}, 404, "no_method"),
        ("questions/abc", {}, 404, "no_method"),
        ("questions", {"pagesize": 101}, 400, "bad_parameter"),
        ("questions", {"page": 0}, 400, "bad_parameter"),
        ("questions", {"sort": "nonsense"}, 400, "bad_parameter"),
        ("questions", {"order": "sideways"}, 400, "bad_parameter"),
        ("questions", {"fromdate": "yesterday"}, 400, "bad_parameter"),
        ("questions", {"tagged": "a;b;c;d;e;f"}, 400, "bad_parameter"),
        ("search", {}, 400, "bad_parameter"),
        ("similar", {}, 400, "bad_parameter"),
        ("filters/create", {"include": "question.nonsense"}, 400, "bad_parameter"),
        ("errors/502", {}, 502, "throttle_violation"),
    ],
)
def test_errors_are_http_400_with_all_three_fields(api, db, path, params, error_id, error_name):
    """Every error answers HTTP 400 with error_id, error_name and error_message together."""
    response, body = api.get(path, **params)
    assert response.status_code == 400
    assert body["error_id"] == error_id
    assert body["error_name"] == error_name
    assert body["error_message"]


def test_errors_lists_every_error(api, db):
    """/errors lists the Stack Exchange error table."""
    _, body = api.get("errors")
    names = {e["error_name"] for e in body["items"]}
    assert {"bad_parameter", "no_method", "throttle_violation", "access_token_required"} <= names


def test_float_epoch_bounds_are_accepted(api, demo):
    """py-stackexchange sends dates like "1390335965.0"; they bound the sort field."""
    _, body = api.get("questions", sort="creation", min="1390335965.0")
    assert body["items"]
    assert all(q["creation_date"] >= 1390335965 for q in body["items"])


def test_quota_counts_down_and_runs_out(api, db):
    """quota_remaining falls by one a request; past the quota comes throttle_violation."""
    with override_settings(QUAESTIO_API_QUOTA_ANONYMOUS=3):
        remaining = [api.get("errors")[1]["quota_remaining"] for _ in range(3)]
        response, body = api.get("errors")
    assert remaining == [2, 1, 0]
    assert response.status_code == 400
    assert body["error_name"] == "throttle_violation"
    assert body["backoff"] > 0


def test_a_key_raises_the_quota(api, db):
    """With an app key the quota is 10,000."""
    _, body = api.get("errors", key="anything")
    assert body["quota_max"] == 10_000


def test_too_many_requests_per_second_is_a_throttle_violation(api, db):
    """More requests in a second than allowed from one IP: throttle_violation with backoff."""
    with override_settings(QUAESTIO_API_REQUESTS_PER_SECOND=2):
        bodies = [api.get("errors")[1] for _ in range(6)]
    violations = [b for b in bodies if b.get("error_name") == "throttle_violation"]
    assert violations and all(b["backoff"] >= 1 for b in violations)


def test_hammering_one_method_brings_backoff(api, db):
    """Calling one method faster than the backoff threshold adds `backoff` to the wrapper."""
    with override_settings(QUAESTIO_API_BACKOFF_AFTER=2, QUAESTIO_API_BACKOFF_SECONDS=7):
        bodies = [api.get("errors")[1] for _ in range(3)]
    assert "backoff" not in bodies[0]
    assert bodies[2]["backoff"] == 7
