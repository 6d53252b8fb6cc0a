"""The pages around the question page: lists, tags, profiles, revisions, short links."""

from __future__ import annotations

from lxml import html as lxml_html


def _tree(response):
    return lxml_html.fromstring(response.content.decode())


def test_home_lists_questions_with_score_answers_views_tags_and_activity(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    tree = _tree(response)
    summary = tree.cssselect("#question-summary-38738")[0]
    stats = " ".join(summary.cssselect(".stats")[0].text_content().split())
    assert "29 votes" in stats and "7 answers" in stats and "12.4k views" in stats
    assert [t.text_content() for t in summary.cssselect(".tag")] == [
        "soviet-union",
        "joseph-stalin",
        "leon-trotsky",
        "assassination",
    ]
    assert summary.cssselect(".summary-meta time")


def test_home_sort_tabs_order_questions(client, demo):
    """ "Newest" lists by creation date, "Score" by score."""
    newest = [e.get("id") for e in _tree(client.get("/?tab=newest")).cssselect(".question-summary")]
    assert newest[0] == "question-summary-70040"
    by_score = _tree(client.get("/?tab=score")).cssselect(".question-summary .stats .stat-number")
    scores = [int(by_score[i].text_content()) for i in range(0, len(by_score), 3)]
    assert scores == sorted(scores, reverse=True)


def test_unanswered_tab_lists_only_questions_without_answers(client, demo):
    ids = {
        e.get("id") for e in _tree(client.get("/?tab=unanswered")).cssselect(".question-summary")
    }
    assert ids == {"question-summary-70020", "question-summary-70040"}


def test_tag_page_lists_the_questions_carrying_the_tag(client, demo):
    for url in ("/tags/leon-trotsky", "/questions/tagged/leon-trotsky"):
        tree = _tree(client.get(url))
        ids = {e.get("id") for e in tree.cssselect(".question-summary")}
        assert ids == {"question-summary-38738", "question-summary-70010", "question-summary-70020"}
    assert client.get("/tags/no-such-tag").status_code == 404


def test_tags_page_shows_counts(client, demo):
    tree = _tree(client.get("/tags"))
    rows = {
        li.cssselect(".tag")[0].text_content(): li.cssselect(".tag-count")[0].text_content()
        for li in tree.cssselect(".tag-grid li")
    }
    assert rows["leon-trotsky"] == "× 3" and rows["soviet-union"] == "× 3"


def test_profile_shows_card_reputation_badges_by_class_and_posts(client, demo):
    response = client.get("/users/5/tom-au")
    tree = _tree(response)
    assert tree.cssselect("h1")[0].text_content().strip() == "Tom Au"
    assert "104,554" in tree.cssselect(".profile-stats")[0].text_content()
    headings = [" ".join(h.text_content().split()) for h in tree.cssselect(".badge-column h3")]
    assert headings == ["17 gold badges", "253 silver badges", "530 bronze badges"]
    answers = [a.text_content() for a in tree.cssselect(".profile-posts a")]
    assert "Why did Stalin have Trotsky killed?" in answers


def test_profile_url_without_or_with_wrong_slug_redirects_to_the_canonical_one(client, demo):
    for url in ("/users/5", "/users/5/wrong"):
        response = client.get(url)
        assert response.status_code == 301 and response["Location"] == "/users/5/tom-au"
    assert client.get("/users/424242").status_code == 404


def test_question_url_with_wrong_slug_redirects_and_short_links_resolve(client, demo):
    canonical = "/questions/38738/why-did-stalin-have-trotsky-killed"
    assert client.get("/questions/38738/wrong-slug")["Location"] == canonical
    assert client.get("/questions/38738")["Location"] == canonical
    assert client.get("/q/38738")["Location"] == canonical
    assert client.get("/q/38738/2")["Location"] == canonical
    assert client.get("/a/38745")["Location"] == canonical + "#answer-38745"
    assert client.get("/questions/38745/x")["Location"] == "/a/38745"
    assert client.get("/questions/99999999/x").status_code == 404


def test_revisions_page_shows_each_revision_with_inline_and_side_by_side_diffs(client, demo):
    inline = _tree(client.get("/posts/38738/revisions"))
    numbers = [n.text_content() for n in inline.cssselect(".revision-number")]
    assert numbers == ["3", "2", "1"]
    second = inline.cssselect("#revision-2")[0]
    # "an ice pick" became "a mountaineering ice axe": the diff is word by word.
    assert [d.text_content() for d in second.cssselect("del.diff-del")] == ["an", "pick"]
    assert [i.text_content() for i in second.cssselect("ins.diff-ins")] == [
        "a mountaineering",
        "axe",
    ]
    assert "added tag" in inline.cssselect("#revision-3 .revision-comment")[0].text_content()
    assert "assassination" in inline.cssselect("#revision-3 .diff-tags ins")[0].text_content()
    side = _tree(client.get("/posts/38738/revisions?view=side-by-side"))
    assert side.cssselect("#revision-2 .diff-old del") and side.cssselect(
        "#revision-2 .diff-new ins"
    )


def test_revision_diffs_escape_the_markdown_they_show(client, demo):
    """A revision containing HTML is shown as text in the diff, never as markup."""
    from quaestio.posts.models import PostHistory

    PostHistory.objects.create(
        post_id=38739,
        post_history_type=5,
        revision_guid="00000000-0000-0000-0000-000000000001",
        text="<script>alert(1)</script> Trotsky",
        user_id=1,
    )
    body = client.get("/posts/38739/revisions").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_identicons_are_served_here_and_cached(client, db):
    response = client.get("/avatar/1.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"]
    assert client.get("/avatar/1.svg").content == response.content
    assert client.get("/avatar/2.svg").content != response.content


def test_profile_of_an_imported_user_credits_origin_and_licence(client, demo):
    tree = _tree(client.get("/users/5/tom-au"))
    assert tree.cssselect("title")[0].text_content() == "User Tom Au - Quaestio History"
    note = tree.cssselect(".attribution")[0].text_content()
    assert "History Stack Exchange" in note and "CC BY-SA" in note


def test_tag_with_reserved_characters_links_percent_encoded(client, ask):
    """A question tagged c# links to /questions/tagged/c%23 from the list, and that page lists it
    (a raw "#" would end the path and open /questions/tagged/c)."""
    question = ask(title="How do delegates work in C sharp?", tags="c# c++")
    tree = _tree(client.get("/questions?tab=newest"))
    summary = tree.cssselect(f"#question-summary-{question.id}")[0]
    hrefs = {a.text_content(): a.get("href") for a in summary.cssselect(".tag")}
    assert hrefs == {"c#": "/questions/tagged/c%23", "c++": "/questions/tagged/c%2B%2B"}
    for href in hrefs.values():
        tagged = client.get(href)
        assert tagged.status_code == 200
        ids = [e.get("id") for e in _tree(tagged).cssselect(".question-summary")]
        assert ids == [f"question-summary-{question.id}"]
    tags_page = _tree(client.get("/tags"))
    assert "/questions/tagged/c%23" in [a.get("href") for a in tags_page.cssselect(".tag")]


def test_pages_under_a_script_prefix_link_under_it(client, ask):
    """Deployed under a sub-path, the lists' links carry it, even after pages were rendered
    (and their links remembered) at the root in the same process."""
    from django.test.utils import override_script_prefix

    question = ask(title="Where did the Vikings winter in Normandy?", tags="vikings")
    client.get("/questions?tab=newest")
    with override_script_prefix("/qa/"):
        tree = _tree(client.get("/questions?tab=newest"))
    summary = tree.cssselect(f"#question-summary-{question.id}")[0]
    assert summary.cssselect("h3 a")[0].get("href") == (
        f"/qa/questions/{question.id}/where-did-the-vikings-winter-in-normandy"
    )
    assert summary.cssselect(".tag")[0].get("href") == "/qa/questions/tagged/vikings"
    assert summary.cssselect(".user-name")[0].get("href").startswith("/qa/users/")
    assert tree.cssselect("a.logo")[0].get("href") == "/qa/"


def test_closed_and_duplicate_questions_are_marked_in_lists(client, ask):
    """The list appends the suffix the domain's title_suffix gives: [duplicate] or [closed]."""
    from django.utils import timezone

    from quaestio.posts.models import CloseReason, Post

    duplicate = ask(title="Why did Rome fall in the fifth century?")
    closed = ask(title="Which emperor was the best one of all?")
    now = timezone.now()
    Post.objects.filter(id=duplicate.id).update(closed_date=now, close_reason=CloseReason.DUPLICATE)
    Post.objects.filter(id=closed.id).update(closed_date=now, close_reason=CloseReason.OFF_TOPIC)
    tree = _tree(client.get("/questions?tab=newest"))
    titles = {
        e.get("id"): e.cssselect("h3 a")[0].text_content()
        for e in tree.cssselect(".question-summary")
    }
    assert titles[f"question-summary-{duplicate.id}"] == (
        "Why did Rome fall in the fifth century? [duplicate]"
    )
    assert (
        titles[f"question-summary-{closed.id}"] == "Which emperor was the best one of all? [closed]"
    )


def test_profile_reputation_tag_and_badge_pages_name_their_canonical_url(client, demo):
    """Pages with one address say so in <link rel=canonical>, absolute, from core.links."""
    pages = {
        "/users/5/tom-au": "http://testserver/users/5/tom-au",
        "/questions/tagged/leon-trotsky": "http://testserver/questions/tagged/leon-trotsky",
        "/tags/leon-trotsky": "http://testserver/questions/tagged/leon-trotsky",
    }
    for url, canonical in pages.items():
        links = _tree(client.get(url)).cssselect('link[rel="canonical"]')
        assert [link.get("href") for link in links] == [canonical], url


def test_bounty_end_reads_as_future_on_featured_and_bounty_pages(client, ask, make_user):
    """A bounty started now ends "in 7 days", on /questions/featured and on its bounty page."""
    from datetime import timedelta

    from django.utils import timezone

    from quaestio.posts.models import Post
    from quaestio.votes.services import bounty_offer

    question = ask(title="How were Roman roads surveyed so straight?")
    old = timezone.now() - timedelta(days=3)
    Post.objects.filter(id=question.id).update(creation_date=old, last_activity_date=old)
    bounty_offer(make_user(reputation=500), question.id, 50, "attention")
    featured = _tree(client.get("/questions/featured"))
    assert [t.text_content() for t in featured.cssselect(".featured .ends time")] == ["in 7 days"]
    page = _tree(client.get(f"/posts/{question.id}/bounty"))
    assert [t.text_content() for t in page.cssselect(".notice.bounty time")] == ["in 7 days"]
