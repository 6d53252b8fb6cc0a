"""The search syntax of spec §8.1 parsed into typed queries, and clear errors for the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quaestio.search.parser import parse
from quaestio.search.query import (
    AnyTerm,
    Counter,
    DateField,
    DateFilter,
    DeletedMode,
    Field,
    Flag,
    FlagFilter,
    InQuestionFilter,
    KindFilter,
    PostKind,
    RangeFilter,
    SearchSyntaxError,
    TagTerm,
    Term,
    UserFilter,
)

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


def p(raw: str):
    return parse(raw, now=NOW)


def test_words_phrases_and_exclusions():
    """Plain words, quoted phrases and -exclusions become text terms in order."""
    query = p('roman empire "fall of rome" -byzantine -"eastern empire"')
    assert query.text == (
        Term("roman"),
        Term("empire"),
        Term("fall of rome", phrase=True),
        Term("byzantine", negated=True),
        Term("eastern empire", phrase=True, negated=True),
    )


def test_or_groups_words_and_tags():
    """`a OR b` is one any-of clause; `[a] or [b]` one tag clause naming both."""
    query = p('castle OR "motte and bailey" [france] or [england] keep')
    assert query.text == (
        AnyTerm((Term("castle"), Term("motte and bailey", phrase=True))),
        Term("keep"),
    )
    assert query.tags == (TagTerm(("france", "england")),)


def test_tags_excluded_tags_and_tag_wildcards():
    """[tag] requires a tag, -[tag] excludes it, [java*] is a tag wildcard; names are lower-cased."""
    query = p("[Rome] -[byzantine-empire] [java*]")
    assert query.tags == (
        TagTerm(("rome",)),
        TagTerm(("byzantine-empire",), negated=True),
        TagTerm(("java*",)),
    )


def test_field_operators():
    """intitle:/title:, body:, code:, url: take a word or a quoted phrase."""
    query = p(
        'intitle:rome title:"fall of" body:gaul code:"printf(" url:"*.example.com" -intitle:x'
    )
    assert query.text == (
        Term("rome", Field.TITLE),
        Term("fall of", Field.TITLE, phrase=True),
        Term("gaul", Field.BODY),
        Term("printf(", Field.CODE, phrase=True),
        Term("*.example.com", Field.URL, phrase=True),
        Term("x", Field.TITLE, negated=True),
    )


def test_wildcards_are_marked():
    """A * inside a bare word makes it a wildcard; inside quotes it is not."""
    query = p('encyclo* ex*nge "a*b"')
    assert [t.wildcard for t in query.text] == [True, True, False]


def test_user_and_inquestion():
    """user:1234 / user:me and inquestion:1234 / inquestion:this."""
    query = p("user:12 user:me inquestion:345 inquestion:this -user:7")
    assert query.filters == (
        UserFilter(12),
        UserFilter(None, me=True),
        InQuestionFilter(345),
        InQuestionFilter(None, this=True),
        UserFilter(7, negated=True),
    )


def test_counter_ranges():
    """score:3 is ≥ 3; ranges a..b, ..b, a..; answers:0 means exactly none."""
    query = p("score:3 score:3..10 score:..0 score:-1.. answers:0 answers:2 views:250 score:10..3")
    assert query.filters == (
        RangeFilter(Counter.SCORE, 3, None),
        RangeFilter(Counter.SCORE, 3, 10),
        RangeFilter(Counter.SCORE, None, 0),
        RangeFilter(Counter.SCORE, -1, None),
        RangeFilter(Counter.ANSWERS, 0, 0),
        RangeFilter(Counter.ANSWERS, 2, None),
        RangeFilter(Counter.VIEWS, 250, None),
        RangeFilter(Counter.SCORE, 3, 10),
    )


def test_kinds_and_flags():
    """is:q/is:answer and every yes/no status operator."""
    query = p(
        "is:q is:answer closed:yes duplicate:no hasaccepted:yes isaccepted:no "
        "isanswered:true locked:no wiki:yes hascode:yes"
    )
    assert query.filters == (
        KindFilter(PostKind.QUESTION),
        KindFilter(PostKind.ANSWER),
        FlagFilter(Flag.CLOSED, True),
        FlagFilter(Flag.DUPLICATE, False),
        FlagFilter(Flag.HAS_ACCEPTED, True),
        FlagFilter(Flag.IS_ACCEPTED, False),
        FlagFilter(Flag.IS_ANSWERED, True),
        FlagFilter(Flag.LOCKED, False),
        FlagFilter(Flag.WIKI, True),
        FlagFilter(Flag.HAS_CODE, True),
    )


def d(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "start", "end"),
    [
        ("created:2012", d(2012, 1, 1), d(2013, 1, 1)),
        ("created:2012-02", d(2012, 2, 1), d(2012, 3, 1)),
        ("created:2012-12", d(2012, 12, 1), d(2013, 1, 1)),
        ("created:2012-01-15", d(2012, 1, 15), d(2012, 1, 16)),
        ("created:2012..2013", d(2012, 1, 1), d(2014, 1, 1)),
        ("created:2012-01..2012-03", d(2012, 1, 1), d(2012, 4, 1)),
        ("created:2013..2012", d(2012, 1, 1), d(2014, 1, 1)),
        ("created:2012..", d(2012, 1, 1), None),
        ("created:..2012", None, d(2013, 1, 1)),
        ("created:7d..", NOW - timedelta(days=7), None),
        ("created:..7d", None, NOW - timedelta(days=7)),
        ("created:1m", d(2024, 5, 15, 12), NOW),
        ("created:2m", d(2024, 4, 15, 12), d(2024, 5, 15, 12)),
        ("created:3m..", d(2024, 3, 15, 12), None),
        ("created:1y", d(2023, 6, 15, 12), NOW),
        ("created:1m..3m", d(2024, 3, 15, 12), d(2024, 5, 15, 12)),
    ],
)
def test_dates(raw, start, end):
    """Years, months, days, ranges and ages, as the spec lists them, become [start, end)."""
    assert p(raw).filters == (DateFilter(DateField.CREATED, start, end),)


def test_lastactive_uses_the_same_syntax():
    """lastactive: reads dates exactly as created: does."""
    assert p("lastactive:2020").filters == (
        DateFilter(DateField.LAST_ACTIVE, d(2020, 1, 1), d(2021, 1, 1)),
    )


def test_deleted_mode():
    """deleted:yes / deleted:any set the query's deleted mode; the default is live posts only."""
    assert p("rome").deleted == DeletedMode.NO
    assert p("rome deleted:yes").deleted == DeletedMode.YES
    assert p("rome deleted:any").deleted == DeletedMode.ANY


