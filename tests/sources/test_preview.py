"""The editor's live preview tells the writer of each malformed DOI or ISBN before posting."""

from __future__ import annotations

from quaestio.core.markdown import render_post


def _preview(client, text: str) -> str:
    response = client.post("/markdown/preview", {"text": text})
    assert response.status_code == 200
    return response.content.decode()


def test_malformed_doi_and_isbn_are_warned_above_the_preview(client, make_user):
    """A DOI without a registrant and an ISBN with a wrong check digit are each listed once,
    above the rendered text, which is unchanged."""
    client.force_login(make_user())
    text = "See doi:10.12/x, ISBN 978-0-306-40615-8 and again doi:10.12/x."
    html = _preview(client, text)
    assert html.startswith('<div class="source-warnings" role="status">')
    assert html.count("<li>") == 2
    assert "is not a DOI" in html and "wrong check digit" in html
    assert html.endswith(render_post(text))


def test_well_formed_sources_give_no_warning(client, make_user):
    """A valid DOI and ISBN-10 preview exactly as the renderer renders them."""
    client.force_login(make_user())
    text = "See doi:10.1000/182 and ISBN 0-306-40615-2."
    assert _preview(client, text) == render_post(text)


def test_hostile_text_in_a_warning_is_escaped(client, make_user):
    """What the writer typed is quoted in the warning as text, never as markup."""
    client.force_login(make_user())
    html = _preview(client, "doi:<script>alert(1)</script> and ISBN 12345678<b>9</b>0")
    warnings = html.split("</div>", 1)[0]
    assert "is not a DOI" in warnings
    assert "<script>" not in warnings and "&lt;script&gt;" in warnings


def test_preview_still_needs_a_login(client):
    """Anonymous visitors get no preview, with or without sources."""
    assert client.post("/markdown/preview", {"text": "doi:10.12/x"}).status_code == 403
