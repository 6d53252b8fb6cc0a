"""Property-based tests of the two text interpreters every visitor can feed (issue 15.14): the
search parser and the Markdown renderer. Any string is handled, quickly and safely."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from quaestio.core.markdown import render_comment, render_post
from quaestio.search.parser import SearchSyntaxError, parse

# Time bounds are on the CPU time this process spends (time.process_time), not wall-clock time,
# so that other work on a busy test machine cannot fail them.
FUZZ = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)

# Pieces that steer generated text towards the syntax each interpreter knows, so that random
# strings reach its rules rather than only its plain-text path.
SEARCH_PIECES = [
    "[",
    "]",
    '"',
    "-",
    "*",
    " or ",
    " OR ",
    "user:",
    "score:",
    "answers:",
    "views:",
    "created:",
    "lastactive:",
    "is:question",
    "is:answer",
    "closed:yes",
    "hasaccepted:no",
    "inquestion:",
    "deleted:1",
    "url:",
    "..",
    "1",
    "-1",
    "99999999999999999999",
    "2024-02-30",
    "1y",
    "3m",
    "9999d",
    "me",
    "[tag]",
    "[a*]",
    " ",
]
HOSTILE_MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    "<iframe src=//evil>",
    "<div style='background:url(javascript:alert(1))'>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<details open ontoggle=alert(1)>",
    "```\n<script>\n```",
    "`<script>`",
    "<!-- x -->",
    "<",
    ">",
    "&",
    "**",
    "_",
    "[",
    "](",
    ")",
    "\n\n",
    "    ",
    ">! ",
    "| a | b |\n|---|---|\n",
    "[^1]",
    "https://example.org/",
    "<https://example.org>",
    "@someone",
]


def _mixed(pieces: list[str]):
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=12)), max_size=24).map(
        "".join
    )


@FUZZ
@given(st.one_of(st.text(max_size=300), _mixed(SEARCH_PIECES)))
def test_search_parser_takes_any_string(raw):
    """Any string parses, or is refused with a SearchSyntaxError saying what to fix; never
    another exception, and in well under a second."""
    started = time.process_time()
    try:
        parse(raw)
    except SearchSyntaxError as error:
        assert str(error)
    assert time.process_time() - started < 1.0


def _assert_sanitised(html: str) -> None:
    if not html.strip():
        return
    for element in lxml_html.fragments_fromstring(f"<div>{html}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        assert element.tag not in ("script", "iframe", "object", "embed", "style"), html
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), html
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href"):
                squashed = "".join(value.split()).lower()
                assert not squashed.startswith(("javascript:", "vbscript:", "data:")), html


@FUZZ
@given(st.one_of(st.text(max_size=500), _mixed(HOSTILE_MARKUP)))
def test_markdown_output_is_sanitised_whatever_the_input(source):
    """Rendered posts and comments carry no script, no event handler attribute and no
    javascript: link, whatever Markdown or HTML they were written in."""
    _assert_sanitised(render_post(source))
    _assert_sanitised(render_comment(source))


def test_a_one_megabyte_body_renders_in_under_a_second():
    """A hostile 1 MB body (nested emphasis, brackets and links) renders in under a second."""
    body = ("**_[x](http://a.example/" + "(" * 20 + ") `c` <b>" + "\n") * 30_000
    body = body[: 1 << 20]
    started = time.process_time()
    html = render_post(body)
    assert time.process_time() - started < 1.0
    assert html