def test_unknown_operators_are_words():
    """A colon after a word that is no operator is just text (e.g. a Bible verse 3:16)."""
    assert p("foo:bar").text == (Term("foo:bar"),)


def test_only_tag():
    """A query that is a single [tag] names the tag (its page is where it goes)."""
    assert p("[rome]").only_tag == "rome"
    assert p("[rome] empire").only_tag is None
    assert p("-[rome]").only_tag is None
    assert p("[rome] or [gaul]").only_tag is None
    assert p("[ro*]").only_tag is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ('"unclosed phrase', "never closed"),
        ("[unclosed", "never closed"),
        ("[]", "needs a tag name"),
        ("[not a tag!]", "not a tag name"),
        ("score:abc", "score: takes a number"),
        ("score:..", "score: takes a number"),
        ("answers:", "needs a value"),
        ("closed:maybe", "yes or no"),
        ("is:comment", "is: takes question"),
        ("user:bob", "user: takes an id or me"),
        ("inquestion:x", "inquestion: takes an id or this"),
        ("created:2012-13", "not a real date"),
        ("created:yesterday", "created: takes a date"),
        ("created:99999y", "too far back"),
        ("OR rome", "OR needs"),
        ("rome OR", "OR needs"),
        ("rome OR OR gaul", "OR needs"),
        ("rome OR -gaul", "excluded term cannot"),
        ("rome OR [gaul]", "OR joins words with words"),
        ("*", "wildcard"),
        ("[*]", "tag wildcard"),
        ("infavorites:mine", "not available"),
        ("-deleted:yes", "cannot be excluded"),
        ("x" * 1001, "Shorten"),
        (" ".join(["w"] * 41), "at most 40"),
    ],
)
def test_malformed_queries_say_what_to_fix(raw, fragment):
    """Each malformed query raises SearchSyntaxError with a message naming the fix."""
    with pytest.raises(SearchSyntaxError) as caught:
        p(raw)
    assert fragment in caught.value.message


SYNTAX_ALPHABET = st.sampled_from(
    list("abcxyz019 -\"[]:*.+#_()\\'\t\n\x00é中") + ["OR", " or ", "score:", "created:", "..", "7d"]
)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(), st.lists(SYNTAX_ALPHABET, max_size=40).map("".join)))
def test_fuzz_no_input_crashes_the_parser(raw):
    """Any string either parses into a query or raises SearchSyntaxError: never anything else."""
    try:
        query = parse(raw, now=NOW)
    except SearchSyntaxError as error:
        assert error.message
    else:
        assert query.raw == raw.replace("\x00", " ").strip()
