"""Importing a dump: every file, ids kept, derived state, formats, archives, policies."""

from __future__ import annotations

import py7zr
import pytest

from quaestio.accounts.models import User
from quaestio.comments.models import Comment
from quaestio.dumps.generator import Options, generate
from quaestio.dumps.importer import import_dump
from quaestio.dumps.models import DumpImport
from quaestio.posts.models import Post, PostHistory, PostLink
from quaestio.tags.models import PostTag, Tag
from quaestio.votes.models import Vote
from tests.dumps.conftest import MINIMAL, SMALL, table_counts, write_dump

pytestmark = pytest.mark.django_db


def test_import_loads_every_file_and_keeps_ids(generated, quiet):
    """All eight files load row for row, and a post keeps the id it had on the old site."""
    written = generate(generated, SMALL)  # same options: the counts of what is on disk
    report = import_dump(generated, out=quiet)
    assert {r.name: r.rows for r in report.files} == {f"{n}.xml": c for n, c in written.items()}
    counts = table_counts()
    # Users: the dump's Community updates the site's own Community row.
    assert counts["accounts_user"] == written["Users"]
    assert counts["posts_post"] == written["Posts"]
    assert counts["posts_posthistory"] == written["PostHistory"]
    assert counts["comments_comment"] == written["Comments"]
    assert counts["votes_vote"] == written["Votes"]
    assert counts["badges_badge"] == written["Badges"]
    assert counts["posts_postlink"] == written["PostLinks"]
    assert counts["tags_tag"] == written["Tags"]
    assert Post.objects.get(id=1).title.startswith("Question 0:")
    assert DumpImport.objects.get().site == "small.stackexchange.com"


def test_import_derives_what_the_site_shows(generated, quiet):
    """Markdown from the latest body revision, close reason/lock/protection from history,
    post tags from Posts.Tags, sanitised bodies, rendered comments, credit to the site."""
    import_dump(generated, out=quiet)
    question = Post.objects.filter(post_type=1, closed_date__isnull=False).first()
    assert question is not None
    closing = PostHistory.objects.filter(post=question, post_history_type=10).latest("id")
    assert question.close_reason == int(closing.comment)
    for post in Post.objects.filter(post_type__in=(1, 2))[:20]:
        latest = (
            PostHistory.objects.filter(post=post, post_history_type__in=(2, 5, 8))
            .order_by("-creation_date", "-id")
            .first()
        )
        assert post.body_markdown == latest.text
        assert post.imported_from == "small.stackexchange.com"
        assert 'rel="nofollow noopener noreferrer ugc"' in post.body  # sanitised on import
    locked = PostHistory.objects.filter(post_history_type=14).values_list("post_id", flat=True)
    assert set(Post.objects.filter(locked_date__isnull=False).values_list("id", flat=True)) == set(
        locked
    )
    protected = PostHistory.objects.filter(post_history_type=19).values_list("post_id", flat=True)
    assert set(
        Post.objects.filter(protected_date__isnull=False).values_list("id", flat=True)
    ) == set(protected)
    tagged = Post.objects.get(id=1)
    assert [pt.tag.name for pt in PostTag.objects.filter(post=tagged).order_by("position")] == (
        tagged.tag_names
    )
    code_comment = Comment.objects.filter(text__contains="`code`").first()
    assert "<code>code</code>" in code_comment.text_html
    assert User.objects.exclude(id=-1).first().imported_from == "small.stackexchange.com"
    community = User.objects.get(id=-1)
    assert community.about_me.startswith("<p>I'm a background process")
    assert community.is_moderator  # the site's role for Community survives the dump's row


def test_tag_counts_match_and_tabs_survive(generated, quiet):
    """Tags.xml counts agree with the posts (the recount corrects none), and a tab inside a
    post's code (written literally, as Stack Exchange does) is kept as a tab."""
    report = import_dump(generated, out=quiet)
    assert report.recount["tag counts"] == 0
    assert report.recount["answer counts"] == 0
    assert "\tbrew()" in Post.objects.get(id=1).body
    assert "\tbrew()" in Post.objects.get(id=1).body_markdown


@pytest.mark.parametrize(
    "options",
    [
        Options(scale=0.02, seed=5, bom=False),
        Options(scale=0.02, seed=5, newline="\n"),
        Options(scale=0.02, seed=5, tag_format="pipe"),
        Options(scale=0.02, seed=5, era="2016"),
    ],
    ids=["no-bom", "lf", "pipe-tags", "era-2016"],
)
def test_import_reads_every_format(tmp_path, quiet, options):
    """With or without BOM, CRLF or LF, <a><b> or |a|b| tags, 2016 or 2023 attributes."""
    folder = tmp_path / "site"
    written = generate(folder, options)
    report = import_dump(folder, out=quiet)
    assert report.rows == sum(written.values())
    question = Post.objects.get(id=1)
    assert PostTag.objects.filter(post=question).count() == len(question.tag_names) > 0
    assert set(Tag.objects.filter(post_tags__post=question).values_list("name", flat=True)) == set(
        question.tag_names
    )
    if options.era == "2016":
        assert User.objects.filter(age__isnull=False).exists()
        assert not Post.objects.exclude(content_license="").exists()
    else:
        assert Post.objects.filter(id=1, content_license="CC BY-SA 4.0").exists()


def test_import_from_7z_archive(generated, tmp_path, quiet):
    """The site's .7z archive, as Stack Exchange publishes it, imports like the folder."""
    archive = tmp_path / "small.stackexchange.com.7z"
    with py7zr.SevenZipFile(archive, "w") as out:
        for path in sorted(generated.iterdir()):
            out.write(path, arcname=path.name)
    report = import_dump(archive, out=quiet)
    assert report.site == "small.stackexchange.com"
    assert Post.objects.count() == next(r.rows for r in report.files if r.name == "Posts.xml")


def test_missing_optional_file_is_skipped(tmp_path, quiet):
    """A dump without PostHistory.xml imports; posts then have no Markdown source yet."""
    files = {k: v for k, v in MINIMAL.items() if k != "PostHistory"}
    report = import_dump(write_dump(tmp_path / "d", files), out=quiet)
    assert report.missing_files == ["PostHistory.xml"]
    assert Post.objects.get(id=1).body_markdown == ""
    assert Post.objects.get(id=1).body == "<p>What are hops?</p>\n"


def test_dangling_votes_and_links_are_kept_and_counted(tmp_path, quiet):
    """Votes and post links pointing at deleted posts are kept (so export gives them back)
    and counted in the report, as the stated policy says."""
    files = dict(MINIMAL)
    files["Votes"] = MINIMAL["Votes"] + [
        '<row Id="2" PostId="999" VoteTypeId="2" CreationDate="2014-01-21T00:00:00.000" />',
        '<row Id="3" PostId="998" VoteTypeId="3" CreationDate="2014-01-21T00:00:00.000" />',
    ]
    files["PostLinks"] = [
        '<row Id="5" CreationDate="2014-01-22T00:00:00.000" PostId="1" RelatedPostId="997" LinkTypeId="1" />'
    ]
    report = import_dump(write_dump(tmp_path / "d", files), out=quiet)
    assert report.kept_dangling["votes"] == 2
    assert report.kept_dangling["post links (RelatedPostId)"] == 1
    assert Vote.objects.filter(post_id=999).exists()
    assert PostLink.objects.filter(related_post_id=997).exists()
    assert any("2 votes" in line for line in report.lines())


def test_scores_are_kept_and_other_counters_recounted(tmp_path, quiet):
    """The dump's Score stays even when votes disagree; a wrong AnswerCount is recounted."""
    files = dict(MINIMAL)
    files["Posts"] = [MINIMAL["Posts"][0].replace('Score="1"', 'Score="42"').replace(
        'AnswerCount="1"', 'AnswerCount="5"'
    ), MINIMAL["Posts"][1]]  # fmt: skip
    report = import_dump(write_dump(tmp_path / "d", files), out=quiet)
    question = Post.objects.get(id=1)
    assert question.score == 42
    assert report.scores_differing_from_votes == 1
    assert question.answer_count == 1
    assert report.recount["answer counts"] == 1


def test_progress_is_shown_per_file(generated, quiet):
    """Each file gets a progress line with rows per second, then the recount is reported."""
    import_dump(generated, out=quiet)
    output = quiet.getvalue()
    for name in ("Users.xml", "Posts.xml", "Votes.xml", "PostLinks.xml"):
        assert name in output
    assert "rows/s" in output
    assert "answer counts: 0 corrected" in output


def test_progress_measures_a_files_first_and_last_tenth(monkeypatch):
    """The report's start and end rates are rows/s over the first tenth of the file (by bytes
    read) and over its last tenth: a file that slows as it loads shows it."""
    import io

    from quaestio.dumps import progress as progress_module

    clock = iter([0.0, 1.0, 5.0, 6.0, 16.0])
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: next(clock))
    progress = progress_module.Progress("Posts.xml", 1000, io.StringIO())  # started at 0 s
    progress.update(1_000, 100)  # at 1 s, a tenth read: 1,000 rows/s so far
    progress.update(5_000, 500)  # 5 s
    progress.update(9_000, 900)  # 6 s, nine tenths read
    assert progress.done(10_000) == 16.0  # the last 1,000 rows took 10 s
    assert progress.start_rate == 1_000
    assert progress.end_rate == 100


def test_cli_import_and_export(generated, tmp_path, capsys):
    """`quaestio import-dump PATH` then `quaestio export-dump DIR` through the command line."""
    from quaestio.cli import main

    assert main(["import-dump", str(generated)]) == 0
    assert "Imported small.stackexchange.com" in capsys.readouterr().out
    assert main(["export-dump", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "Posts.xml").read_bytes() == (generated / "Posts.xml").read_bytes()
    assert main(["import-dump", str(generated)]) == 1
    assert "already imported" in capsys.readouterr().err


def test_single_process_import_gives_the_same_rows(generated, quiet):
    """workers=0 (no parsing process, e.g. where fork is unavailable) loads the same rows."""
    report = import_dump(generated, out=quiet, workers=0)
    assert report.rows == sum(r.rows for r in report.files) > 1000
    assert table_counts()["posts_post"] == next(
        r.rows for r in report.files if r.name == "Posts.xml"
    )


def test_imported_reputation_opens_the_ledger_instead_of_inventing_history(generated, quiet):
    """Each imported user's Reputation becomes one opening-balance row dated at the user's
    creation, so the ledger explains every total and a recalculation changes nothing."""
    from quaestio.accounts.models import User
    from quaestio.reputation.models import ReputationChange
    from quaestio.reputation.recalc import recalculate

    generate(generated, SMALL)
    import_dump(generated, out=quiet)
    assert recalculate(fix=False) == []
    user = User.objects.exclude(id=-1).filter(reputation__gt=1).order_by("id").first()
    rows = list(ReputationChange.objects.filter(user=user))
    assert [(r.reason, r.amount) for r in rows] == [("opening_balance", user.reputation - 1)]
    assert rows[0].created_at == user.creation_date


def test_foreign_keys_are_back_after_the_load(generated, quiet):
    """PostgreSQL: the foreign keys dropped for the load are all there again, validated."""
    from django.db import connection

    from quaestio.dumps import indexes
    from quaestio.dumps.importer import loaded_tables

    before = sorted(indexes.foreign_keys(loaded_tables()))
    import_dump(generated, out=quiet)
    assert sorted(indexes.foreign_keys(loaded_tables())) == before
    if connection.vendor == "postgresql":
        assert before, "PostgreSQL tables have foreign keys"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
            )
            assert cursor.fetchone()[0] == 0
