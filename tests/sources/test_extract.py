"""A post's sources as the extractor reads them from Markdown (quaestio.sources.extract)."""

from quaestio.sources.extract import (
    DOI,
    ISBN,
    URL,
    WORK,
    adds_a_source,
    doi_problem,
    isbn_problem,
    problems_of,
    sources_of,
)


def kinds_and_values(markdown):
    return [(s.kind, s.value) for s in sources_of(markdown)]


def test_links_of_every_markdown_form_are_sources_in_reading_order_and_once():
    body = (
        "See [the book](https://www.amazon.com/dp/1400076781) and <https://marxists.org/a.pdf>.\n\n"
        "Also https://en.wikipedia.org/wiki/Leon_Trotsky, and [again][1].\n\n"
        '<a href="https://example.org/raw">raw</a>\n\n'
        "[1]: https://www.amazon.com/dp/1400076781\n"
    )
    assert kinds_and_values(body) == [
        (URL, "https://www.amazon.com/dp/1400076781"),
        (URL, "https://marxists.org/a.pdf"),
        (URL, "https://en.wikipedia.org/wiki/Leon_Trotsky"),
        (URL, "https://example.org/raw"),
    ]
    assert sources_of(body)[0].domain == "amazon.com"


def test_links_to_the_site_itself_relative_links_and_mail_are_not_sources(settings):
    settings.SITE_URL = "https://history.example"
    body = (
        "[dup](https://history.example/questions/1) [rel](/q/2) [m](mailto:a@b.c) [^1]\n\n[^1]: x"
    )
    assert sources_of(body) == []


def test_nothing_inside_code_is_a_source():
    body = "`doi:10.1000/182` and\n\n```\nhttps://example.org ISBN 0-306-40615-2\n```\n"
    assert sources_of(body) == []


def test_dois_from_text_and_from_doi_org_links_are_normalised_and_checked():
    body = "As shown (doi:10.1093/ACREFORE/9780199329175.013.50), see https://doi.org/10.1000/182."
    found = sources_of(body)
    assert [(s.kind, s.value, s.valid) for s in found] == [
        (DOI, "10.1000/182", True),  # a paragraph's links come before its written DOIs
        (DOI, "10.1093/acrefore/9780199329175.013.50", True),
    ]
    assert doi_problem("10.12/abc")  # the registrant code has at least four digits
    assert doi_problem("11.1000/182").startswith("“11.1000/182” is not a DOI")


def test_isbns_are_checked_for_their_check_digit_and_kept_as_isbn13():
    valid_10, valid_13 = "0-306-40615-2", "978-0-306-40615-7"
    assert isbn_problem(valid_10) == "" and isbn_problem(valid_13) == ""
    assert "check digit" in isbn_problem("0-306-40615-3")
    assert "check digit" in isbn_problem("978-0-306-40615-8")
    assert "10 or 13 digits" in isbn_problem("12345")
    found = sources_of(f"ISBN {valid_10}; ISBN-13: {valid_13}; ISBN 0-306-40615-3")
    assert [(s.kind, s.value, s.valid) for s in found] == [
        (ISBN, "9780306406157", True),
        (ISBN, "0306406153", False),
    ]  # the ISBN-10 and ISBN-13 of one book are one source


def test_cited_works_with_author_and_year_are_sources():
    body = (
        "1. Service (2005), *Stalin: A Biography*\n"
        '2. "The Revolution Betrayed" by Leon Trotsky (1936)\n'
        "3. a *stray italic* without author or year\n"
    )
    works = [s for s in sources_of(body) if s.kind == WORK]
    assert [(w.title, w.author, w.year) for w in works] == [
        ("Stalin: A Biography", "Service", 2005),
        ("The Revolution Betrayed", "Leon Trotsky", 1936),
    ]


def test_the_preview_is_told_each_malformed_identifier_once():
    problems = problems_of("doi:10.12/x and ISBN 0-306-40615-3, again ISBN 0-306-40615-3")
    assert len(problems) == 2
    assert problems[0].startswith("“10.12/x” is not a DOI")
    assert "check digit" in problems[1]


def test_an_edit_adds_a_source_only_when_it_cites_a_new_well_formed_one():
    before = "Trotsky was killed in 1940. See https://example.org/a"
    assert adds_a_source(before, before + " and doi:10.1000/182")
    assert not adds_a_source(before, before + " and doi:10.12/bad")
    assert not adds_a_source(before, before.replace("1940", "August 1940"))
    assert not adds_a_source(before, "See https://example.org/a. Trotsky was killed in 1940.")


def test_a_hostile_body_yields_a_bounded_list():
    body = " ".join(f"https://e{i}.example/x" for i in range(5000))
    assert len(sources_of(body)) == 200


def test_the_quick_check_skips_only_texts_that_cannot_cite():
    """A text without "http", "www", "doi", "isbn", a year or a character reference is not
    parsed; texts that spell a source with entities still are."""
    assert sources_of("Plain words, **bold**, and a [relative](/questions/1) link.") == []
    assert [s.value for s in sources_of("[x](&#104;ttps://a.example/)")] == ["https://a.example/"]
    assert [s.value for s in sources_of("[x](https&colon;//b.example/)")] == ["https://b.example/"]
    assert [s.domain for s in sources_of("see www&period;c.example now")] == ["c.example"]
