"""Issue 15.1: a URL from outside becomes a link only when it is http or https.

Dump fields (WebsiteUrl, ProfileImageUrl), links in post bodies and comments, the profile form
and the API: `javascript:`, `data:`, `vbscript:` and their disguises are shown as text.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest

from quaestio.accounts.models import User
from quaestio.core import links
from quaestio.core.markdown import render_comment, render_post, sanitize_html
from quaestio.core.safe_urls import safe_link
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post
from tests.dumps.conftest import MINIMAL, write_dump

HOSTILE = [
    "javascript:alert(1)",
    "  JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "https://",
    "http:javascript:alert(1)",
]


class _UrlAttributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]


def _urls_in(html: str) -> list[str]:
    """Every href and src of the page's real elements, as the browser decodes them."""
    parser = _UrlAttributes()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("url", HOSTILE)
def test_safe_link_refuses_everything_but_http_and_https(url):
    """No scheme other than http/https passes, however it is disguised."""
    assert safe_link(url) is None
    assert safe_link(url, relative=True) is None


def test_safe_link_keeps_web_links_and_relative_ones_only_when_allowed():
    """http(s) links pass (trimmed); a relative link only where the caller allows it."""
    assert safe_link(" https://example.org/a?b=1 ") == "https://example.org/a?b=1"
    assert safe_link("HTTP://example.org") == "HTTP://example.org"
    assert safe_link("/questions/1") is None
    assert safe_link("/questions/1", relative=True) == "/questions/1"


def _user_row(user_id: int, website: str, image: str) -> str:
    from xml.sax.saxutils import quoteattr

    return (
        f'<row Id="{user_id}" Reputation="1" CreationDate="2014-01-21T18:00:00.000" '
        f'DisplayName="User{user_id}" LastAccessDate="2014-02-01T10:00:00.000" '
        f"WebsiteUrl={quoteattr(website)} ProfileImageUrl={quoteattr(image)} "
        'Views="0" UpVotes="0" DownVotes="0" />'
    )


@pytest.mark.django_db
def test_imported_profile_links_with_script_schemes_are_text(tmp_path, client):
    """A dump's WebsiteUrl of javascript:, data:, vbscript: (any case, leading spaces) is
    stored as no link and shown on the profile as text, never as an href; an https one stays
    a link. ProfileImageUrl is held to the same rule (the API's profile_image)."""
    files = dict(MINIMAL)
    hostile = [url for url in HOSTILE if "\x01" not in url]  # XML 1.0 cannot carry \x01
    files["Users"] = [
        *MINIMAL["Users"],
        *(_user_row(100 + n, url, url) for n, url in enumerate(hostile)),
        _user_row(99, "https://example.org/me", "https://example.net/me.png"),
    ]
    files["Posts"] = [
        *MINIMAL["Posts"],
        '<row Id="3" PostTypeId="2" ParentId="1" CreationDate="2014-01-21T21:00:00.000" '
        'Score="0" Body="&lt;p&gt;&lt;a href=&quot; JaVaScRiPt:alert(1)&quot;&gt;x&lt;/a&gt; '
        '&lt;img src=&quot;data:image/png;base64,AAAA&quot;&gt;&lt;/p&gt;" '
        'OwnerUserId="7" LastActivityDate="2014-01-21T21:00:00.000" CommentCount="0" />',
    ]
    import_dump(write_dump(tmp_path / "d", files), out=io.StringIO())

    for n, url in enumerate(hostile):
        user = User.objects.get(id=100 + n)
        assert user.website_url == "" and user.profile_image_url == "", url
        page = client.get(links.user_url(user.id, user.display_name)).content.decode()
        assert all(safe_link(found, relative=True) for found in _urls_in(page)), url
    good = User.objects.get(id=99)
    assert good.website_url == "https://example.org/me"
    page = client.get(links.user_url(99, good.display_name)).content.decode()
    assert 'href="https://example.org/me"' in page
    body = Post.objects.get(id=3).body
    assert "javascript" not in body.lower() and "data:" not in body


@pytest.mark.django_db
def test_a_stored_script_url_on_a_profile_is_shown_as_text(client, make_user):
    """Whatever is in the column (an older import), the profile page checks again on output."""
    user = make_user()
    User.objects.filter(id=user.id).update(website_url="  JaVaScRiPt:alert(1)")
    page = client.get(links.user_url(user.id, user.display_name)).content.decode()
    assert "JaVaScRiPt:alert(1)" in page
    assert not re.search(r"href=\"\s*javascript", page, re.IGNORECASE)


@pytest.mark.parametrize("url", [*HOSTILE, "mailto:a@example.org"])
def test_markdown_bodies_and_comments_make_no_script_links(url):
    """Links and images in bodies, comments and imported HTML carry only http(s) or relative
    URLs; the rest lose their href/src."""
    sources = [
        f"[x]({url})",
        f"![x]({url})",
        f'<a href="{url}">x</a>',
        f'<img src="{url}">',
        f"<{url}>",
    ]
    for source in sources:
        for html in (render_post(source), render_comment(source), sanitize_html(source)):
            for found in _urls_in(html):
                assert safe_link(found, relative=True) is not None, (source, html)
                assert not found.lower().startswith("mailto"), (source, html)
