"""The seed question page, served from the demo community, shows every fact of the seed thread."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from tests.web.seed import load_seed

QUESTION_URL = "/questions/38738/why-did-stalin-have-trotsky-killed"


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _opening(paragraph: str, words: int = 8) -> str:
    return " ".join(paragraph.split()[:words])


@pytest.fixture
def page(client, demo):
    response = client.get(QUESTION_URL)
    assert response.status_code == 200
    return response, lxml_html.fromstring(response.content.decode())


@pytest.fixture
def full_page(client, demo):
    """The page with every comment, as "Show N more comments" leads to it."""
    response = client.get(QUESTION_URL + "?comments=all")
    assert response.status_code == 200
    return response, lxml_html.fromstring(response.content.decode())


def _cards(article):
    cards = []
    for card in article.cssselect(".signatures .user-card"):
        name = card.cssselect(".user-name")
        if not name or "deleted-user" in name[0].get("class"):
            continue  # the seed prints no card for a deleted owner
        reputation = card.cssselect(".reputation")[0].get("title").removeprefix("reputation score ")
        badges = [int(b.text_content().replace(",", "")) for b in card.cssselect(".badge-number")]
        cards.append((_text(name[0]), int(reputation.replace(",", "")), badges))
    return cards


def _comments(article):
    rows = []
    for comment in article.cssselect(".comment"):
        score = _text(comment.cssselect(".comment-score")[0])
        author = comment.cssselect(".user-name")[0]
        rows.append(
            (
                int(score) if score else 0,
                _text(comment.cssselect(".comment-text")[0]),
                "" if "deleted-user" in author.get("class") else _text(author),
                _text(comment.cssselect(".comment-date")[0]),
            )
        )
    return rows


def test_seed_page_shows_every_fact_of_the_seed_in_reading_order(full_page):
    """Each post's score and opening words, each user card's name, reputation and badge counts,
    each comment's score, opening words, author and date, in the seed's order; the answers header
    (with every comment: ?comments=all)."""
    _response, tree = full_page
    seed_posts, header = load_seed()
    articles = tree.cssselect("article.question, article.answer")
    assert len(articles) == len(seed_posts)
    assert _text(tree.cssselect("#answers-header")[0]) == header
    for seed, article in zip(seed_posts, articles, strict=True):
        assert int(_text(article.cssselect(".vote-count")[0])) == seed.score
        body = _text(article.cssselect(".post-body")[0])
        assert body.startswith(_opening(seed.paragraphs[0])), (body[:80], seed.paragraphs[0][:80])
        for paragraph in seed.paragraphs[1:]:
            assert _opening(paragraph.lstrip("0123456789. "), 5) in body
        assert _cards(article) == [(c.name, c.reputation, c.badges) for c in seed.cards]
        comments = _comments(article)
        assert len(comments) == len(seed.comments)
        for (score, text, author, date), expected in zip(comments, seed.comments, strict=True):
            assert score == expected.score
            assert text.startswith(_opening(expected.text, 6)), (text[:60], expected.text[:60])
            assert author == expected.author
            assert date == expected.date


def test_answers_are_ordered_by_score_with_ties_oldest_first(page):
    """Highest score first; the three answers scored 6 keep their creation order."""
    _response, tree = page
    answers = tree.cssselect("article.answer")
    scores = [int(a.get("data-score")) for a in answers]
    assert scores == sorted(scores, reverse=True)
    dates = [
        a.cssselect(".signatures .user-card:last-child time")[0].get("datetime") for a in answers
    ]
    tied = [d for s, d in zip(scores, dates, strict=True) if s == 6]
    assert tied == sorted(tied)


def test_answers_can_be_sorted_by_creation_date(client, demo):
    """The "Date created (oldest first)" choice reorders the answers."""
    tree = lxml_html.fromstring(client.get(QUESTION_URL + "?answertab=created").content.decode())
    dates = [
        a.cssselect(".signatures .user-card:last-child time")[0].get("datetime")
        for a in tree.cssselect("article.answer")
    ]
    assert dates == sorted(dates)
    assert tree.cssselect("#answer-sort option[selected]")[0].get("value") == "created"


def test_beyond_five_comments_only_the_top_five_are_in_the_page(page, full_page):
    """Of o.m.'s nine comments the page holds the five highest-voted, in time order, and a
    "Show 4 more comments" link to the page with every comment, which holds all nine."""
    _response, tree = page
    om_answer = tree.cssselect("#answer-38741")[0]
    shown = _comments(om_answer)
    _response, full_tree = full_page
    every = _comments(full_tree.cssselect("#answer-38741")[0])
    assert len(every) == 9 and len(shown) == 5
    ranked = sorted(range(9), key=lambda i: (-every[i][0], i))[:5]
    assert shown == [every[i] for i in sorted(ranked)]
    link = om_answer.cssselect(".show-comments")[0]
    assert _text(link) == "Show 4 more comments"
    assert link.get("href") == "?answertab=score&page=1&comments=all#comments-38741"
    assert not full_tree.cssselect("#answer-38741 .show-comments")


def test_magic_links_and_mentions_are_rendered_in_comments(page):
    """`[edit]` becomes a link to the post's edit page; @names are marked as mentions."""
    _response, tree = page
    community_comment = tree.cssselect("#answer-84620 .comment")[0]
    edit_link = community_comment.cssselect("a.magic-link")[0]
    assert edit_link.text_content() == "edit" and edit_link.get("href") == "/posts/84620/edit"
    mentions = [_text(m) for m in tree.cssselect(".comment .mention")]
    assert "@sds" in mentions and "@o.m." in mentions


