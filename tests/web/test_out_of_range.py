"""Numbers the database cannot hold, in a page number or an id, never reach a query (issue 15.3).

A page past the end (or past the deepest page a list serves) shows the last page; an id too
long for the database is no route at all (404); the API refuses such ids as a bad parameter.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from lxml import html as lxml_html

from quaestio.badges.models import Badge

HUGE_PAGES = [
    "9223372036854775808",  # one past the largest 64-bit integer
    "99999999999999999999999999",
    "1e9",
    "2000000000",
    "-3",
    "0",
    "",
    "½",
    "٣",  # a digit Python's int() reads, in another script
]
LISTS = [
    "/questions",
    "/questions?tab=newest",
    "/questions?tab=active",
    "/questions?tab=score",
    "/questions?tab=unanswered",
    "/questions?tab=bounties",
    "/questions/tagged/leon-trotsky",
    "/tags",
    "/users",
    "/questions/featured",
]


def _current_page(response) -> int:
    tree = lxml_html.fromstring(response.content.decode())
    current = tree.cssselect('.pager [aria-current="page"]')
    return int(current[0].text_content()) if current else 1


def _last_page(response) -> int:
    tree = lxml_html.fromstring(response.content.decode())
    numbers = [e.text_content() for e in tree.cssselect("nav[aria-label=Pages] > *")]
    return max([int(n) for n in numbers if n.isdigit()], default=1)


@pytest.mark.parametrize("page", HUGE_PAGES)
@pytest.mark.parametrize("url", LISTS + ["/badges/{badge}"])
def test_list_page_numbers_out_of_range_show_the_last_page(client, demo, url, page):
    """Any ?page= on every list answers 200 with a page of the list: the last one for a number
    past the end, the first for anything that is not a positive integer."""
    url = url.format(badge=Badge.objects.values_list("name", flat=True).first())
    response = client.get(url, {"page": page})
    assert response.status_code == 200
    past_the_end = page.isascii() and page.isdigit() and int(page) > 1
    assert _current_page(response) == (_last_page(response) if past_the_end else 1)


def _people(count: int) -> None:
    from quaestio.accounts.models import User

    User.objects.bulk_create(
        User(email=f"person{n}@example.org", display_name=f"Person {n}") for n in range(count)
    )


def test_a_page_past_the_end_shows_the_last_page_with_its_items(client, db):
    """With more items than one page holds, a page past the end is the last page, not an empty
    list."""
    _people(40)
    response = client.get("/users", {"page": "9223372036854775808"})
    assert response.status_code == 200
    assert _current_page(response) == 2
    tree = lxml_html.fromstring(response.content.decode())
    assert len(tree.cssselect(".user-grid li")) == 40 - 36


@override_settings(QUAESTIO_LIST_MAX_PAGE=2)
def test_lists_serve_no_page_deeper_than_the_cap(client, db):
    """Past QUAESTIO_LIST_MAX_PAGE a list shows the cap's page, and its pager offers no deeper
    page, however many items there are."""
    _people(120)
    response = client.get("/users", {"page": "3"})
    assert _current_page(response) == 2
    tree = lxml_html.fromstring(response.content.decode())
    pages = [a.text_content() for a in tree.cssselect(".pager a, .pager span")]
    assert pages == ["1", "2"]


@pytest.mark.parametrize(
    "url",
    [
        "/questions/99999999999999999999",
        "/questions/99999999999999999999/",
        "/questions/99999999999999999999/some-slug",
        "/questions/9223372036854775808/some-slug",
        "/q/99999999999999999999",
        "/a/99999999999999999999",
        "/q/38738/99999999999999999999",
        "/posts/99999999999999999999/revisions",
        "/posts/99999999999999999999/edit",
        "/posts/99999999999999999999/bounty",
        "/users/99999999999999999999/apps",
        "/users/99999999999999999999/x/reputation",
    ],
)
def test_ids_too_long_for_the_database_are_not_found(client, demo, url):
    """An id of 19 digits or more matches no route: 404, never a failed query."""
    assert client.get(url).status_code == 404


def test_an_unexpected_failure_shows_the_sites_own_error_page(client, db, monkeypatch):
    """A view that fails shows the site's 500 page (its own words, its stylesheet), not
    Django's bare one."""
    from quaestio.web.views import site

    def fail(**_kwargs):
        raise RuntimeError("a failure the page did not expect")

    monkeypatch.setattr(site, "question_list", fail)
    client.raise_request_exception = False
    response = client.get("/questions")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "site.css" in page
    assert "Server Error (500)" not in page


def test_a_nul_byte_in_a_path_or_parameter_is_a_bad_request(client, demo):
    """A NUL byte, which no text column takes (PostgreSQL refuses it inside the query), is
    refused at the door with 400, in a path, a query parameter or a form field."""
    assert client.get("/tags/%00").status_code == 400
    assert client.get("/questions/tagged/a%00b").status_code == 400
    assert client.get("/search", {"q": "a\x00b"}).status_code == 400
    assert client.post("/users/login", {"email": "a\x00@example.org"}).status_code == 400
    assert client.get("/tags/leon-trotsky").status_code == 200
