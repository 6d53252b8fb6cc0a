"""PostgreSQL's document text (backends/postgres_document.py `tsvector_literal`), written for speed, is
the text the plain form below writes, whatever the tokens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.search.backends import postgres_document as postgres
from quaestio.search.text import SEPARATOR, Document, build_document


def plain_tsvector_literal(document: Document) -> str:
    """The form tsvector_literal had before it was made fast, kept verbatim as the reference."""
    positions: dict[str, list[str]] = {}
    position = 1
    for name, tokens in (
        ("title", document.title),
        ("body", document.body),
        ("code", document.code),
        ("url", document.url),
    ):
        weight = postgres.WEIGHTS[name]
        for token in tokens:
            if token != SEPARATOR:
                lexemes = (token, postgres.TITLE_MARK + token) if name == "title" else (token,)
                for lexeme in lexemes:
                    found = positions.setdefault(lexeme, [])
                    if len(found) < postgres.MAX_POSITIONS_PER_WORD:
                        found.append(f"{min(position, postgres.MAX_POSITION)}{weight}")
            position += 1
        position += postgres.FIELD_GAP
    words = " ".join(f"{postgres.quoted_lexeme(t)}:{','.join(p)}" for t, p in positions.items())
    blocks = " ".join(postgres.quoted_lexeme(b) for b in postgres.block_lexemes(document.post_id))
    return f"{words} {blocks}" if words else blocks


# A few words drawn often (repeats), quotes and backslashes (escaping), the link separator.
TOKENS = st.sampled_from(["beer", "ale", "o'neil", "back\\slash", "§x", "é", SEPARATOR, "42"])
FIELD = st.lists(TOKENS, max_size=40).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    post_id=st.integers(min_value=1, max_value=2**40),
    title=FIELD,
    body=FIELD,
    code=FIELD,
    url=FIELD,
)
def test_fast_literal_equals_the_plain_form(post_id, title, body, code, url):
    document = Document(post_id, title, body, code, url)
    assert postgres.tsvector_literal(document) == plain_tsvector_literal(document)


def test_long_documents_cap_positions_and_repeats_as_before():
    """Past MAX_POSITION every word shares the last position; a word keeps at most
    MAX_POSITIONS_PER_WORD positions; an empty document is its id blocks alone."""
    body = tuple(f"w{i % 500}" for i in range(20_000)) + ("roads",) * 400
    document = Document(7, ("roman", "roads"), body, ("x",), ("example", SEPARATOR, "com"))
    assert postgres.tsvector_literal(document) == plain_tsvector_literal(document)
    empty = Document(9, (), (), (), ())
    assert postgres.tsvector_literal(empty) == plain_tsvector_literal(empty)


def test_real_post_html():
    document, _words = build_document(
        38738,
        "Why did Stalin have Trotsky killed?",
        '<p>He fled; <code>ice_axe(1940)</code> see <a href="https://example.com/a">this</a> '
        "and https://example.org/b?c=d.</p>",
    )
    assert postgres.tsvector_literal(document) == plain_tsvector_literal(document)
