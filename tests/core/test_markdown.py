"""The one renderer: Stack Exchange's Markdown, sanitised to an allow-list."""

from quaestio.core.markdown import render_comment, render_post


def test_bare_urls_become_links_without_trailing_punctuation():
    html = render_post(
        "See https://example.org/a_(b)). Or (http://example.com/x), and www.example.net."
    )
    assert '<a href="https://example.org/a_(b)"' in html
    assert '<a href="http://example.com/x"' in html and "x)</a>" not in html
    assert '<a href="http://www.example.net"' in html and "www.example.net</a>." in html


def test_urls_in_code_and_existing_links_are_left_alone():
    html = render_post(
        "`http://in.code` [text](http://linked.example) <a href='http://raw.example'>http://raw.example</a>"
    )
    assert "<code>http://in.code</code>" in html
    assert html.count("<a ") == 2  # the Markdown link and the raw one, not a link inside a link


def test_stack_exchange_extensions_render():
    html = render_post(
        ">! the butler did it\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\nclaim[^1]\n\n[^1]: a source\n\n~~gone~~"
    )
    assert '<blockquote class="spoiler">' in html and "the butler did it" in html
    assert "<table>" in html and 'class="align-right"' in html and "style=" not in html
    assert 'class="footnote-ref"' in html and 'class="footnotes"' in html
    assert "<s>gone</s>" in html


def test_code_is_highlighted_at_render_time():
    html = render_post("```python\nx = 1\n```")
    assert '<span class="n">x</span>' in html


def test_hostile_html_is_cut_to_the_allow_list():
    html = render_post(
        '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
        '<div style="position:fixed">y</div><iframe src="http://evil"></iframe>'
    )
    for bad in ("<script", "onerror", "javascript:", "position:fixed", "<iframe"):
        assert bad not in html


def test_comment_mini_markdown_has_no_blocks_but_keeps_inline_formatting():
    html = render_comment(
        "# not a heading\n\n**bold** _it_ `code` ---struck--- https://example.org"
    )
    assert "<h1>" not in html and "<p>" not in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<s>struck</s>" in html and '<a href="https://example.org"' in html


def test_comment_magic_links_and_mentions():
    html = render_comment(
        "Please [edit] and see the [tour], [help/on-topic], [tag:soviet-union]; @o.m. agreed",
        edit_url="/posts/7/edit",
    )
    assert '<a href="/posts/7/edit" class="magic-link"' in html
    assert '<a href="/tour" class="magic-link"' in html and '<a href="/help/on-topic"' in html
    assert '<a href="/questions/tagged/soviet-union" class="tag-chip"' in html
    # A tag's reserved characters are percent-encoded, as everywhere (core.links).
    assert '<a href="/questions/tagged/c%23" class="tag-chip"' in render_comment("[tag:c#]")
    assert '<span class="mention">@o.m.</span>' in html
