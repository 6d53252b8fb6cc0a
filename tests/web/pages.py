"""Reading the question page as a given viewer, for the page tests."""

from __future__ import annotations

from quaestio.core import links


def question_html(client, user, question) -> str:
    """The question's page as `user` sees it (None: a visitor), which must answer 200."""
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(links.question_url(question.id, question.title))
    assert response.status_code == 200
    return response.content.decode()
