"""The one rule for a URL from outside (a dump, a form, the API) before it becomes a link.

Only http and https become links; a relative link only where the caller allows it (post
bodies may link within the site, a profile's website may not). Anything else, whether
`javascript:`, `data:`, `vbscript:` or a scheme the browser would find after stripping what
it ignores, is shown as text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https"})

# Browsers drop ASCII tab and newlines anywhere in a URL and C0 controls and spaces at its
# ends before looking for a scheme, so "java\tscript:" and "  JaVaScRiPt:" are javascript:.
_IGNORED_ANYWHERE = re.compile(r"[\t\n\r]")
_IGNORED_AT_ENDS = "".join(chr(code) for code in range(0x21))
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def safe_link(url: str | None, *, relative: bool = False) -> str | None:
    """The URL to put in an href or src, or None when it must be shown as text."""
    if not url:
        return None
    cleaned = _IGNORED_ANYWHERE.sub("", url).strip(_IGNORED_AT_ENDS)
    if not cleaned:
        return None
    scheme = _SCHEME.match(cleaned)
    if scheme is None:
        # No scheme: a path, or "//host" (which takes the page's own http or https).
        return cleaned if relative else None
    if scheme.group(1).lower() not in LINK_SCHEMES:
        return None
    try:
        host = urlsplit(cleaned).hostname
    except ValueError:  # an unbalanced "[" in the host part
        return None
    return cleaned if host else None


def url_field_value(url: str) -> str:
    """What an imported URL field keeps: the link when it is one, else nothing."""
    return safe_link(url) or ""
