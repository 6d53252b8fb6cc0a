"""The comment-rendering shortcut gives exactly what the site's renderer gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.core.markdown import render_comment
from quaestio.dumps.render import render_comment_html

# Prose with every character comment syntax or the linkifier reacts to mixed in.
PIECES = list("abc xyz.,;'\"?()-\t\n\u00a0é😀") + list("*_`[]\\&<>!~@:/")
TEXT = st.lists(
    st.sampled_from(PIECES + ["www", "http", ".com", "---", "example", "tag:", "edit"]),
    max_size=30,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_shortcut_matches_the_renderer(text):
    """For any comment, the importer's renderer returns render_comment's output."""
    assert render_comment_html(text) == render_comment(text)


def test_plain_prose_takes_the_shortcut_and_markup_does_not():
    """Plain prose is collapsed text; markup still goes through markdown-it."""
    assert render_comment_html("This is  a matter\r\nof taste, I guess") == (
        "This is a matter of taste, I guess"
    )
    assert (
        render_comment_html("see *this*") == render_comment("see *this*") == ("see <em>this</em>")
    )


HTML_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<a href=\"http://x.org/a?b=1&amp;c\">", "</a>", "<br />", "<br>",
        "<script>alert(1)</script>", "<img src=\"http://x.org/i.png\" alt=\"i\" onerror=\"x()\">",
        "<pre class=\"lang-py\"><code>", "</code></pre>", "<span class=\"mention\">", "</span>",
        "<div id=\"fn1\">", "<div id=\"evil\">", "</div>", "<!-- c -->", "<table><tr><td>",
        "text & more", "\t", "\n", "<a href=\"javascript:x()\">", "é", "<sup>", "<strong>",
        "<p style=\"text-align:center;color:red\">", "<iframe src=\"x\"></iframe>",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(HTML_PIECES, max_size=25).map("".join))
def test_reusable_cleaner_matches_sanitize_html(html):
    """The importer's reusable nh3 cleaner gives core's sanitize_html output for any HTML."""
    from quaestio.core.markdown import sanitize_html
    from quaestio.dumps.render import sanitize_imported_html

    assert sanitize_imported_html(html) == sanitize_html(html)
