"""The importer's comment shortcut gives exactly what the site's comment renderer gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.core.markdown import render_comment, render_comment_markup
from quaestio.dumps.render import comment_html, fast_comment_html
from tests.posts.test_markdown_preview_hostile import HOSTILE

# Whole tokens the shortcut handles, near misses it must refuse, and hostile fragments.
TOKENS = [
    "see", "it's", "(really)", "e.g.", "Note:", "well-known", "3.14", "café", "x!", "why?",
    "`code`", "`a b`", "`x*y_z`", "` spaced `", "`a<b`", "``", "`", "`a&b`",
    "@BrewerNone", "@ab", "@" + "n" * 41, "@o.m.", "user@example.com", "(@Ann",
    "*this*", "**bold**", "*two words*", "*a", "a*", "***x***", "_under_", "__x__",
    "http://example.com/11", "https://example.com/", "http://example.com.", "http://",
    "https://a..b", "HTTP://EXAMPLE.COM/X", "www.example.com", "http://x.com/a_b",
    "http://x.com/(a)", "http://x.com/a?b=1&c=2", "javascript:alert(1)", "[edit]", "[tag:hops]",
    "[a](http://x.com)", "<b>", "&amp;", "&#x41;", "\\*", "~~gone~~", "---", "--", "--x--", "..",
    "![i](x.png)", "\u00a0", "\t", "\n", "😀", "é", "<script>alert(1)</script>",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "  ", "\t", "\r\n", "", "\u00a0"]
COMMENT = st.lists(
    st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=12
).map(lambda pairs: "".join(token + separator for token, separator in pairs))


@settings(max_examples=1500, deadline=None)
@given(COMMENT)
def test_shortcut_is_refused_or_equal_to_the_renderer(text):
    """For any comment the shortcut either declines or gives render_comment's exact HTML."""
    fast = fast_comment_html(text)
    if fast is not None:
        assert fast == render_comment(text) == render_comment_markup(text)
    assert comment_html(text) == render_comment(text)


def test_hostile_input_is_refused_or_equal():
    """The markdown hostile corpus and injection attempts never get other HTML than the
    renderer's (in practice the shortcut declines them all)."""
    for source in [*HOSTILE.values(), '" onmouseover="x', "`<img src=x onerror=alert(1)>`"]:
        assert comment_html(source) == render_comment(source)
        assert fast_comment_html(source) in (None, render_comment(source))


def test_the_common_forms_take_the_shortcut():
    """Mentions, code, emphasis and links between plain words are rendered without markdown-it."""
    text = "@BrewerNone see `code` and *this* or **that** at http://example.com/11 (really)."
    assert fast_comment_html(text) == render_comment(text)
    assert fast_comment_html(text).count("<") == 10


def test_plain_words_take_the_one_match_shortcut():
    """A comment of plain words alone is its text with spaces collapsed (one regex match);
    a hazard in any word still sends it to the renderer."""
    text = "  Thanks,\tthat's  right (I think) - e.g. café 3.14!\r\n"
    assert (
        fast_comment_html(text)
        == render_comment(text)
        == "Thanks, that's right (I think) - e.g. café 3.14!"
    )
    assert fast_comment_html("see www example") is None
    assert fast_comment_html("a -- b") is None
    assert fast_comment_html("") == render_comment("") == ""
