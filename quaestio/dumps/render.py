"""Import-speed shortcuts to the site's comment renderer, tested equal to it.

`render_comment` (quaestio.core.markdown) runs markdown-it and nh3 on every comment with any
markup: about 150-200 µs each, the largest cost of a dump import. Most marked-up comments use
a handful of forms: a mention, a code span, a word in emphasis, a bare link. For a comment made
only of plain words and those forms, each standing alone between spaces, the renderer's output
is known in advance; `fast_comment_html` writes it directly and returns None for anything else,
which then goes to the real renderer. The grammar below is deliberately narrow (ASCII
punctuation from a short list, no `& < > " \\ [ ] _ ~`, no `www`/`http` outside a link token),
and tests/dumps/test_render.py checks the output equals `render_comment` on generated and
hostile input.
"""

from __future__ import annotations

import re

from quaestio.core.markdown import MAX_SOURCE_CHARS, render_comment

_WORD = r"(?:[^\W_]|[.,;:!?'()\-])+"
_TOKEN = re.compile(
    r"(?P<code>`[A-Za-z0-9.,:;()=+\-*/'!?#%^{}|$](?:[A-Za-z0-9 .,:;()=+\-*/'!?#%^{}|$]*"
    r"[A-Za-z0-9.,:;()=+\-*/'!?#%^{}|$])?`)"
    r"|(?P<mention>@[A-Za-z0-9]{3,40})"
    r"|(?P<strong>\*\*[A-Za-z0-9]+\*\*)"
    r"|(?P<em>\*[A-Za-z0-9]+\*)"
    r"|(?P<url>https?://[A-Za-z0-9.\-]+(?:/[A-Za-z0-9.\-/]*)?)"
    rf"|(?P<word>{_WORD})"
)
# Plain words that the real renderer could still treat as markup: links, strikethrough, images.
_WORD_HAZARD = re.compile(r"http|www|://|--|!\(|\.\.", re.IGNORECASE)
# A comment of plain words alone (about half of real ones: beer's and bicycles.meta's), whose
# HTML is its text with the spaces collapsed, told in one match instead of a token at a time.
# No hazard spans two words (none holds a space), so one search of the whole text is the
# token loop's search of each word.
_PLAIN_WORDS = re.compile(rf"{_WORD}(?: {_WORD})*")
_URL_END_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/")
_LINK_REL = "nofollow noopener noreferrer ugc"


def fast_comment_html(text: str) -> str | None:
    """The HTML `render_comment(text)` gives, for the simple comments it can be sure of."""
    source = " ".join(text[:MAX_SOURCE_CHARS].split())
    if _PLAIN_WORDS.fullmatch(source):
        return None if _WORD_HAZARD.search(source) else source
    out: list[str] = []
    position, end = 0, len(source)
    match_token = _TOKEN.match
    while position < end:
        if position:
            if source[position] != " ":
                return None
            position += 1
        match = match_token(source, position)
        if match is None:
            return None
        following = match.end()
        if following < end and source[following] != " ":
            return None
        kind = match.lastgroup
        token = match.group()
        if kind == "word":
            if _WORD_HAZARD.search(token):
                return None
            out.append(token)
        elif kind == "code":
            out.append(f"<code>{token[1:-1]}</code>")
        elif kind == "mention":
            out.append(f'<span class="mention">{token}</span>')
        elif kind == "em":
            out.append(f"<em>{token[1:-1]}</em>")
        elif kind == "strong":
            out.append(f"<strong>{token[2:-2]}</strong>")
        else:  # url
            if token[-1] not in _URL_END_OK or ".." in token or token.endswith("://"):
                return None
            out.append(f'<a href="{token}" rel="{_LINK_REL}">{token}</a>')
        position = following
    return " ".join(out)


def comment_html(text: str) -> str:
    """What the importer stores as a comment's text_html: the site's rendering of it."""
    fast = fast_comment_html(text)
    return fast if fast is not None else render_comment(text)
