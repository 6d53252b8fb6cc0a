"""The one Markdown renderer: post bodies, comments and previews all come through here.

Posts are rendered once, when saved, and stored as sanitised HTML; pages never render on read.
Whatever the renderer emits, nh3 then cuts down to an allow-list, so a bug in a plugin cannot
become an injection. Imported HTML (Stack Exchange dumps) goes through the same sanitiser.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from quaestio.core import links
from quaestio.core.math_markup import (
    MATHML_ATTRIBUTES,
    MATHML_TAGS,
    language_hint_rule,
    use_math,
)
from quaestio.core.safe_urls import LINK_SCHEMES

MAX_SOURCE_CHARS = 60_000  # twice the 30,000 body limit: bounds the work for hostile input

_PYGMENTS_CLASSES = {cls for cls in STANDARD_TYPES.values() if cls}
_FOOTNOTE_ID = re.compile(r"^fn(ref)?\d+(:\d+)?$")

POST_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "section",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
} | MATHML_TAGS
POST_ATTRIBUTES = MATHML_ATTRIBUTES | {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"},
    "abbr": {"title"},
}
POST_CLASSES = {
    "span": _PYGMENTS_CLASSES | {"mention", "tag-chip", "math", "inline", "block", "math-error"},
    "div": {"math", "block"},
    "code": {
        f"language-{name}"
        for name in ("python", "javascript", "sql", "bash", "html", "css", "text")
    },
    "blockquote": {"spoiler"},
    "section": {"footnotes"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref", "magic-link", "tag-chip"},
    "hr": {"footnotes-sep"},
    "pre": {"highlight"},
    "td": {"align-left", "align-center", "align-right"},
    "th": {"align-left", "align-center", "align-right"},
}
# The one link rule (quaestio.core.safe_urls): http and https, and relative links, which nh3
# passes through; mailto: and every other scheme are removed from href and src.
URL_SCHEMES = set(LINK_SCHEMES)


def _keep_safe_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Footnote ids are the only ids allowed: anything else could clobber the page's own DOM.
    if attribute == "id":
        return value if _FOOTNOTE_ID.match(value) else None
    return value


@lru_cache(maxsize=1)
def _post_cleaner() -> nh3.Cleaner:
    # Built once: handing nh3.clean its whole configuration on every call cost three times the
    # cleaning itself (measured by the dump importer: one reusable cleaner is about 4x faster).
    return nh3.Cleaner(
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        allowed_classes=POST_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        filter_style_properties={"text-align"},
        attribute_filter=_keep_safe_attribute,
        strip_comments=True,
    )


# Only cells may carry style (POST_ATTRIBUTES); in text nh3 leaves quotes as they are, so the
# match is anchored in a cell's start tag.
_CELL_STYLE = re.compile(r'(<t[dh]\b[^>]*?) style="([^"]*)"')
_ALIGNMENT = re.compile(r"text-align:\s*(left|center|right)")


def _alignment_class(match: re.Match) -> str:
    alignment = _ALIGNMENT.fullmatch(match.group(2).strip().rstrip(";"))
    return match.group(1) + (f' class="align-{alignment.group(1)}"' if alignment else "")


def sanitize_html(html: str) -> str:
    """Cut HTML from any source down to what a post may contain.

    Table cells' alignment (the one style nh3 lets through, as `style="text-align:right"`)
    becomes a class: the Content-Security-Policy allows no style attributes.
    """
    clean = _post_cleaner().clean(html)
    if ' style="' in clean:
        clean = _CELL_STYLE.sub(_alignment_class, clean)
    return clean


def _highlight_code(code: str, lang: str, _attrs) -> str:
    if not lang:
        return ""  # markdown-it escapes and wraps plain code itself
    try:
        lexer = get_lexer_by_name(lang.split()[0], stripnl=False)
    except ClassNotFound:
        return ""
    return pygments_highlight(code, lexer, HtmlFormatter(nowrap=True))


def _spoiler_rule(state) -> None:
    """`>! text` is a spoiler: a block quote whose first paragraph starts with `!`."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open":
            continue
        for inner in tokens[index + 1 :]:
            if inner.type == "inline":
                if inner.content.startswith("!"):
                    inner.content = inner.content[1:].lstrip()
                    if inner.children and inner.children[0].type == "text":
                        inner.children[0].content = inner.children[0].content[1:].lstrip()
                    token.attrSet("class", "spoiler")
                break
            if inner.type == "blockquote_close":
                break


