"""A post body's dead links marked as the reader sees them: the link struck through and labelled
"dead link", its archived copy linked beside it when one is known.

Applied to the stored, sanitised HTML when the thread is rendered (web/thread_render.py), which
happens once per thread version: the checker bumps the version of every thread showing a link
that died or came back (linkcheck/services.py), so the kept HTML is never stale and a view pays
nothing.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

from markupsafe import escape

# An anchor of sanitised HTML (nh3 writes attributes double-quoted; anchors never nest).
_ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>.*?</a>', re.DOTALL)


def _same(url: str) -> str:
    return unquote(url).strip()


def mark_dead_links(html: str, dead: dict[str, str]) -> str:
    """`dead` is {URL: archived copy or ""}, as selectors.dead_links_of_posts gives it."""
    if not dead:
        return html
    wanted = {_same(url): archive for url, archive in dead.items()}

    def mark(match: re.Match) -> str:
        archive = wanted.get(_same(unescape(match.group(1))))
        if archive is None:
            return match.group(0)
        # Wrapped rather than given attributes: the anchor may carry a title of its own.
        anchor = (
            f'<span class="dead-link" title="This link no longer works">{match.group(0)}</span>'
        )
        note = '<span class="dead-link-note">dead link'
        if archive:
            note += (
                f'; <a href="{escape(archive)}" rel="nofollow noopener noreferrer" '
                'class="archived-copy">archived copy</a>'
            )
        return f"{anchor} <small>({note}</span>)</small>"

    return _ANCHOR.sub(mark, html)
