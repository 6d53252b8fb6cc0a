"""Math and code hints in post Markdown, as Stack Exchange writes them.

Math (on a site that turns it on: settings.QUAESTIO_MATH, as Stack Exchange enables MathJax per
site): `$…$` inline and `$$…$$` displayed, `\\$` a literal dollar. The spans are taken out of the
Markdown before it is parsed (mdit_py_plugins.dollarmath), so `_` and `*` inside math stay
TeX, and converted to MathML when the post is saved (latex2mathml), which browsers render
natively: no script and no font download, from the site or anywhere else. TeX the converter
cannot read is kept as its source in a `math-error` span. The sanitiser lets through the
MathML elements and presentation attributes below, and nothing that can hold a link or a style.

Code: `<!-- language: lang-python -->` before a code block picks its highlighting, and
`<!-- language-all: lang-python -->` that of every block after it; `lang-none` none.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert as latex_to_mathml
from mdit_py_plugins.dollarmath import dollarmath_plugin

MAX_MATH_CHARS = 2_000  # one formula's TeX: bounds the converter's work on hostile input

MATHML_TAGS = {
    "math",
    "menclose",
    "merror",
    "mfrac",
    "mi",
    "mmultiscripts",
    "mn",
    "mo",
    "mover",
    "mpadded",
    "mphantom",
    "mprescripts",
    "mroot",
    "mrow",
    "ms",
    "mspace",
    "msqrt",
    "mstyle",
    "msub",
    "msubsup",
    "msup",
    "mtable",
    "mtd",
    "mtext",
    "mtr",
    "munder",
    "munderover",
    "none",
    "semantics",
}
_PRESENTATION = {
    "accent",
    "accentunder",
    "columnalign",
    "columnlines",
    "columnspacing",
    "depth",
    "displaystyle",
    "fence",
    "form",
    "height",
    "largeop",
    "linethickness",
    "lspace",
    "mathvariant",
    "maxsize",
    "minsize",
    "movablelimits",
    "notation",
    "rowalign",
    "rowlines",
    "rowspacing",
    "rspace",
    "scriptlevel",
    "separator",
    "stretchy",
    "symmetric",
    "width",
}
MATHML_ATTRIBUTES = {tag: set(_PRESENTATION) for tag in MATHML_TAGS} | {
    "math": {"display", "xmlns"},
}


def render_math(content: str, options: dict) -> str:
    """One formula as MathML (displayed or inline), or its TeX source when it cannot be read."""
    display = "block" if options.get("display_mode") else "inline"
    if len(content) <= MAX_MATH_CHARS:
        try:
            return latex_to_mathml(content, display=display)
        except Exception:  # noqa: BLE001 - any TeX the converter rejects is shown as written
            pass
    delimiter = "$$" if display == "block" else "$"
    return f'<span class="math-error">{html.escape(delimiter + content + delimiter)}</span>'


def use_math(md) -> None:
    """`$…$` and `$$…$$` in the Markdown parser, taken out before the inline rules read `_` and
    `*`. `$$…$$` inside a paragraph is displayed too (as MathJax does) in a block-level span,
    which a paragraph may hold."""
    md.use(dollarmath_plugin, allow_labels=False, double_inline=True, renderer=render_math)

    def inline_double(self, tokens, idx, options, env) -> str:
        formula = render_math(tokens[idx].content, {"display_mode": True})
        return f'<span class="math block">{formula}</span>'

    md.add_render_rule("math_inline_double", inline_double)


_LANGUAGE_HINT = re.compile(r"^\s*<!--\s*language(-all)?:\s*([\w+#.-]+)\s*-->\s*$")


def _hinted_language(hint: str) -> str:
    """`lang-python` → `python`; `lang-none` and `default` → none (no highlighting)."""
    name = hint.removeprefix("lang-")
    return "" if name in ("none", "default") else name


def language_hint_rule(state) -> None:
    """A core rule after parsing: code blocks without a fence's language take the hint's."""
    next_only = ""
    every = ""
    for token in state.tokens:
        if token.type == "html_block":
            match = _LANGUAGE_HINT.match(token.content)
            if match:
                language = _hinted_language(match.group(2))
                if match.group(1):
                    every, next_only = language, ""
                else:
                    next_only = language or "none"
                token.content = ""  # the hint is an instruction, not part of the post
            continue
        if token.type in ("code_block", "fence"):
            language = next_only or every
            next_only = ""
            if language and language != "none" and not token.info.strip():
                token.type = "fence"  # the fence renderer is the one that highlights
                token.info = language
                token.markup = token.markup or "```"
