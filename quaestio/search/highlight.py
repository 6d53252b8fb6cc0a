"""Titles and excerpts with the searched words marked: text escaped first, then <mark> added."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from quaestio.search.text import normalize, stem

EXCERPT_LENGTH = 240
LEAD = 60  # characters of context kept before the first hit
MARKS = ("<mark>", "</mark>")  # the search page's; the API marks hits as Stack Exchange's does


class Highlighter:
    """Finds the words of a text that a query matched (same normalising and stemming as the
    index). A regex of the stems' leading letters finds candidates in C; only those are
    stemmed, so a long body costs little."""

    def __init__(
        self, stems: frozenset[str], prefixes: tuple[str, ...], marks: tuple[str, str] = MARKS
    ) -> None:
        self.stems = stems
        self.prefixes = prefixes
        self.opening, self.closing = Markup(marks[0]), Markup(marks[1])
        # A stem may differ from its word in its last letter ("happi" for "happy").
        starts = {s[:-1] if len(s) > 3 else s for s in stems} | set(prefixes)
        starts.discard("")
        self.candidates = (
            re.compile(
                r"(?<![^\W_])(?:"
                + "|".join(re.escape(s) for s in sorted(starts, key=len, reverse=True))
                + r")[^\W_]*",
                re.IGNORECASE,
            )
            if starts
            else None
        )

    def hits(self, word: str) -> bool:
        return _is_hit(word, self.stems, self.prefixes)

    def matches(self, text: str):
        if self.candidates is None:
            return
        for match in self.candidates.finditer(text):
            if self.hits(match.group()):
                yield match

    def mark(self, text: str) -> Markup:
        pieces: list[str] = []
        last = 0
        for match in self.matches(text):
            pieces.append(escape(text[last : match.start()]))
            pieces.append(self.opening + escape(match.group()) + self.closing)
            last = match.end()
        pieces.append(escape(text[last:]))
        return Markup("").join(pieces)

    def excerpt(self, text: str) -> Markup:
        """About EXCERPT_LENGTH characters of plain text around its first hit."""
        text = " ".join(text.split())
        first = next((m.start() for m in self.matches(text)), 0)
        start = 0 if first <= LEAD else text.rfind(" ", 0, first - LEAD) + 1
        end = start + EXCERPT_LENGTH
        if end < len(text):
            cut = text.rfind(" ", start, end)
            end = cut if cut > start else end
        before = "… " if start > 0 else ""
        after = " …" if end < len(text) else ""
        return Markup(before) + self.mark(text[start:end]) + Markup(after)


@lru_cache(maxsize=50_000)
def _is_hit(word: str, stems: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    normal = normalize(word)
    stemmed = stem(normal)
    if normal in stems or stemmed in stems:
        return True
    return any(normal.startswith(p) or stemmed.startswith(p) for p in prefixes)
