"""How text becomes index tokens: one tokenizer, in Python, shared by both engines.

Both engines index the tokens this module produces (SQLite FTS5 with its `ascii` tokenizer, which
keeps our tokens whole; PostgreSQL with tsvector literals we build), so a word matches the same
posts on either database: no engine-specific stemming, stop words or token rules can disagree.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# Letters and digits only: underscores and punctuation separate words, as in FTS5's tokenizers.
WORD = re.compile(r"[^\W_]+")
TAG = re.compile(r"<[^>]*>")
CODE = re.compile(r"<code[^>]*>(.*?)</code>", re.DOTALL | re.IGNORECASE)
HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
BARE_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
# Longer tokens are noise (base64, hashes); they are cut so no engine limit is ever reached.
MAX_TOKEN = 60
# Stop words are kept in the index (phrases need them) but left out of "similar title" queries,
# where they would only add noise and cost.
STOP_WORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for from
    had has have how i if in into is it its just may more most my no not of on or our out should
    so some than that the their them then there these they this to too was we were what when
    where which who why will with would you your""".split()
)

# Stands between two links' words so no phrase spans them. A private-use character is never a
# word to our tokenizer, so no query can produce it, yet FTS5's `ascii` tokenizer keeps it whole.
SEPARATOR = "\ue000"

_stemmer = Stemmer.Stemmer("english")


def normalize(text: str) -> str:
    """Case-folded, accents removed: "Émile" and "emile" are one word."""
    if text.isascii():  # the common case, and much faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    # The combining marks among the text's few distinct non-ASCII characters, each removed by
    # one C-level replace: testing every character in Python cost a post with one curly quote
    # a Python call per character (about 15% of an import's CPU for a real post).
    for mark in set(decomposed).difference(_ASCII):
        if unicodedata.combining(mark):
            decomposed = decomposed.replace(mark, "")
    return decomposed.casefold()


_ASCII = frozenset(map(chr, range(128)))


def words(text: str) -> list[str]:
    """Normalised words, unstemmed, in order."""
    return [w[:MAX_TOKEN] for w in WORD.findall(normalize(text))]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word.isdigit():
        return word
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    return list(map(stem, words(text)))


def wildcard_prefix(prefix_word: str) -> str:
    """The index prefix for `prefix*`: the part shared by the word and its stem.

    Indexed tokens are stems, and a stem may end differently from the word ("happy" -> "happi"),
    so "happy*" searches "happ*" rather than missing every "happy".
    """
    stemmed = stem(prefix_word)
    shared = 0
    for a, b in zip(prefix_word, stemmed, strict=False):
        if a != b:
            break
        shared += 1
    return prefix_word[: max(shared, 1)]


@dataclass(frozen=True)
class Document:
    """What the index holds for one post: token lists per field, in order."""

    post_id: int
    title: tuple[str, ...]
    body: tuple[str, ...]
    code: tuple[str, ...]
    url: tuple[str, ...]


def plain_text(body_html: str) -> str:
    return html.unescape(TAG.sub(" ", body_html or ""))


def code_text(body_html: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", block)) for block in CODE.findall(body_html or ""))


def url_texts(body_html: str) -> list[str]:
    """Every link target and bare URL in a post, unescaped."""
    found = [html.unescape(u) for u in HREF.findall(body_html or "")]
    # Most posts hold no bare URL; scanning for one costs more than tokenizing the post.
    if "://" in html.unescape(body_html or ""):
        found += BARE_URL.findall(plain_text(body_html))
    return list(dict.fromkeys(found))


def url_words(url: str) -> list[str]:
    """A URL as words without its scheme: "https://www.example.com/a" -> www example com a."""
    return words(re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE))


def build_document(post_id: int, title: str, body_html: str) -> tuple[Document, set[str]]:
    """The index document of a post and the raw words it adds to the wildcard vocabulary."""
    title_words = words(title)
    body_words = words(plain_text(body_html))
    code_words = words(code_text(body_html))
    link_words: list[str] = []
    for url in url_texts(body_html):
        # A separator keeps one link's last word and the next link's first from forming a phrase.
        if link_words:
            link_words.append(SEPARATOR)
        link_words.extend(url_words(url))
    document = Document(
        post_id=post_id,
        # map over the cached stem runs in C: a reindex stems a hundred million words.
        title=tuple(map(stem, title_words)),
        body=tuple(map(stem, body_words)),
        code=tuple(code_words),
        url=tuple(link_words),
    )
    vocabulary = set(title_words) | set(body_words) | set(code_words)
    vocabulary.update(w for w in link_words if w != SEPARATOR)
    return document, vocabulary
