"""Plain-prose comments skip markdown-it and nh3, and get exactly what the full renderer gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.core.markdown import render_comment, render_comment_markup

# Prose with every character comment syntax or bare-link detection reacts to mixed in.
PIECES = list("abc xyz.,;'\"?()-\t\n\u00a0é😀") + list("*_`[]\\&<>!~@:/")
TEXT = st.lists(
    st.sampled_from(PIECES + ["www", "http", ".com", "---", "example", "tag:", "edit"]),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_shortcut_matches_the_full_renderer(text):
    """For any comment, render_comment returns what the full renderer returns."""
    assert render_comment(text) == render_comment_markup(text)


def test_plain_prose_is_collapsed_text_and_markup_is_rendered():
    assert (
        render_comment("This is  a matter\r\nof taste, I guess")
        == "This is a matter of taste, I guess"
    )
    assert render_comment("see *this*") == "see <em>this</em>"
