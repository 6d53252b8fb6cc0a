"""The tag pages: /tags sorted and filtered, watching and ignoring from the tag page and the
settings page, watched and ignored questions marked in lists, the Watched tags tab, the tag
wiki pages and the excerpts used as hover text."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quaestio.tags.models import Tag, TagDisplaySetting, TagPreference
from quaestio.tags.wiki import tag_wiki_edit


@pytest.fixture
def questions(ask, make_user):
    asker = make_user(reputation=1000)
    return {
        "rome": ask(asker, title="How did Roman legions cross rivers?", tags="rome"),
        "greece": ask(asker, title="Why did Sparta never build walls?", tags="greece"),
        "egypt": ask(asker, title="Who built the first pyramid at Saqqara?", tags="egypt"),
    }


def _summary_classes(html: str) -> dict[int, str]:
    return {
        int(m.group(2)): m.group(1)
        for m in re.finditer(
            r'<li class="(question-summary[^"]*)" id="question-summary-(\d+)"', html
        )
    }


def test_tags_page_sorts_by_popular_name_and_new_and_filters_by_prefix(db, client):
    """Popular puts the most used first, name is alphabetical, new the latest created; the
    filter box keeps the names starting with what was typed."""
    Tag.objects.create(name="medieval", count=5)
    Tag.objects.create(name="ancient", count=50)
    Tag.objects.create(name="modern", count=1)

    def names(query: str) -> list[str]:
        html = client.get(f"/tags?{query}").content.decode()
        return re.findall(r'rel="tag">([^<]+)</a>', html)

    assert names("tab=popular") == ["ancient", "medieval", "modern"]
    assert names("tab=name") == ["ancient", "medieval", "modern"]
    assert names("tab=new") == ["modern", "ancient", "medieval"]
    assert names("tab=name&filter=m") == ["medieval", "modern"]
    assert names("tab=name&filter=MO") == ["modern"]
    assert "No tags match" in client.get("/tags?filter=zzz").content.decode()


def test_watch_and_ignore_from_the_tag_page_with_csrf(questions, make_user):
    """The tag page's buttons are plain CSRF-checked forms: without the token nothing changes;
    with it the tag is watched, then ignored, then neither."""
    user = make_user()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get("/questions/tagged/rome").content.decode()
    assert "Watch tag" in page
    assert browser.post("/tags/rome/preference", {"kind": "watched"}).status_code == 403
    assert not TagPreference.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for kind in ("watched", "ignored"):
        response = browser.post(
            "/tags/rome/preference", {"kind": kind, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
        assert TagPreference.objects.get(user=user).kind == kind
    browser.post("/tags/rome/preference", {"kind": "", "csrfmiddlewaretoken": token})
    assert not TagPreference.objects.exists()


def test_settings_page_adds_removes_and_chooses_hiding(questions, make_user, client):
    """/users/tag-preferences adds watched and ignored tags, refuses unknown ones with a
    message (a list naming one changes nothing), and saves the hide setting."""
    user = make_user()
    client.force_login(user)
    assert (
        client.post(
            "/users/tag-preferences", {"kind": "watched", "tags": "rome greece"}
        ).status_code
        == 302
    )
    assert (
        client.post("/users/tag-preferences", {"kind": "ignored", "tags": "egypt"}).status_code
        == 302
    )
    kinds = dict(TagPreference.objects.filter(user=user).values_list("tag__name", "kind"))
    assert kinds == {"rome": "watched", "greece": "watched", "egypt": "ignored"}
    refused = client.post("/users/tag-preferences", {"kind": "watched", "tags": "atlantis"})
    assert refused.status_code == 404 and "No tag with that name" in refused.content.decode()
    mixed = client.post("/users/tag-preferences", {"kind": "ignored", "tags": "rome atlantis"})
    assert mixed.status_code == 404
    assert TagPreference.objects.get(user=user, tag__name="rome").kind == "watched"
    client.post("/users/tag-preferences", {"kind": "", "tags": "greece"})
    client.post("/users/tag-preferences", {"hide_ignored": "1"})
    assert TagDisplaySetting.objects.get(user=user).hide_ignored
    page = client.get("/users/tag-preferences").content.decode()
    assert "rome" in page and "greece" not in page.split("Ignored tags")[0].split("Watched tags")[1]


def test_lists_mark_watched_and_grey_or_hide_ignored(questions, make_user, client):
    """On /questions a watched question is marked, an ignored one greyed, and hidden once the
    user chooses hiding; other viewers see no marks."""
    user = make_user()
    rome, greece, egypt = (Tag.objects.get(name=n) for n in ("rome", "greece", "egypt"))
    TagPreference.objects.create(user=user, tag=rome, kind="watched")
    TagPreference.objects.create(user=user, tag=egypt, kind="ignored")
    client.force_login(user)
    classes = _summary_classes(client.get("/questions").content.decode())
    assert classes[questions["rome"].id] == "question-summary tag-watched"
    assert classes[questions["egypt"].id] == "question-summary tag-ignored"
    assert classes[questions["greece"].id] == "question-summary"
    TagDisplaySetting.objects.create(user=user, hide_ignored=True)
    classes = _summary_classes(client.get("/questions").content.decode())
    assert questions["egypt"].id not in classes and questions["rome"].id in classes
    anonymous = _summary_classes(Client().get("/questions").content.decode())
    assert set(anonymous.values()) == {"question-summary"}


def test_marks_cost_one_query_per_page_whatever_its_length(questions, make_user, client, ask):
    """The viewer's preferences are read once per list page: a page of 3 and one of 9
    questions cost the same number of queries."""
    user = make_user()
    TagPreference.objects.create(user=user, tag=Tag.objects.get(name="rome"), kind="watched")
    client.force_login(user)
    client.get("/questions")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/questions").status_code == 200
        return len(captured)

    small = count()
    asker = make_user(reputation=1000)
    for n in range(6):
        ask(asker, title=f"Question number {n} about the legions", tags="rome greece")
    assert count() == small


def test_watched_tab_lists_only_questions_in_watched_tags(questions, make_user, client):
    """?tab=watched gathers the questions in the viewer's watched tags, newest first."""
    user = make_user()
    for name in ("rome", "egypt"):
        TagPreference.objects.create(user=user, tag=Tag.objects.get(name=name), kind="watched")
    client.force_login(user)
    html = client.get("/questions?tab=watched").content.decode()
    assert list(_summary_classes(html)) == [questions["egypt"].id, questions["rome"].id]
    assert 'aria-current="page" class="current">Watched tags' in html


