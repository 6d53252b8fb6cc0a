"""Plain text from stored HTML, for excerpts, meta descriptions and structured data."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1024)
def plain_text(fragment: str) -> str:
    """Text of an HTML fragment; cached because the question page's structured data needs the
    same bodies on every view, and stripping them was its costliest step after the template."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def excerpt(fragment: str, limit: int = 200) -> str:
    text = plain_text(fragment)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def escape_html(text: str) -> str:
    """Text made safe for HTML element content and quoted attributes, as plain text: the same
    five replacements as markupsafe's escape (and Jinja's autoescaping), without creating a
    Markup, for HTML built in Python from many small pieces."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )
