"""`quaestio import-api` against a second Quaestio server holding the seed thread: the copy
shows the seed page's facts, and an interrupted import resumes to the same result."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime
from importlib import resources

import pytest

from quaestio.accounts.models import User
from quaestio.badges.models import Badge
from quaestio.comments.models import Comment
from quaestio.core import links
from quaestio.dumps.api_import import Unfinished, import_api
from quaestio.dumps.models import DumpImport
from quaestio.posts.models import Post, PostHistory
from quaestio.votes.models import Vote
from tests.cluster.servers import get_json, quaestio

pytestmark = pytest.mark.django_db

SEED = json.loads(
    resources.files("quaestio.demo").joinpath("history_38738.json").read_text(encoding="utf-8")
)


def seed_date(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def source_totals(url: str) -> dict:
    status, payload = get_json(f"{url}/info?site=history")
    assert status == 200
    return payload["items"][0]


def assert_whole_copy(url: str) -> None:
    """Every question, answer and comment of the source, once each; users with their scores."""
    totals = source_totals(url)
    assert Post.objects.filter(post_type=1).count() == totals["total_questions"]
    assert Post.objects.filter(post_type=2).count() == totals["total_answers"]
    assert Comment.objects.count() == totals["total_comments"]
    assert User.objects.count() == totals["total_users"] + 1  # and Community, which /users omits
    assert Vote.objects.count() == totals["total_votes"] + 1  # and the accept the API shows
    assert Badge.objects.count() == totals["total_badges"]


def assert_seed_facts(client) -> None:
    question = Post.objects.get(id=38738)
    seed = SEED["question"]
    assert question.title == seed["title"]
    assert question.score == seed["score"]
    assert question.creation_date == seed_date(seed["created"])
    assert question.owner_id == seed["owner"]
    assert question.tags == "".join(f"<{t}>" for t in seed["tags"])
    # The Markdown of the latest revision (the edit "ice pick → ice axe"), so it can be edited.
    assert "mountaineering ice axe" in question.body_markdown
    assert PostHistory.objects.filter(post_id=38738).count() >= len(seed["revisions"])
    answers = {a.id: a for a in Post.objects.filter(parent_id=38738)}
    assert {i: a.score for i, a in answers.items()} == {
        a["id"]: a["score"] for a in SEED["answers"]
    }
    for answer in SEED["answers"]:
        assert answers[answer["id"]].creation_date == seed_date(answer["created"])
        assert answers[answer["id"]].owner_id == answer["owner"]
    comments = {c.id: c for c in Comment.objects.filter(post__in=[38738, *answers])}
    assert set(comments) == {c["id"] for c in SEED["comments"]}
    for comment in SEED["comments"]:
        copy = comments[comment["id"]]
        assert (copy.score, copy.user_id, copy.text) == (
            comment["score"],
            comment["user"],
            comment["text"],
        )
        assert copy.creation_date == seed_date(comment["date"])
    people = {u.id: u for u in User.objects.filter(id__in=[u["id"] for u in SEED["users"]])}
    for person in SEED["users"]:
        assert (people[person["id"]].display_name, people[person["id"]].reputation) == (
            person["name"],
            person["rep"],
        )
    # The demo's own question 70001 has an accepted answer.
    assert Post.objects.get(id=70001).accepted_answer_id == 70002
    assert Vote.objects.filter(post_id=70002, vote_type=1).count() == 1
    # The page shows it: title, names, the accepted answer.
    page = client.get(links.question_url(38738, seed["title"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Why did Stalin have Trotsky killed?" in html
    for name in ("0tyranny0poverty", "sds", "Ne Mo", "Tom Au"):
        assert name in html
    accepted = client.get(links.question_url(70001, Post.objects.get(id=70001).title))
    assert "accepted" in accepted.content.decode().lower()


def test_import_shows_the_seed_pages_facts(source_site, tmp_path, client):
    report = import_api(tmp_path / "work", base_url=source_site, site="history", out=_quiet())
    assert report.site == "history"
    assert DumpImport.objects.get().site == "history"
    assert_whole_copy(source_site)
    assert_seed_facts(client)
    assert Post.objects.get(id=38738).imported_from == "history"


def test_import_stopped_after_some_pages_resumes_to_the_same_copy(source_site, tmp_path, client):
    """Small pages, three per run: each run stops having changed nothing in the database; the
    runs together fetch everything once and the last imports it (no item twice)."""
    work = tmp_path / "work"
    runs = 0
    while True:
        runs += 1
        try:
            import_api(
                work,
                base_url=source_site,
                site="history",
                page_size=4,
                max_pages=3,
                out=_quiet(),
            )
            break
        except Unfinished:
            assert not Post.objects.exists()
        assert runs < 100
    assert runs > 5
    assert_whole_copy(source_site)
    assert_seed_facts(client)
    state = json.loads((work / "state.json").read_text())
    assert state["imported"] == "history"
    assert state["methods"]["comments"]["items"] == source_totals(source_site)["total_comments"]


def test_import_killed_while_fetching_resumes(source_site, tmp_path, client):
    """`quaestio import-api` killed (SIGKILL) once it has recorded a few pages: the next run
    of the same command goes on from the work directory to the same copy."""
    work = tmp_path / "work"
    command = quaestio(
        "import-api",
        "--site",
        "history",
        "--base-url",
        source_site,
        "--workdir",
        str(work),
        "--page-size",
        "1",
    )
    env = {"QUAESTIO_DATA_DIR": str(tmp_path / "other-site")}
    process = subprocess.Popen(
        command,
        env={**_environment(), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while _pages_recorded(work) < 5:
            assert process.poll() is None, "the import ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.kill()
        process.wait()
    recorded = _pages_recorded(work)
    assert recorded >= 5
    import_api(work, base_url=source_site, site="history", page_size=1, out=_quiet())
    assert_whole_copy(source_site)
    assert_seed_facts(client)


def _pages_recorded(work) -> int:
    try:
        state = json.loads((work / "state.json").read_text())
    except (OSError, ValueError):
        return 0
    return sum(record["pages"] for record in state["methods"].values())


def _environment() -> dict:
    import os

    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the killed run never reaches its import: SQLite is enough
    return env


def _quiet():
    import io

    return io.StringIO()


def test_since_merges_what_came_after_into_the_site(source_site, tmp_path, client):
    """A site holding an older copy (here: the whole import, less what was written after
    2018-01-01, as a dump taken that day would be) fetches what came after with --since: the
    new answers join the old question, new questions and comments arrive, nothing twice."""
    import_api(tmp_path / "first", base_url=source_site, site="history", out=_quiet())
    full_posts = set(Post.objects.values_list("id", flat=True))
    full_comments = set(Comment.objects.values_list("id", flat=True))
    cutoff = datetime(2018, 1, 1, tzinfo=UTC)
    later = Post.objects.filter(creation_date__gte=cutoff)
    Comment.objects.filter(creation_date__gte=cutoff).delete()
    Comment.objects.filter(post__in=later).delete()
    PostHistory.objects.filter(post__in=later).delete()
    Vote.objects.filter(post__in=later).delete()
    Post.objects.filter(creation_date__gte=cutoff, post_type=2).delete()
    Post.objects.filter(creation_date__gte=cutoff).delete()
    _forget_search_rows_of_deleted_posts()
    assert 45011 not in set(Post.objects.values_list("id", flat=True))

    import_api(tmp_path / "since", base_url=source_site, site="history", since=cutoff, out=_quiet())
    assert set(Post.objects.values_list("id", flat=True)) == full_posts
    assert set(Comment.objects.values_list("id", flat=True)) == full_comments
    assert Post.objects.get(id=45011).parent_id == 38738
    assert Post.objects.get(id=38738).answer_count == len(SEED["answers"])
    assert sorted(DumpImport.objects.values_list("site", flat=True)) == [
        "history",
        "history since 2018-01-01",
    ]
    assert_whole_copy(source_site)
    assert_seed_facts(client)


def _forget_search_rows_of_deleted_posts() -> None:
    """The search index keeps its own rows (no foreign key): the rows of the posts deleted to
    make the older copy go with them, as a reindex would drop them."""
    from quaestio.search.services import reindex_all

    reindex_all()
