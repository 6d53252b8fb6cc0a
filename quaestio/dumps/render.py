"""Rendering imported text with the site's one renderer, minus work that cannot change the result.

`sanitize_html` hands nh3 its whole configuration on every call; converting those sets costs
three times the cleaning itself. The importer builds one nh3.Cleaner from the very same
configuration (core/markdown.py's constants) and reuses it: about 4x faster, and
tests/dumps/test_render.py checks it gives sanitize_html's output.

`render_comment` runs markdown-it and nh3 over every comment: about 3,000 comments a second,
the slowest step of an import by far. Almost half of real comments are plain prose, in which
no comment syntax can start; for those the renderer's output is provably the whitespace-
collapsed text itself (no character that would need escaping is present either).
tests/dumps/test_render.py checks the shortcut against the real renderer.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3

from quaestio.core import markdown
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


@lru_cache(maxsize=1)
def _post_cleaner() -> nh3.Cleaner:
    # Exactly the arguments core.markdown.sanitize_html passes to nh3.clean.
    return nh3.Cleaner(
        tags=markdown.POST_TAGS,
        attributes=markdown.POST_ATTRIBUTES,
        allowed_classes=markdown.POST_CLASSES,
        url_schemes=markdown.URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        filter_style_properties={"text-align"},
        attribute_filter=markdown._keep_safe_attribute,
        strip_comments=True,
    )


def sanitize_imported_html(html: str) -> str:
    """core.markdown.sanitize_html, with a reusable cleaner."""
    return _post_cleaner().clean(html)
