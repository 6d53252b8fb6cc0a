"""The small defects of issue 15.12, each with the behaviour that fixes it."""

from __future__ import annotations

from lxml import html as lxml_html


def _tree(response):
    return lxml_html.fromstring(response.content.decode())


def test_search_result_by_a_deleted_user_names_them(client, demo):
    """The seed's answer 84620 lost its owner: its search result still ends in a name."""
    tree = _tree(client.get("/search", {"q": "Ideological rivalry"}))
    (meta,) = tree.cssselect("#answer-summary-84620 .summary-meta")
    text = " ".join(meta.text_content().split())
    assert text.endswith("by deleted user"), text


def test_apps_page_has_one_main_element(client, make_user):
    """/users/<id>/apps sits inside the base layout's <main>, not a second one."""
    user = make_user(reputation=1)
    client.force_login(user)
    response = client.get(f"/users/{user.id}/apps")
    assert response.status_code == 200
    assert len(_tree(response).xpath("//main")) == 1


def test_pages_link_a_favicon_and_favicon_ico_leads_to_it(client, demo):
    """Every page names its icon, the icon is served, and /favicon.ico (asked for by browsers
    that ignore the link) redirects to it rather than answering 404."""
    (icon,) = _tree(client.get("/")).xpath("//link[@rel='icon']")
    assert icon.get("type") == "image/svg+xml"
    served = client.get(icon.get("href"))
    assert served.status_code == 200
    assert b"<svg" in b"".join(served.streaming_content if served.streaming else [served.content])
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == icon.get("href")