def test_user_cards_abbreviate_reputation_with_the_exact_figure_in_the_title(page):
    _response, tree = page
    card = tree.cssselect("article.answer .reputation")[0]
    assert card.text_content() in {"97.5k", "27k"}
    assert card.get("title").startswith("reputation score ")


def test_deleted_users_are_shown_as_such_without_a_profile_link(page):
    """The -2 answer's owner and several commenters were deleted: no link, no card."""
    _response, tree = page
    deleted = tree.cssselect(".deleted-user")
    assert deleted and all(d.tag == "span" for d in deleted)
    assert not tree.cssselect("#answer-84620 .signatures .user-card .user-stats")


def test_page_carries_qapage_json_ld(page):
    """schema.org QAPage: question name, text, votes, answer count, date, author, answers."""
    _response, tree = page
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    question = data["mainEntity"]
    assert data["@type"] == "QAPage" and question["@type"] == "Question"
    assert question["name"] == "Why did Stalin have Trotsky killed?"
    assert question["upvoteCount"] == 29 and question["answerCount"] == 7
    assert question["author"]["name"] == "0tyranny0poverty"
    assert question["text"].startswith("Leon Trotsky was killed")
    answers = question.get("suggestedAnswer", []) + (
        [question["acceptedAnswer"]] if "acceptedAnswer" in question else []
    )
    assert sorted(a["upvoteCount"] for a in answers) == [-2, 0, 4, 6, 6, 6, 43]
    assert all(a["author"]["name"] and a["dateCreated"] for a in answers)


def test_accepted_answer_appears_in_json_ld_and_is_marked(client, demo):
    """A question with an accepted answer marks it on the page and in acceptedAnswer."""
    response = client.get("/questions/70001/x", follow=True)
    tree = lxml_html.fromstring(response.content.decode())
    assert tree.cssselect("#answer-70002.accepted-answer .accepted")
    data = json.loads(tree.cssselect('script[type="application/ld+json"]')[0].text)
    assert data["mainEntity"]["acceptedAnswer"]["url"].endswith("#answer-70002")


def test_page_credits_stack_exchange_authors_and_licence(page):
    _response, tree = page
    attribution = _text(tree.cssselect(".attribution")[0])
    assert "History Stack Exchange" in attribution and "CC BY-SA" in attribution
    assert "0tyranny0poverty" in attribution and "d.k" in attribution
    assert [_text(a) for a in tree.cssselect("#question .licence")] == ["CC BY-SA 3.0"]


