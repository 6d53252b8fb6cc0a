"""Every link on the demo leads somewhere: a breadth-first crawl of the demo community, logged out
and logged in, that fails on any page answering 404 or 500."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from lxml import html as lxml_html

MAX_PAGES = 400
# Where a link sits in a page: anchors, stylesheets and icons, images, scripts.
LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"))
INTERNAL_HOSTS = ("", "testserver")


def _internal(base: str, href: str) -> str | None:
    """The path and query an internal link leads to, or None for other sites and schemes."""
    url, _fragment = urldefrag(urljoin(base, href.strip()))
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.hostname not in (*INTERNAL_HOSTS, None):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _links(base: str, response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html") or not response.content:
        return []
    tree = lxml_html.fromstring(response.content.decode())
    found = []
    for tag, attribute in LINK_ATTRIBUTES:
        for element in tree.iter(tag):
            href = element.get(attribute)
            if href and (target := _internal(base, href)):
                found.append(target)
    return found


def crawl(client, start: str = "/", limit: int = MAX_PAGES) -> tuple[dict[str, int], dict]:
    """Status of every internal page reachable from `start` (at most `limit` of them), and for
    each the page that first linked to it."""
    statuses: dict[str, int] = {}
    referrers: dict[str, str] = {start: "(start)"}
    queue = deque([start])
    while queue and len(statuses) < limit:
        url = queue.popleft()
        response = client.get(url, follow=True)
        statuses[url] = response.status_code
        final = response.request["PATH_INFO"]
        for link in _links(final, response):
            if link not in referrers:
                referrers[link] = url
                queue.append(link)
    return statuses, referrers


def _broken(statuses: dict[str, int], referrers: dict[str, str]) -> list[str]:
    return [
        f"{status} {url} (linked from {referrers[url]})"
        for url, status in statuses.items()
        if status == 404 or status >= 500
    ]


@pytest.mark.django_db
def test_no_link_on_the_demo_leads_to_a_missing_page_when_logged_out(client, demo):
    """Logged out, every page reachable from the home page answers, none with 404 or 500."""
    statuses, referrers = crawl(client)
    assert len(statuses) > 50, "the crawl should reach the whole demo"
    assert _broken(statuses, referrers) == []


@pytest.mark.django_db
def test_no_link_on_the_demo_leads_to_a_missing_page_when_logged_in(client, demo):
    """Logged in as a demo user, every page reachable from the home page answers, none with 404
    or 500 (the crawl only reads: log out is a form, not a link)."""
    from quaestio.accounts.models import User

    client.force_login(User.objects.get(display_name="Tom Au"))
    statuses, referrers = crawl(client)
    assert len(statuses) > 50
    assert _broken(statuses, referrers) == []


@pytest.mark.django_db
def test_the_seed_question_links_to_the_community_profile_and_a_real_chat_record(client, demo):
    """The two links issue 15.9 found broken on the seed question: the Community user's name
    leads to its profile, and "moved to chat" to the answer's history, which records the move."""
    page = client.get("/questions/38738", follow=True)
    tree = lxml_html.fromstring(page.content.decode())
    community = {a.get("href") for a in tree.xpath("//a[starts-with(@href, '/users/-1')]")}
    assert community, "the Community user's comment links to its profile"
    for link in community:
        profile = client.get(link, follow=True)
        assert profile.status_code == 200 and b"Community" in profile.content
    (chat,) = tree.xpath("//a[text()='moved to chat']")
    history = client.get(chat.get("href"))
    assert history.status_code == 200
    assert b"comments moved to chat" in history.content and b"T.E.D." in history.content
