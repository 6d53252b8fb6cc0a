"""Rendering imported text with the site's one renderer, minus work that cannot change the result.

`render_comment` runs markdown-it and nh3 over every comment: about 3,000 comments a second,
the slowest step of an import by far. Almost half of real comments are plain prose, in which
no comment syntax can start; for those the renderer's output is provably the whitespace-
collapsed text itself (no character that would need escaping is present either).
tests/dumps/test_render.py checks the shortcut against the real renderer.
"""

from __future__ import annotations

import re

from quaestio.core.markdown import MAX_SOURCE_CHARS, render_comment

# Any character that starts comment syntax (emphasis, code, links, magic links, mentions,
# escapes, entities, HTML, strikethrough) or a bare link the linkifier would find (a scheme,
# "www", or a dot between word characters as in example.com).
_MAY_NEED_RENDERER = re.compile(r"[*_`\[\]\\&<>!~@:/]|\.\w|www|---|\w\.\w")


def render_comment_html(text: str) -> str:
    source = text[:MAX_SOURCE_CHARS]
    if _MAY_NEED_RENDERER.search(source):
        return render_comment(text)
    return " ".join(source.split())
