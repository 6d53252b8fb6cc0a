"""Dark mode's switch (issue 18.9): a signed-in reader's choice is kept on their account and
written on <html>; anonymous pages never vary with it (their choice stays in the browser)."""

from __future__ import annotations

import json

from django.test import Client
from lxml import html as lxml_html


def _html_element(client, path: str = "/questions"):
    response = client.get(path)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def test_a_signed_in_choice_is_kept_and_written_on_the_page(client, make_user):
    """POST /preferences/theme dark keeps "dark" on the account; every page then carries
    data-theme="dark"; "" goes back to following the system."""
    user = make_user()
    client.force_login(user)
    root = _html_element(client)
    assert root.get("data-theme") is None and root.get("data-theme-account")
    response = client.post("/preferences/theme", {"theme": "dark"})
    assert response.status_code == 200 and json.loads(response.content) == {"theme": "dark"}
    user.refresh_from_db()
    assert user.theme == "dark"
    assert _html_element(client).get("data-theme") == "dark"
    client.post("/preferences/theme", {"theme": ""})
    assert _html_element(client).get("data-theme") is None


def test_a_bad_choice_or_no_csrf_changes_nothing(make_user):
    """An unknown theme is refused with a reason; without the CSRF token the POST is refused."""
    user = make_user()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/preferences/theme", {"theme": "dark"}).status_code == 403
    client = Client()
    client.force_login(user)
    refused = client.post("/preferences/theme", {"theme": "purple"})
    assert refused.status_code == 400 and "light, dark" in json.loads(refused.content)["error"]
    user.refresh_from_db()
    assert user.theme == ""


def test_anonymous_pages_do_not_vary(client, demo):
    """An anonymous reader's page has no theme attribute (theme.js applies the stored choice),
    and POSTing a choice needs an account."""
    root = _html_element(client, "/questions/38738/why-did-stalin-have-trotsky-killed")
    assert root.get("data-theme") is None and root.get("data-theme-account") is None
    assert client.post("/preferences/theme", {"theme": "dark"}).status_code == 403