def test_server_timing_when_turned_on_for_everyone(client, demo, settings):
    """With QUAESTIO_SERVER_TIMING=all (the benchmarks) every response carries the timings."""
    settings.QUAESTIO_SERVER_TIMING = "all"
    timing = client.get(QUESTION_URL)["Server-Timing"]
    assert (
        "db;dur=" in timing
        and "queries" in timing
        and "tpl;dur=" in timing
        and "total;dur=" in timing
    )


def test_views_count_once_per_visitor_per_window(client, demo):
    """Reloads by the same visitor do not inflate the view count (spec §10.3)."""
    from quaestio.posts.models import Post

    before = Post.objects.get(id=38738).view_count
    client.get(QUESTION_URL)
    client.get(QUESTION_URL)
    assert Post.objects.get(id=38738).view_count == before + 1


def test_signatures_show_editor_owner_edits_and_community_wiki(client, ask, make_user):
    """Another editor gets a card beside "edited"; an owner's own edit shows only "edited" and
    the date; a community wiki post names no owner, only how many people wrote it."""
    from django.utils import timezone

    from quaestio.posts.models import Post

    question = ask()
    editor = make_user(reputation=5000, name="Some Editor")
    Post.objects.filter(id=question.id).update(
        last_editor_id=editor.id, last_edit_date=timezone.now()
    )
    tree = lxml_html.fromstring(client.get(f"/questions/{question.id}/x", follow=True).content)
    edited = tree.cssselect("#question .signatures .user-card")[0]
    assert _text(edited.cssselect(".user-action")[0]).startswith("edited")
    assert _text(edited.cssselect(".user-name")[0]) == "Some Editor"

    Post.objects.filter(id=question.id).update(
        last_editor_id=question.owner_id, community_owned_date=timezone.now()
    )
    tree = lxml_html.fromstring(client.get(f"/questions/{question.id}/x", follow=True).content)
    cards = tree.cssselect("#question .signatures .user-card")
    assert "edited-only" in cards[0].get("class") and not cards[0].cssselect(".user-name")
    assert [_text(card.cssselect(".user-action")[0]) for card in cards[1:]] == ["Community wiki"]
    assert _text(cards[1].cssselect(".cw-editors")[0]) == "1 user"  # the asker wrote it all


def test_structured_data_cannot_close_its_script_element(client, ask):
    """A title or body holding </script> stays inside the JSON-LD: "<" is written as \\u003c,
    and the document still parses to the text the post shows."""
    title = "Why </script><script>alert(1)</script> here?"
    question = ask(title=title, body="Plain words, then &lt;/script&gt; as text, long enough.")
    html = client.get(f"/questions/{question.id}/x", follow=True).content.decode()
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script
    entity = json.loads(script)["mainEntity"]
    assert entity["name"] == title
    assert "</script> as text" in entity["text"]


def test_non_ascii_text_reaches_the_reader_intact(client, ask, make_user):
    """The page is encoded piece by piece and its JSON-LD written with \\u escapes: accents,
    typographic marks and characters beyond the BMP come through unchanged, in the HTML and in
    the structured data, and the response is valid UTF-8."""
    from quaestio.comments.services import comment_add

    title = "Coyoacán — why did “Ramón” use an ice axe 🪓 in 1940?"
    body = "Señor Mercader’s trial in México: ½ the evidence… and ünïcödé, ok."
    question = ask(title=title, body=body)
    commenter = make_user(reputation=100, name="Zoë Ørsted")
    comment_add(commenter, question.id, "Trotsky’s “last” article — Коба 🪓, cited.")
    response = client.get(f"/questions/{question.id}/x", follow=True)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode("utf-8")  # raises if any piece was mis-encoded
    tree = lxml_html.fromstring(html)
    assert _text(tree.cssselect("h1.question-title")[0]) == title
    assert body in _text(tree.cssselect("#question .post-body")[0])
    comment = tree.cssselect("#question .comment")[0]
    assert (
        _text(comment.cssselect(".comment-text")[0]) == "Trotsky’s “last” article — Коба 🪓, cited."
    )
    assert _text(comment.cssselect(".user-name")[0]) == "Zoë Ørsted"
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert script.isascii()
    entity = json.loads(script)["mainEntity"]
    assert entity["name"] == title and body in entity["text"]


