"""How a moderator finds their tools: a "Moderator" link in the top bar, and on every moderator
page a navigation to the others, each of which answers."""

from __future__ import annotations

import lxml.html
import pytest

pytestmark = pytest.mark.django_db


def test_a_moderator_reaches_every_moderator_page_from_the_top_bar(client, make_user):
    client.force_login(make_user(is_moderator=True))
    home = lxml.html.fromstring(client.get("/").content)
    (link,) = home.cssselect("a.moderator-link")
    dashboard = client.get(link.get("href"))
    assert dashboard.status_code == 200
    nav = lxml.html.fromstring(dashboard.content).cssselect(".moderator-nav a")
    labels = [a.text_content() for a in nav]
    assert labels == [
        "Flags",
        "Held posts",
        "Blocklist",
        "Moderator history",
        "Bulk clean-up",
        "Annotated posts",
        "Close reasons",
        "Tools",
    ]
    for a in nav:
        page = client.get(a.get("href"))
        assert page.status_code == 200, a.get("href")
        current = lxml.html.fromstring(page.content).cssselect(".moderator-nav a.selected")
        assert [c.text_content() for c in current] == [a.text_content()]


def test_others_get_no_moderator_link(client, make_user):
    client.force_login(make_user(reputation=20_000))
    assert not lxml.html.fromstring(client.get("/").content).cssselect("a.moderator-link")
    assert client.get("/admin").status_code == 403
