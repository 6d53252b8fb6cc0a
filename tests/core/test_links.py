"""core.links: Stack Exchange's slugs, percent-encoded tags, and the script prefix honoured."""

from __future__ import annotations

import pytest
from django.test.utils import override_script_prefix
from django.urls import get_script_prefix, set_script_prefix

from quaestio.core import links
from quaestio.core.links import SLUG_MAX_LENGTH, question_url, tag_url, url_slug, user_url


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Why did Stalin have Trotsky killed?", "why-did-stalin-have-trotsky-killed"),
        ("Zoë's café in Coyoacán", "zoes-cafe-in-coyoacan"),
        ("Straße, Øresund & Łódź", "strasse-oresund-lodz"),
        ("Don't   stop -- at a.b/c_d", "dont-stop-at-a-b-c-d"),
        ("What is C#? (and C++)", "what-is-c-and-c"),
        ("  --Leading and trailing--  ", "leading-and-trailing"),
    ],
)
def test_slug_follows_stack_exchange_rules(text, slug):
    """Lower-case ASCII, accents dropped, separators as one hyphen, other punctuation dropped."""
    assert url_slug(text) == slug


def test_slug_is_cut_at_80_characters_without_a_trailing_hyphen():
    title = "word " * 40
    slug = url_slug(title)
    assert len(slug) <= SLUG_MAX_LENGTH and not slug.endswith("-")
    assert slug.startswith("word-word-")
    exact = url_slug("a" * 100)
    assert exact == "a" * SLUG_MAX_LENGTH


def test_titles_and_names_without_a_slug_get_a_placeholder():
    """A title with nothing sluggable (or none) still gives a working link."""
    assert url_slug("") == url_slug(None) == url_slug("?!…") == ""
    assert question_url(12, "?!…") == "/questions/12/question"
    assert question_url(12, "") == "/questions/12/question"
    assert user_url(7, "李小龍") == "/users/7/user"


@pytest.mark.parametrize(
    ("tag", "url"),
    [
        ("c#", "/questions/tagged/c%23"),
        ("c++", "/questions/tagged/c%2B%2B"),
        (".net", "/questions/tagged/.net"),
        ("leon-trotsky", "/questions/tagged/leon-trotsky"),
    ],
)
def test_tags_are_percent_encoded(tag, url):
    assert tag_url(tag) == url


def test_script_prefix_is_honoured():
    """Under a sub-path every link carries it; back at the root none does (no stale cache)."""
    assert question_url(5, "Hello world") == "/questions/5/hello-world"
    with override_script_prefix("/qa/"):
        assert question_url(5, "Hello world") == "/qa/questions/5/hello-world"
        assert tag_url("c#") == "/qa/questions/tagged/c%23"
        assert user_url(-1, "Community") == "/qa/users/-1/community"
        assert links.answer_url(9) == "/qa/a/9"
    old = get_script_prefix()
    set_script_prefix("/forum/")
    try:
        assert links.badge_url("Nice Answer") == "/forum/badges/Nice%20Answer"
    finally:
        set_script_prefix(old)
    assert question_url(5, "Hello world") == "/questions/5/hello-world"


def test_comment_and_api_style_links():
    assert links.comment_url(3, "A title", 44) == "/questions/3/a-title#comment-44"
    assert links.comment_share_url(8, True, 44) == "/a/8#comment44_8"
    assert links.comment_share_url(3, False, 44) == "/q/3#comment44_3"
    assert links.login_url("/questions/3/a-title") == "/users/login?next=%2Fquestions%2F3%2Fa-title"
