"""Plain text from stored HTML, for excerpts, meta descriptions and structured data."""

from __future__ import annotations

import html
import re
import sys

from quaestio.core.bounded_cache import BoundedCache

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


# Bodies' plain text, remembered for the pages that show excerpts of the same posts again and
# again. Keyed on whole bodies, so bounded by the bytes held (keys and values, as CPython sizes
# the strings), not by entries: at most PLAIN_TEXT_CACHE_BYTES per process whatever the posts'
# sizes; a body over a tenth of the budget is not kept (core/bounded_cache.py).
PLAIN_TEXT_CACHE_BYTES = 8_000_000
_plain_cache = BoundedCache(
    PLAIN_TEXT_CACHE_BYTES, lambda item: sys.getsizeof(item[0]) + sys.getsizeof(item[1])
)


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment."""
    found = _plain_cache.get(fragment)
    if found is not None:
        return found[1]
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
    _plain_cache.put(fragment, (fragment, text))
    return text


def plain_text_cache_bytes() -> int:
    """Bytes the cache holds now (for tests of its bound)."""
    return _plain_cache.nbytes


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
