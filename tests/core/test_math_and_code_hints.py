"""Math and code in posts (issue 18.8): `$…$` and `$$…$$` become MathML when the site turns math
on, `\\$` stays a dollar, the sanitiser keeps MathML and nothing dangerous in it; Stack
Exchange's language hints pick a code block's highlighting."""

from __future__ import annotations

import pytest
from django.test import override_settings
from lxml import html as lxml_html

from quaestio.core.markdown import render_post, sanitize_html

pytestmark = pytest.mark.django_db


def _tree(html: str):
    return lxml_html.fromstring(f"<div>{html}</div>")


@override_settings(QUAESTIO_MATH=True)
def test_inline_and_displayed_math_become_mathml():
    """`$x_1 * y_2$` is one inline formula (the `*` and `_` are TeX, not emphasis) and
    `$$\\frac{a}{b}$$` a displayed one, as MathML a browser renders without any script."""
    html = render_post("Let $x_1 * y_2 * z$ be $$\\frac{a}{b}$$ here.\n\n$$\n\\sqrt{2}\n$$")
    tree = _tree(html)
    inline = tree.cssselect("span.math.inline math")
    assert len(inline) == 1 and inline[0].get("display") == "inline"
    assert [mi.text for mi in inline[0].iter("mi")] == ["x", "y", "z"]
    assert not tree.cssselect("em")
    displayed = tree.cssselect(".math.block math")
    assert [m.get("display") for m in displayed] == ["block", "block"]
    assert displayed[0].cssselect("mfrac") and displayed[1].cssselect("msqrt")


@override_settings(QUAESTIO_MATH=True)
def test_an_escaped_dollar_and_code_are_not_math():
    """`\\$5` is a dollar sign; `$x$` inside code is code; TeX the converter cannot read is
    shown as written, in a math-error span."""
    tree = _tree(render_post("It costs \\$5 and `$x$` and $\\frac{$ too."))
    assert "It costs $5" in tree.text_content()
    assert tree.cssselect("code")[0].text == "$x$"
    assert tree.cssselect(".math-error")[0].text == "$\\frac{$"
    assert not tree.cssselect("math")


@override_settings(QUAESTIO_MATH=False)
def test_without_math_a_dollar_is_a_dollar():
    """A site without math leaves `$5 and $6` as text."""
    assert render_post("Costs $5 and $6") == "<p>Costs $5 and $6</p>\n"


def test_the_sanitiser_keeps_mathml_but_no_links_scripts_or_styles():
    """MathML from a dump or a hostile post keeps its elements, loses href, style, event
    handlers and anything smuggled inside (script, an svg in annotation-xml)."""
    hostile = (
        '<math><mi href="javascript:alert(1)" style="color:red" onclick="x()">x</mi>'
        '<mo stretchy="false">(</mo><annotation-xml><svg><script>alert(1)</script></svg>'
        "</annotation-xml><mtext><img src=x onerror=alert(1)></mtext></math>"
    )
    clean = sanitize_html(hostile)
    assert '<mo stretchy="false">(</mo>' in clean and "<mi>x</mi>" in clean
    for bad in ("href", "style", "onclick", "script", "svg", "onerror"):
        assert bad not in clean, bad


def test_language_hints_pick_the_highlighting():
    """`<!-- language-all: lang-python -->` highlights the indented blocks after it as Python,
    `<!-- language: lang-none -->` leaves the next one plain, and the hints do not show."""
    source = (
        "<!-- language-all: lang-python -->\n\n    def f():\n        return 1\n\n"
        "<!-- language: lang-none -->\n\n    def g(): pass\n\nThen:\n\n    import os\n"
    )
    tree = _tree(render_post(source))
    blocks = tree.cssselect("pre code")
    assert len(blocks) == 3
    assert blocks[0].get("class") == "language-python" and blocks[0].cssselect("span.k")
    assert not blocks[1].cssselect("span") and blocks[1].text.startswith("def g()")
    assert blocks[2].cssselect("span.kn")  # language-all goes on after a one-off hint
    assert "language" not in tree.text_content()


@override_settings(QUAESTIO_MATH=True)
def test_the_preview_renders_math(client, make_user):
    """The editor's preview is the saving renderer: the formula comes back as MathML."""
    client.force_login(make_user())
    response = client.post("/markdown/preview", {"text": "Area: $\\pi r^2$"})
    assert response.status_code == 200
    assert _tree(response.content.decode()).cssselect("span.math math msup")
