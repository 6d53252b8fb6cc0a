"""Titles and excerpts with the searched words marked: text escaped first, then <mark> added."""

from __future__ import annotations

from markupsafe import Markup, escape

from quaestio.search.text import WORD, normalize, plain_text, stem

EXCERPT_LENGTH = 240
LEAD = 60  # characters of context kept before the first hit


def _hits(word: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    normal = normalize(word)
    stemmed = stem(normal)
    if normal in stems or stemmed in stems:
        return True
    return any(normal.startswith(p) or stemmed.startswith(p) for p in prefixes)


def mark(text: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> Markup:
    pieces: list[str] = []
    last = 0
    for match in WORD.finditer(text):
        if _hits(match.group(), stems, prefixes):
            pieces.append(escape(text[last : match.start()]))
            pieces.append(Markup("<mark>") + escape(match.group()) + Markup("</mark>"))
            last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def excerpt(body_html: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> Markup:
    """About EXCERPT_LENGTH characters of the body's text around its first hit."""
    text = " ".join(plain_text(body_html).split())
    first = next((m.start() for m in WORD.finditer(text) if _hits(m.group(), stems, prefixes)), 0)
    start = 0 if first <= LEAD else text.rfind(" ", 0, first - LEAD) + 1
    end = start + EXCERPT_LENGTH
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    snippet = mark(text[start:end], stems, prefixes)
    before = "… " if start > 0 else ""
    after = " …" if end < len(text) else ""
    return Markup(before) + snippet + Markup(after)
