"""search.text.normalize drops combining marks one distinct mark at a time (made fast for
imports) and gives the text the per-character form below gave, whatever the text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.search import text


def plain_normalize(value: str) -> str:
    """The form normalize had before, kept verbatim as the reference."""
    if value.isascii():
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_normalize_equals_the_plain_form(value):
    assert text.normalize(value) == plain_normalize(value)


def test_accents_and_curly_quotes():
    assert text.normalize("Émile’s Crème Brûlée ﬁ") == "emile’s creme brulee fi"
    assert text.words("Émile’s Crème") == ["emile", "s", "creme"]
