"""PostgreSQL's pair hashes (backends/postgres_document.py `pair_hash`, `pair_hashes`), written
for speed (CPython's own md5, each distinct pair hashed once), are the hashes the plain form
below gives, whatever the tokens: the stored `pairs` column, and migration 0004's SQL form,
must not change."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.search.backends import postgres_document as postgres
from quaestio.search.text import SEPARATOR, Document, build_document


def plain_pair_hash(first: str, second: str) -> int:
    """The form pair_hash had before it was made fast (hashlib, OpenSSL), kept verbatim."""
    digest = hashlib.md5(f"{first} {second}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big") % postgres.PAIR_BUCKETS


def plain_pair_hashes(document: Document) -> list[int]:
    """The form pair_hashes had before: every adjacent pair hashed as it came."""
    found: set[int] = set()
    for tokens in (document.title, document.body, document.code, document.url):
        for first, second in zip(tokens, tokens[1:], strict=False):
            if first != SEPARATOR and second != SEPARATOR:
                found.add(plain_pair_hash(first, second))
    return sorted(found)


# Repeats (pairs hashed once), the separator in any field, non-ASCII (encoding), the mark.
TOKENS = st.sampled_from(["beer", "ale", "o'neil", "é", "日本", SEPARATOR, "42", "§x", ""])
FIELD = st.lists(TOKENS, max_size=40).map(tuple)


@settings(max_examples=300, deadline=None)
@given(title=FIELD, body=FIELD, code=FIELD, url=FIELD)
def test_fast_pair_hashes_equal_the_plain_form(title, body, code, url):
    document = Document(1, title, body, code, url)
    assert postgres.pair_hashes(document) == plain_pair_hashes(document)


SMALL_LIMIT = 5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(FIELD, FIELD, FIELD, FIELD), min_size=1, max_size=8))
def test_hashes_remembered_across_documents_are_the_same(fields):
    """A bulk load's memo of pairs (bounded: emptied when full, here past 5 pairs) changes no
    document's hashes, whichever documents came before; a document met again is all memo."""
    known: dict = {}
    original = postgres.BULK_PAIRS_LIMIT
    postgres.BULK_PAIRS_LIMIT = SMALL_LIMIT
    try:
        for title, body, code, url in fields:
            document = Document(1, title, body, code, url)
            assert postgres.pair_hashes(document, known) == plain_pair_hashes(document)
            assert postgres.pair_hashes(document, known) == plain_pair_hashes(document)
    finally:
        postgres.BULK_PAIRS_LIMIT = original


@settings(max_examples=300, deadline=None)
@given(first=st.text(max_size=30), second=st.text(max_size=30))
def test_pair_hash_is_hashlib_md5(first, second):
    assert postgres.pair_hash(first, second) == plain_pair_hash(first, second)


def test_a_real_post():
    document, _words = build_document(
        38738,
        "Why did Stalin have Trotsky killed?",
        '<p>He fled; he fled again. <code>ice_axe(1940)</code> see <a href="https://example.com/a">'
        "this</a> and https://example.org/b?c=d.</p>",
    )
    hashes = postgres.pair_hashes(document)
    assert hashes == plain_pair_hashes(document)
    assert postgres.pair_hash("he", "fled") in hashes
    assert postgres.pair_hash("a", SEPARATOR) not in hashes  # links' words form no pair
