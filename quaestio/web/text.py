"""Plain text from stored HTML, for excerpts, meta descriptions and structured data."""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


# Bodies' plain text, remembered: the question page's structured data needs the same bodies on
# every view, and stripping them was its costliest step after the template. Keyed on whole
# bodies, so bounded by characters held (keys and values), not by entries: a few megabytes per
# process whatever the posts' sizes. A body larger than a tenth of the budget is not kept.
PLAIN_TEXT_CACHE_CHARS = 4_000_000
_plain_cache: OrderedDict[str, str] = OrderedDict()
_plain_cache_chars = 0
_plain_cache_lock = threading.Lock()


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment."""
    found = _plain_cache.get(fragment)
    if found is not None:
        return found
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
    size = len(fragment) + len(text)
    if size <= PLAIN_TEXT_CACHE_CHARS // 10:
        _remember(fragment, text, size)
    return text


def _remember(fragment: str, text: str, size: int) -> None:
    global _plain_cache_chars
    with _plain_cache_lock:
        if fragment in _plain_cache:
            return
        _plain_cache[fragment] = text
        _plain_cache_chars += size
        while _plain_cache_chars > PLAIN_TEXT_CACHE_CHARS:
            old_fragment, old_text = _plain_cache.popitem(last=False)  # the oldest first
            _plain_cache_chars -= len(old_fragment) + len(old_text)


def plain_text_cache_chars() -> int:
    """Characters the cache holds now (for tests of its bound)."""
    return _plain_cache_chars


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