def test_info_page_shows_wiki_and_excerpts_endpoint_gives_hover_text(questions, make_user, client):
    """The info page shows the excerpt and wiki with their history links; the excerpts
    endpoint answers the excerpt's text for the tags it is asked about."""
    tag_wiki_edit(
        make_user(is_moderator=True),
        "rome",
        excerpt="Ancient *Rome* and its empire.",
        wiki="The long wiki about Rome.",
    )
    html = client.get("/tags/rome/info").content.decode()
    assert "Ancient <em>Rome</em>" in html and "The long wiki about Rome." in html
    assert "/tags/rome/revisions?part=wiki" in html
    tagged = client.get("/questions/tagged/rome").content.decode()
    assert "tag-excerpt" in tagged
    response = client.get("/tags/excerpts.json?names=rome,greece,atlantis")
    assert response.json() == {"rome": "Ancient Rome and its empire."}
    assert "max-age=300" in response["Cache-Control"]


def test_wiki_edit_page_suggests_for_new_users(questions, make_user, client):
    """A new user's edit form says the edit will be reviewed and leaves the wiki unchanged."""
    client.force_login(make_user())
    response = client.post(
        "/tags/rome/edit", {"excerpt": "Rome, the city and its empire.", "wiki": ""}
    )
    assert response.status_code == 200
    assert "waits for review" in response.content.decode()
    assert Tag.objects.get(name="rome").excerpt_post.body == ""


def test_synonym_page_refuses_without_privilege(questions, make_user, client):
    """A proposal from a user without the privilege shows the reason and writes nothing."""
    client.force_login(make_user(reputation=100))
    response = client.post("/tags/rome/synonyms", {"source": "roma"})
    assert response.status_code == 403
    assert "reputation" in response.content.decode()


def test_an_ignored_tags_own_page_shows_its_questions_greyed(questions, make_user, client):
    """With hiding chosen, the ignored tag's own page still lists its questions, greyed."""
    user = make_user()
    TagPreference.objects.create(user=user, tag=Tag.objects.get(name="egypt"), kind="ignored")
    TagDisplaySetting.objects.create(user=user, hide_ignored=True)
    client.force_login(user)
    classes = _summary_classes(client.get("/questions/tagged/egypt").content.decode())
    assert classes == {questions["egypt"].id: "question-summary tag-ignored"}
