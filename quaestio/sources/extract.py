"""A post's sources, read from its Markdown: links, DOIs, ISBNs and cited works.

What counts as a source is what a reader could follow or look up:
- every outbound link (inline, reference-style, autolinks, bare URLs, raw `<a href>`), except
  links to this site's own pages, which are cross-references rather than sources;
- a DOI, written `doi:10.1000/182`, `DOI 10.1000/182` or as a doi.org link;
- an ISBN, written `ISBN 978-0-306-40615-7` (ISBN-10 or ISBN-13);
- a cited work: a quoted or italic title with its author and year, as people write them in
  footnotes and reference lists: `Service (2005), *Stalin: A Biography*` or
  `"The Revolution Betrayed" by Leon Trotsky (1936)`.

Nothing inside code (spans, fences, indented blocks) is a source. DOIs are checked for form
and ISBNs for their check digit; a malformed one is kept with the `problem` a writer is shown
in the preview, so the writer can fix it before posting.

The parse is markdown-it's, the one the page is rendered with (`core.markdown.post_tokens`),
so the list matches the links the reader sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings

from quaestio.core.markdown import post_tokens

URL = "url"
DOI = "doi"
ISBN = "isbn"
WORK = "work"
KINDS = (URL, DOI, ISBN, WORK)

MAX_SOURCES = 200  # a hostile body cannot make a post carry thousands of rows


@dataclass(frozen=True)
class Source:
    kind: str  # one of KINDS
    value: str  # normalised: the URL, the DOI in lower case, the ISBN-13, the work's title
    domain: str = ""  # the host of a URL (without "www."), "doi.org" for a DOI
    title: str = ""
    author: str = ""
    year: int | None = None
    problem: str = ""  # why the DOI or ISBN is malformed; "" when it is well formed

    @property
    def valid(self) -> bool:
        return not self.problem

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.value.lower())


# --- DOIs ------------------------------------------------------------------------------------

# The DOI Handbook: "10." then a registrant code of digits (dot-separated sub-codes allowed),
# a slash, and a suffix of printable characters.
_DOI_FORM = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
# "doi:" or "DOI " before it; not the "doi" of a doi.org address, which is read as a link.
_DOI_IN_TEXT = re.compile(r"(?<![\w/.])doi(?![.\w])\s*:?\s*(10\.[^\s<>\"'`]+|\S+)", re.IGNORECASE)
_DOI_HOSTS = {"doi.org", "dx.doi.org"}
_DOI_TRAILING = ".,;:)]}'\""


def doi_problem(doi: str) -> str:
    """Why `doi` is not a well-formed DOI, or "" (DOIs carry no check digit: form only)."""
    if not _DOI_FORM.match(doi):
        return (
            f"“{doi}” is not a DOI: a DOI starts with 10., a registrant number of at least "
            "four digits, a slash and the item's name, as in 10.1000/182."
        )
    return ""


def _doi_source(raw: str) -> Source:
    doi = raw.strip().rstrip(_DOI_TRAILING)
    return Source(DOI, doi.lower(), domain="doi.org", problem=doi_problem(doi))


# --- ISBNs -----------------------------------------------------------------------------------

_ISBN_IN_TEXT = re.compile(r"\bISBN(?:-1[03])?\s*:?\s*([0-9Xx][0-9Xx\- ]{8,18}[0-9Xx])\b")


def _isbn10_ok(digits: str) -> bool:
    total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(digits))
    return "X" not in digits[:9].upper() and total % 11 == 0


def _isbn13_ok(digits: str) -> bool:
    if not digits.isdigit() or digits[:3] not in {"978", "979"}:
        return False
    return sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits)) % 10 == 0


def isbn13(digits: str) -> str:
    """The ISBN-13 of a valid ISBN-10 or ISBN-13 (digits only), the form sources are kept in."""
    if len(digits) == 13:
        return digits
    body = "978" + digits[:9]
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body)) % 10) % 10
    return body + str(check)


def isbn_problem(raw: str) -> str:
    """Why `raw` is not a valid ISBN (length, characters or check digit), or ""."""
    digits = re.sub(r"[\s-]", "", raw)
    if len(digits) == 10 and re.fullmatch(r"\d{9}[\dXx]", digits):
        if _isbn10_ok(digits):
            return ""
        return f"ISBN {raw} has a wrong check digit: an ISBN-10's last digit does not match."
    if len(digits) == 13 and digits.isdigit():
        if _isbn13_ok(digits):
            return ""
        return f"ISBN {raw} has a wrong check digit: an ISBN-13's last digit does not match."
    return f"“{raw}” is not an ISBN: an ISBN has 10 or 13 digits (an ISBN-10 may end in X)."


def _isbn_source(raw: str) -> Source:
    raw = raw.strip()
    problem = isbn_problem(raw)
    digits = re.sub(r"[\s-]", "", raw).upper()
    return Source(ISBN, digits if problem else isbn13(digits), problem=problem)


# --- cited works -----------------------------------------------------------------------------

_YEAR = r"(?P<year>1[4-9]\d\d|20\d\d)"
_TITLE = (
    r"(?:\"(?P<t1>[^\"\n]{3,200})\"|“(?P<t2>[^”\n]{3,200})”"
    r"|\*(?P<t3>[^*\n]{3,200})\*|_(?P<t4>[^_\n]{3,200})_)"
)
_AUTHOR = r"(?P<author>[A-Z][\w'’.\-]*(?:[ ,]+(?:[A-Z][\w'’.\-]*|de|von|van|der|la|and|&))*)"
# "Service (2005), *Stalin: A Biography*" and "Service, R. (2005). "Stalin""
_AUTHOR_YEAR_TITLE = re.compile(_AUTHOR + r"\s*\(" + _YEAR + r"\)[.,:]?\s*" + _TITLE)
# "*Stalin: A Biography* by Robert Service (2005)" and "“Stalin”, Robert Service, 2005"
_TITLE_AUTHOR_YEAR = re.compile(
    _TITLE + r"\s*(?:,|by)\s*" + _AUTHOR + r"\s*(?:,\s*|\()" + _YEAR + r"\)?"
)


def _works(text: str) -> list[Source]:
    found = []
    for pattern in (_AUTHOR_YEAR_TITLE, _TITLE_AUTHOR_YEAR):
        for match in pattern.finditer(text):
            title = next(match.group(g) for g in ("t1", "t2", "t3", "t4") if match.group(g))
            author = match.group("author").strip(" ,")
            found.append(
                Source(
                    WORK,
                    title.strip(),
                    title=title.strip(),
                    author=author,
                    year=int(match.group("year")),
                )
            )
    return found


# --- links -----------------------------------------------------------------------------------

_HTML_HREF = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1", re.DOTALL)


def _own_hosts() -> set[str]:
    host = urlsplit(settings.SITE_URL).hostname or ""
    return {host.lower()} if host else set()


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _link_source(href: str, own_hosts: set[str]) -> Source | None:
    href = href.strip()
    scheme = urlsplit(href).scheme.lower()
    if scheme not in {"http", "https"}:
        return None  # relative links, mailto:, footnote anchors: not outbound sources
    host = _host(href)
    if not host or host in own_hosts:
        return None
    if host in _DOI_HOSTS:
        path = unquote(urlsplit(href).path.lstrip("/"))
        if path:
            return _doi_source(path)
    return Source(URL, href, domain=host)


# --- the whole post --------------------------------------------------------------------------


def _text_sources(text: str) -> list[Source]:
    text = _CODE_SPAN.sub(" ", text)
    found = [_doi_source(m.group(1)) for m in _DOI_IN_TEXT.finditer(text)]
    found += [_isbn_source(m.group(1)) for m in _ISBN_IN_TEXT.finditer(text)]
    return found + _works(text)


def _inline_sources(token, own_hosts: set[str]) -> list[Source]:
    found = []
    for child in token.children or ():
        href = child.attrGet("href") if child.type == "link_open" else None
        if href:
            found.append(_link_source(str(href), own_hosts))
        elif child.type == "html_inline":
            found += [_link_source(h, own_hosts) for h in _HTML_HREF.findall(child.content)]
    # DOIs, ISBNs and works are read from the inline's Markdown, so that a title written in
    # *italics* is still recognised; code spans are blanked first.
    return [s for s in found if s] + _text_sources(token.content)


# Every source needs one of these in the text: a link's http(s) scheme or a bare www. address
# (core.markdown's bare-URL rule), "doi", "ISBN", a work's year, or a character reference that
# could spell any of them. A text with none is not parsed (1.5 ms a 1,000-character post:
# bench/sources_backfill.py), which is most of a backfill's or an import's posts.
# (No colon or dot after "http" and "www": `&colon;` and `&period;` spell them too.)
_MAY_CITE = re.compile(r"http|www|doi|isbn|(?:1[4-9]|20)\d\d|&#", re.IGNORECASE)


def sources_of(markdown: str) -> list[Source]:
    """The sources a post's Markdown cites, each once: block by block in reading order, and
    within a paragraph its links before its DOIs, ISBNs and works."""
    if not _MAY_CITE.search(markdown or ""):
        return []
    own_hosts = _own_hosts()
    found: list[Source] = []
    for token in post_tokens(markdown or ""):
        if token.type == "inline":
            found += _inline_sources(token, own_hosts)
        elif token.type == "html_block":
            found += [
                s for h in _HTML_HREF.findall(token.content) if (s := _link_source(h, own_hosts))
            ]
    unique: dict[tuple[str, str], Source] = {}
    for source in found:
        unique.setdefault(source.key, source)
    return list(unique.values())[:MAX_SOURCES]


def problems_of(markdown: str) -> list[str]:
    """What the writer is told in the preview: each malformed DOI or ISBN, once."""
    return [source.problem for source in sources_of(markdown) if source.problem]


def adds_a_source(before: str, after: str) -> bool:
    """Whether an edit from `before` to `after` cites a well-formed source the old text did
    not: what lifts a "citation needed" notice once a reviewer agrees."""
    old = {source.key for source in sources_of(before)}
    return any(source.valid and source.key not in old for source in sources_of(after))


def sources_of_html(html: str) -> list[Source]:
    """The sources of a post known only by its rendered HTML (a dump's Posts.Body with no body
    revision to give its Markdown): its anchors, and the DOIs, ISBNs and works of its text.

    lxml parses without fetching anything or running anything; code and preformatted blocks
    are dropped first (nothing inside code is a source), and <em>/<i> become *…* so an
    italic title reads as it does in Markdown."""
    from lxml import etree
    from lxml import html as lxml_html

    if not (html or "").strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    for code in root.xpath(".//code | .//pre | .//script | .//style"):
        code.drop_tree()
    own_hosts = _own_hosts()
    found = [s for href in root.xpath(".//a/@href") if (s := _link_source(str(href), own_hosts))]
    for italic in root.xpath(".//em | .//i"):
        italic.text = "*" + (italic.text or "")
        italic.tail = "*" + (italic.tail or "")
    for block in root.xpath(".//p | .//li | .//blockquote | .//div | .//br"):
        block.tail = "\n" + (block.tail or "")  # a work's pattern never spans paragraphs
    found += _text_sources(root.text_content())
    unique: dict[tuple[str, str], Source] = {}
    for source in found:
        unique.setdefault(source.key, source)
    return list(unique.values())[:MAX_SOURCES]
