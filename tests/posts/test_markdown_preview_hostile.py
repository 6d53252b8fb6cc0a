"""Hostile Markdown through the preview endpoint: what the editor shows is always sanitised.

The preview is the server renderer's output, so this corpus also covers every saved post.
"""

from __future__ import annotations

import re

import pytest

from quaestio.core.markdown import render_post

HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "event handler": '<img src="x.png" onerror="alert(1)">',
    "javascript link": "[click](javascript:alert(1))",
    "javascript autolink": "<javascript:alert(1)>",
    "data link": "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "entity-encoded javascript": "[x](&#106;avascript:alert(1))",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style attribute": '<p style="position:fixed;top:0;left:0;width:100%">cover</p>',
    "style tag": "<style>body{display:none}</style>",
    "svg onload": "<svg onload=alert(1)><circle r=4></svg>",
    "form": '<form action="https://evil.example"><input name=p></form>',
    "broken nesting": "<b><i>x</b></i><div><span></div></span>" * 20,
    "unclosed comment": "<!-- <script>alert(1)</script>",
    "id clobbering": '<a id="csrfmiddlewaretoken" href="#">x</a>',
    "class injection": '<div class="login-overlay">x</div>',
    "deep nesting": ">" * 500 + " deep",
    "deep lists": "".join("  " * i + "- item\n" for i in range(200)),
    "long input": "word " * 12_000,
}

SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN = [
    re.compile(r"<script", re.I),
    re.compile(r"\son\w+\s*=", re.I),
    re.compile(r"<(iframe|style|svg|form|input)", re.I),
    re.compile(r"style=\"(?!text-align)", re.I),
    re.compile(r'id="csrfmiddlewaretoken"'),
    re.compile(r'class="login-overlay"'),
]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_previews_safely(client, make_user, name):
    """Each hostile input comes back from /markdown/preview with nothing executable or overlaying."""
    client.force_login(make_user())
    response = client.post("/markdown/preview", {"text": HOSTILE[name]})
    assert response.status_code == 200
    html = response.content.decode()
    for pattern in FORBIDDEN:
        assert not pattern.search(html), (name, pattern.pattern, html[:300])
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url.strip(), re.I)
        assert scheme is None or scheme.group(1).lower() in SAFE_SCHEMES, (name, url)
    assert html == render_post(HOSTILE[name])


def test_preview_is_rate_limited_per_user(client, make_user):
    """More than 120 previews a minute from one user are refused with 429."""
    from quaestio.web.views.writing import PREVIEWS_PER_MINUTE

    client.force_login(make_user())
    statuses = [
        client.post("/markdown/preview", {"text": "x"}).status_code
        for _ in range(PREVIEWS_PER_MINUTE + 1)
    ]
    assert statuses[:-1] == [200] * PREVIEWS_PER_MINUTE and statuses[-1] == 429