# Bare URLs become links. markdown-it's own linkify (linkify-it-py) cost 40 ms on a 2,000
# character post here, four times the rest of the rendering; one regex does what posts need.
_BARE_URL = re.compile(r"(?<![\w/@.])(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,:;!?'\""
_HTML_A_OPEN = re.compile(r"<a[\s>]", re.IGNORECASE)
_HTML_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)


def _url_end(url: str) -> str:
    """Drop trailing punctuation, and a closing parenthesis that the URL did not open."""
    url = url.rstrip(_TRAILING)
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1].rstrip(_TRAILING)
    return url


def _link_tokens(state, text: str, level: int) -> list | None:
    from markdown_it.token import Token

    pieces, position = [], 0
    for match in _BARE_URL.finditer(text):
        url = _url_end(match.group(0))
        if not url or url.lower() in {"http://", "https://", "www."}:
            continue
        start, end = match.start(), match.start() + len(url)
        href = url if not url.lower().startswith("www.") else "http://" + url
        if start > position:
            pieces.append(Token("text", "", 0, content=text[position:start], level=level))
        pieces.append(
            Token(
                "link_open",
                "a",
                1,
                attrs={"href": href},
                level=level,
                markup="linkify",
                info="auto",
            )
        )
        pieces.append(Token("text", "", 0, content=url, level=level + 1))
        pieces.append(Token("link_close", "a", -1, level=level, markup="linkify", info="auto"))
        position = end
    if not pieces:
        return None
    if position < len(text):
        pieces.append(Token("text", "", 0, content=text[position:], level=level))
    return pieces