def test_names_titles_and_comments_are_escaped_in_the_thread(client, ask, make_user):
    """The thread is written in Python, not by autoescaping templates: a title, a display name
    and a comment holding markup reach the reader as text, and no element they spell exists."""
    from django.utils import timezone

    from quaestio.comments.services import comment_add
    from quaestio.posts.models import Post

    hostile = "<img src=x onerror=\"alert(1)\"> & 'q'"  # fits a display name (40)
    asker = make_user(reputation=1000, name=f"A {hostile}")
    editor = make_user(reputation=5000, name=f"E {hostile}")
    commenter = make_user(reputation=100, name=f"C {hostile}")
    question = ask(user=asker, title=f"Why {hostile} here?")
    Post.objects.filter(id=question.id).update(
        last_editor_id=editor.id, last_edit_date=timezone.now()
    )
    comment_add(commenter, question.id, f"A comment quoting {hostile} as text.")

    html = client.get(f"/questions/{question.id}/x", follow=True).content.decode()
    tree = lxml_html.fromstring(html)
    assert not tree.cssselect("img[onerror]")
    assert _text(tree.cssselect("h1.question-title")[0]) == f"Why {hostile} here?"
    names = [_text(name) for name in tree.cssselect("#question .user-name")]
    assert names == [f"E {hostile}", f"A {hostile}", f"C {hostile}"]
    assert f"quoting {hostile} as text" in _text(tree.cssselect("#question .comment-text")[0])


def test_protected_question_says_who_may_answer(client, ask, settings):
    """A protected question tells readers the reputation answering it takes (spec §7.4), from
    the site's privilege set; an unprotected one says nothing of it."""
    from django.utils import timezone

    from quaestio.posts.models import Post
    from quaestio.reputation.privileges import threshold

    question = ask()
    url = f"/questions/{question.id}/x"
    assert not lxml_html.fromstring(client.get(url, follow=True).content).cssselect(".protected")
    Post.objects.filter(id=question.id).update(protected_date=timezone.now())
    for privilege_set in ("full", "beta"):
        settings.QUAESTIO_PRIVILEGE_SET = privilege_set
        tree = lxml_html.fromstring(client.get(url, follow=True).content.decode())
        notice = _text(tree.cssselect(".notice.protected")[0])
        needed = threshold("remove_new_user_restrictions")
        # moderation.protection's notice: the association bonus does not count.
        assert f"Earn {needed:,} reputation (not counting the association bonus)" in notice
        assert "in order to answer this question" in notice


def test_bounded_cache_keeps_at_most_its_bytes_and_evicts_the_oldest():
    """The per-process caches of rendered text hold at most their budget in bytes: the least
    recently used go first, and a value over a tenth of the budget is not kept at all."""
    from quaestio.core.bounded_cache import BoundedCache

    cache = BoundedCache(1000, len)
    for key in range(20):
        cache.put(key, "x" * 90)
    assert cache.nbytes <= 1000 and len(cache) == 11
    assert cache.get(0) is None and cache.get(19) == "x" * 90
    cache.get(9)  # used: kept over the older 10
    cache.put("new", "y" * 90)
    assert cache.get(9) is not None and cache.get(10) is None
    cache.put("huge", "z" * 101)
    assert cache.get("huge") is None and cache.nbytes <= 1000


def test_escape_html_matches_autoescaping():
    """The thread's escaping is the one Jinja's autoescaping applies (markupsafe)."""
    from markupsafe import escape

    from quaestio.web.text import escape_html

    text = "<script>alert('x')</script> & \"q\" > é"
    assert escape_html(text) == str(escape(text))
