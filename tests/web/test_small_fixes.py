"""The small defects of issue 15.12, each with the behaviour that fixes it."""

from __future__ import annotations

from lxml import html as lxml_html


def _tree(response):
    return lxml_html.fromstring(response.content.decode())


def test_search_result_by_a_deleted_user_names_them(client, demo):
    """The seed's answer 84620 lost its owner: its search result still ends in a name."""
    tree = _tree(client.get("/search", {"q": "Ideological rivalry"}))
    (meta,) = tree.cssselect("#answer-summary-84620 .summary-meta")
    text = " ".join(meta.text_content().split())
    assert text.endswith("by deleted user"), text


def test_apps_page_has_one_main_element(client, make_user):
    """/users/<id>/apps sits inside the base layout's <main>, not a second one."""
    user = make_user(reputation=1)
    client.force_login(user)
    response = client.get(f"/users/{user.id}/apps")
    assert response.status_code == 200
    assert len(_tree(response).xpath("//main")) == 1


def test_pages_link_a_favicon_and_favicon_ico_leads_to_it(client, demo):
    """Every page names its icon, the icon is served, and /favicon.ico (asked for by browsers
    that ignore the link) redirects to it rather than answering 404."""
    (icon,) = _tree(client.get("/")).xpath("//link[@rel='icon']")
    assert icon.get("type") == "image/svg+xml"
    served = client.get(icon.get("href"))
    assert served.status_code == 200
    assert b"<svg" in b"".join(served.streaming_content if served.streaming else [served.content])
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"] == icon.get("href")


def test_revision_tag_changes_show_as_chips_marked_added_or_removed(client, demo):
    """The seed question's third revision added [assassination]: shown as chips, not as raw
    `<tag><tag>` text, inline and side by side."""
    tree = _tree(client.get("/posts/38738/revisions"))
    (tags,) = tree.cssselect("#revision-3 .diff-tags .tags")
    assert [chip.text_content() for chip in tags.cssselect("ins.tag")] == ["assassination"]
    assert [chip.text_content() for chip in tags.cssselect("span.tag")] == [
        "soviet-union",
        "joseph-stalin",
        "leon-trotsky",
    ]
    assert "<" not in tags.text_content()
    side = _tree(client.get("/posts/38738/revisions?view=side-by-side"))
    (old,) = side.cssselect("#revision-3 .diff-tags .diff-old")
    (new,) = side.cssselect("#revision-3 .diff-tags .diff-new")
    assert not old.cssselect("ins, del") and len(old.cssselect(".tag")) == 3
    assert [chip.text_content() for chip in new.cssselect("ins.tag")] == ["assassination"]


def test_tag_diff_marks_a_removed_tag_and_escapes_names():
    """A removed tag is struck through where it stood; names are escaped."""
    from quaestio.core.diff import inline_tag_diff

    html = inline_tag_diff(["a", "b<x>", "c"], ["a", "c", "d"])
    assert html == (
        '<span class="tag">a</span> <del class="tag diff-del" title="removed">b&lt;x&gt;</del> '
        '<span class="tag">c</span> <ins class="tag diff-ins" title="added">d</ins>'
    )


def test_code_stylesheet_is_pygments_output_and_every_page_links_it(client, demo):
    """static/quaestio/code.css is exactly what quaestio.web.code_style generates from Pygments
    (rerun `python -m quaestio.web.code_style` after an upgrade), and pages link it."""
    from quaestio.web.code_style import STYLESHEET, code_css

    assert STYLESHEET.read_text(encoding="utf-8") == code_css()
    hrefs = [link.get("href") for link in _tree(client.get("/")).xpath("//link[@rel='stylesheet']")]
    assert any(href.endswith("quaestio/code.css") for href in hrefs)


def test_highlighted_code_tokens_have_colours_light_and_dark():
    """The tokens a reader tells apart (keyword, function name, decorator, string, comment,
    number) have a colour rule in the light scheme and in the dark one."""
    import re

    from quaestio.core.markdown import render_post
    from quaestio.web.code_style import code_css

    html = render_post('```python\n@cache\ndef f(x):\n    return "a" + 1  # why\n```\n')
    tokens = {"k", "nf", "nd", "s2", "c1", "mi"}
    assert tokens <= set(re.findall(r'<span class="([a-z0-9]+)"', html))
    light, dark = code_css().split("@media (prefers-color-scheme: dark)")
    for token in tokens:
        assert f".s-prose pre .{token} {{" in light, token
        assert f".s-prose pre .{token} {{" in dark, token


def _graph_points(graph) -> list[tuple[float, float]]:
    return [tuple(map(float, point.split(","))) for point in graph.points.split()]


def test_reputation_graph_of_a_single_day_spans_the_box():
    """All events on one day: the line rises across the whole width from the starting 1 to the
    day's total, instead of collapsing onto the box's left edge."""
    from datetime import date

    from quaestio.reputation.selectors import GRAPH_HEIGHT, GRAPH_WIDTH, reputation_graph

    graph = reputation_graph([{"day": date(2024, 5, 1), "total": 25}])
    points = _graph_points(graph)
    assert points[0] == (0.0, GRAPH_HEIGHT) and points[-1] == (GRAPH_WIDTH, 0.0)
    assert (graph.low, graph.high) == (1, 26)


def test_reputation_graph_of_ten_years_keeps_dates_in_proportion():
    """Ten years of daily events: x grows with the date across the full width, and y follows the
    running total between its lowest and highest values."""
    from datetime import date, timedelta

    from quaestio.reputation.selectors import GRAPH_HEIGHT, GRAPH_WIDTH, reputation_graph

    start = date(2014, 1, 1)
    daily = [{"day": start + timedelta(days=7 * week), "total": 10} for week in range(522)]
    graph = reputation_graph(daily)
    points = _graph_points(graph)
    xs = [x for x, _y in points]
    assert xs == sorted(xs) and xs[0] == 0 and xs[-1] == GRAPH_WIDTH
    assert points[0][1] == GRAPH_HEIGHT and points[-1][1] == 0
    assert (graph.low, graph.high) == (1, 1 + 5220)
    assert graph.first_day == start and graph.last_day == daily[-1]["day"]