def _bare_url_rule(state) -> None:
    """Turn URLs in plain text into links, outside links, code and raw HTML."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, inside_link = [], 0
        for token in block.children:
            if token.type == "link_open" or (
                token.type == "html_inline" and _HTML_A_OPEN.match(token.content)
            ):
                inside_link += 1
            elif token.type == "link_close" or (
                token.type == "html_inline" and _HTML_A_CLOSE.match(token.content)
            ):
                inside_link = max(0, inside_link - 1)
            elif (
                token.type == "text"
                and not inside_link
                and ("http" in token.content or "www." in token.content)
            ):
                replaced = _link_tokens(state, token.content, token.level)
                if replaced:
                    children.extend(replaced)
                    continue
            children.append(token)
        block.children = children


@lru_cache(maxsize=2)
def _post_renderer(math: bool) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"html": True, "typographer": False, "highlight": _highlight_code},
    )
    md.enable(["table", "strikethrough"])
    md.core.ruler.push("bare_urls", _bare_url_rule)
    md.use(footnote_plugin)
    md.core.ruler.push("spoiler", _spoiler_rule)
    md.core.ruler.push("language_hints", language_hint_rule)
    if math:  # before the other inline rules read `_` and `*` inside the formulas
        use_math(md)
    md.options["maxNesting"] = 20
    return md


def post_tokens(source: str) -> list:
    """The token stream render_post renders (bare URLs already links): for readers of a post's
    structure, such as its list of sources, that must see what the page shows."""
    return _post_renderer(settings.QUAESTIO_MATH).parse(source[:MAX_SOURCE_CHARS])


def render_post(source: str) -> str:
    """Markdown of a question, answer, tag wiki or profile, as sanitised HTML."""
    renderer = _post_renderer(settings.QUAESTIO_MATH)
    return sanitize_html(renderer.render(source[:MAX_SOURCE_CHARS]))


# --- comments: the mini-Markdown of §6.3 ------------------------------------------------------

MAGIC_LINKS = {
    "ask": ("/help/how-to-ask", "How to Ask"),
    "answer": ("/help/how-to-answer", "How to Answer"),
    "help": ("/help", "help center"),
    "tour": ("/tour", "tour"),
    "meta": ("/meta", "meta"),
    "main": ("/", "main"),
    "chat": ("/chat", "chat"),
    "about": ("/tour", "about"),
    "faq": ("/help", "FAQ"),
    "mcve": ("/help/minimal-reproducible-example", "Minimal, Complete, and Verifiable example"),
    "mre": ("/help/minimal-reproducible-example", "Minimal reproducible example"),
}
_MAGIC = re.compile(
    r"\[(?P<name>edit|ask|answer|help(?:/(?P<page>[a-z-]+))?|tour|meta|main|chat|about|faq|mcve|mre"
    r"|tag:(?P<tag>[a-z0-9+#.\-]{1,35}))\](?![(\[])",
    re.IGNORECASE,
)
# Display names may contain dots ("o.m.", "T.E.D."), so a dot does not end a mention.
_MENTION = re.compile(r"@([^\s@,:;!?()\[\]]{3,40})")
_TRIPLE_DASH_STRIKE = re.compile(r"(?<![-\w])---(?=\S)(.+?)(?<=\S)---(?![-\w])")


def _push_link(state: StateInline, href: str, text: str, css_class: str) -> None:
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href, "class": css_class}
    state.push("text", "", 0).content = text
    state.push("link_close", "a", -1)


def _magic_link_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = _MAGIC.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        name = match.group("name")
        lowered = name.lower()
        if match.group("tag"):
            tag = match.group("tag").lower()
            _push_link(state, links.tag_url(tag), tag, "tag-chip")
        elif lowered == "edit":
            _push_link(state, state.env.get("edit_url", "#"), name, "magic-link")
        elif lowered.startswith("help/"):
            _push_link(state, f"/help/{match.group('page').lower()}", "help center", "magic-link")
        else:
            href, text = MAGIC_LINKS[lowered]
            _push_link(state, href, text if lowered != "edit" else name, "magic-link")
    state.pos = match.end()
    return True


def _mention_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if (
        state.pos > 0
        and not state.src[state.pos - 1].isspace()
        and state.src[state.pos - 1] not in "(["
    ):
        return False  # an e-mail address, not a mention
    match = _MENTION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("span_open", "span", 1)
        token.attrs = {"class": "mention"}
        state.push("text", "", 0).content = match.group(0)
        state.push("span_close", "span", -1)
    state.pos = match.end()
    return True


@lru_cache(maxsize=1)
def _comment_renderer() -> MarkdownIt:
    md = MarkdownIt("zero")
    md.enable(
        [
            "emphasis",
            "backticks",
            "link",
            "autolink",
            "strikethrough",
            "escape",
            "entity",
        ]
    )
    md.inline.ruler.before("link", "magic_link", _magic_link_rule)
    md.core.ruler.push("bare_urls", _bare_url_rule)
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    return md


COMMENT_TAGS = {"a", "b", "code", "del", "em", "i", "s", "span", "strong"}


# Any character that starts comment syntax (emphasis, code, links, magic links, mentions,
# escapes, entities, HTML, strikethrough) or a bare link ("http", "www", a dot between word
# characters). Almost half of real comments contain none; for them the renderer's output is
# the whitespace-collapsed text itself, and skipping markdown-it and nh3 is what let the dump
# importer render comments at a useful rate. tests/core/test_markdown.py checks the shortcut
# against the full renderer with Hypothesis.
_MAY_NEED_RENDERER = re.compile(r"[*_`\[\]\\&<>!~@:/]|\.\w|www|---|\w\.\w")


def render_comment(text: str, *, edit_url: str = "#") -> str:
    """A comment's mini-Markdown as sanitised inline HTML: no blocks, no images, no raw HTML."""
    source = text[:MAX_SOURCE_CHARS]
    if not _MAY_NEED_RENDERER.search(source):
        return " ".join(source.split())
    return render_comment_markup(source, edit_url=edit_url)


def render_comment_markup(text: str, *, edit_url: str = "#") -> str:
    """The full comment renderer, without the plain-prose shortcut."""
    source = " ".join(text[:MAX_SOURCE_CHARS].split())  # comments have no line breaks
    source = _TRIPLE_DASH_STRIKE.sub(r"~~\1~~", source)
    html = _comment_renderer().renderInline(source, {"edit_url": edit_url})
    return _comment_cleaner().clean(html)


@lru_cache(maxsize=1)
def _comment_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=COMMENT_TAGS,
        attributes={"a": {"href", "title"}},
        allowed_classes={"a": {"magic-link", "tag-chip"}, "span": {"mention"}},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )
