"""Existing posts and imported dumps get their sources: `quaestio backfill-sources` and the
dump importer's step."""

from __future__ import annotations

import pytest

from quaestio.cli import main
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post, PostType
from quaestio.sources.extract import sources_of_html
from quaestio.sources.models import PostSource, SourcesBackfill
from quaestio.sources.services import backfill
from tests.dumps.conftest import MINIMAL, write_dump
from tests.sources.test_kept import CITED, UNSOURCED


def _posts(n: int, markdown: str = CITED, **fields) -> list[Post]:
    """Posts written behind the services' back, as before sources were kept."""
    return Post.objects.bulk_create(
        [
            Post(
                post_type=PostType.QUESTION,
                title=f"Old question {i}",
                body_markdown=markdown,
                **fields,
            )
            for i in range(n)
        ]
    )


def _kinds(post_id: int) -> list[str]:
    return list(
        PostSource.objects.filter(post_id=post_id)
        .order_by("position")
        .values_list("kind", flat=True)
    )


def test_command_fills_every_post_with_a_progress_bar(db, capsys):
    """The command reads every question and answer, in batches, and draws its progress."""
    posts = _posts(3) + _posts(2, markdown=UNSOURCED)
    assert main(["backfill-sources"]) == 0
    captured = capsys.readouterr()
    assert "100% 5/5 posts" in captured.err and "kept 15 sources" in captured.out
    assert [len(_kinds(p.id)) for p in posts] == [5, 5, 5, 0, 0]
    assert SourcesBackfill.objects.get().finished


def test_backfill_is_batched_and_resumes_where_it_stopped(db):
    """Each batch commits its checkpoint; a run after an interruption starts after it, and a
    run after a finished one starts over (idempotent: the same rows)."""
    posts = _posts(5)
    reports = []
    assert backfill(lambda done, total: reports.append((done, total)), batch=2) == (5, 25)
    assert reports == [(2, 5), (4, 5), (5, 5)]
    PostSource.objects.filter(post_id__in=[p.id for p in posts[3:]]).delete()
    SourcesBackfill.objects.update(last_post_id=posts[2].id, finished=False)  # interrupted
    assert backfill(batch=2) == (2, 10)
    assert all(len(_kinds(p.id)) == 5 for p in posts)
    assert backfill(batch=2) == (5, 25)  # the run above finished: this one starts over
    assert PostSource.objects.count() == 25
    assert backfill(restart=True) == (5, 25)


def test_posts_with_only_html_are_read_from_their_anchors():
    """An imported post with no Markdown: its links, DOIs and ISBNs from the HTML, code left
    out, an <em> title read as italics, nothing run or fetched."""
    html = (
        '<p>See <a href="https://www.marxists.org/x">this</a> and doi:10.1000/182.</p>'
        "<p>Service (2005), <em>Stalin: A Biography</em></p>"
        '<pre><code>&lt;a href="https://code.example/"&gt; ISBN 978-0-306-40615-7</code></pre>'
        '<p><a href="javascript:alert(1)">x</a><a href="/questions/1">own</a>'
        '<img src="https://img.example/a.png" onerror="alert(1)"></p>'
    )
    assert [(s.kind, s.value) for s in sources_of_html(html)] == [
        ("url", "https://www.marxists.org/x"),
        ("doi", "10.1000/182"),
        ("work", "Stalin: A Biography"),
    ]
    assert sources_of_html("") == [] and sources_of_html("<<<>>>") == []


def test_backfill_reads_html_when_the_markdown_is_unknown(db):
    """A post whose Markdown is empty is read from its HTML."""
    [post] = _posts(1, markdown="", body='<p><a href="https://example.org/p">p</a></p>')
    backfill()
    assert list(PostSource.objects.filter(post=post).values_list("value", flat=True)) == [
        "https://example.org/p"
    ]


def test_import_fills_the_sources_of_imported_posts(db, tmp_path, quiet):
    """The importer reads each imported post's sources from the HTML its page shows (the
    dump's Body): links, DOIs, ISBNs and works; the Markdown derived from history is the
    editor's starting point and is not read again."""
    files = {name: list(rows) for name, rows in MINIMAL.items()}
    files["Posts"][0] = files["Posts"][0].replace(
        'Body="&lt;p&gt;What are hops?&lt;/p&gt;&#xA;"',
        'Body="&lt;p&gt;What are hops? See doi:10.1000/182 and '
        '&lt;a href=&quot;https://www.hops.example/a&quot;&gt;a&lt;/a&gt;&lt;/p&gt;"',
    )
    files["Posts"][1] = files["Posts"][1].replace(
        'Body="&lt;p&gt;Flowers.&lt;/p&gt;&#xA;"',
        'Body="&lt;p&gt;&lt;a href=&quot;https://flowers.example/&quot;&gt;Flowers&lt;/a&gt;.&lt;/p&gt;"',
    )
    assert files["Posts"] != MINIMAL["Posts"]
    import_dump(write_dump(tmp_path / "d", files), out=quiet)
    assert _kinds(1) == ["url", "doi"]
    assert list(PostSource.objects.filter(post_id=2).values_list("domain", flat=True)) == [
        "flowers.example"
    ]
    assert "sources: 3 kept from 2 posts" in quiet.getvalue()


def test_backfill_in_worker_processes_keeps_order_and_checkpoint(db):
    """With two worker processes reading the sources, every post gets its rows and the
    checkpoint ends at the last post, as with one."""
    posts = _posts(7, markdown="See [x](https://example.org/p) and doi:10.1000/182")
    assert backfill(batch=2, workers=2) == (7, 14)
    for post in posts:
        rows = PostSource.objects.filter(post=post).order_by("position")
        assert [(s.kind, s.value) for s in rows] == [
            ("url", "https://example.org/p"),
            ("doi", "10.1000/182"),
        ]
    state = SourcesBackfill.objects.get(id=1)
    assert state.finished and state.last_post_id == max(p.id for p in posts)


@pytest.fixture
def quiet():
    import io

    return io.StringIO()
