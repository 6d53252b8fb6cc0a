"""The real Stack Exchange dumps in ../shared/data/se-dumps, where that folder exists (CI and
the project machines): each imports with the right counts, its pages show, and its export is
the original byte for byte."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from quaestio.dumps.exporter import export_dump
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post

REPO = Path(__file__).resolve().parents[2]
# CI has ../shared beside the clone; a worktree under wt/ finds it one level further up.
DUMPS = next(
    (
        base / "shared" / "data" / "se-dumps"
        for base in (REPO.parent, REPO.parent.parent)
        if (base / "shared" / "data" / "se-dumps").is_dir()
    ),
    REPO.parent / "shared" / "data" / "se-dumps",
)
SITES = sorted(p.name for p in DUMPS.iterdir() if p.is_dir()) if DUMPS.is_dir() else []

pytestmark = [
    pytest.mark.shared,
    pytest.mark.django_db,
    pytest.mark.skipif(not SITES, reason="../shared/data/se-dumps is not here"),
]


def _rows_in(path: Path) -> int:
    return sum(1 for line in path.open(encoding="utf-8-sig") if line.lstrip().startswith("<row "))


@pytest.mark.parametrize("site", SITES)
def test_real_dump_imports_shows_and_round_trips(site, tmp_path, client, quiet, settings):
    """Counts per file match the XML, a question page renders its title with the credit to
    the site, and export reproduces every original file byte for byte."""
    # Pages in tests are served without collectstatic's manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    folder = DUMPS / site
    report = import_dump(folder, out=quiet)
    for result in report.files:
        assert result.rows == _rows_in(folder / result.name), result.name
    assert report.kept_dangling["votes"] > 0  # real dumps keep votes on deleted posts

    # Export first: viewing the page counts a view, which the next export would carry.
    export_dump(tmp_path / "out")
    different = [
        p.name for p in sorted(folder.glob("*.xml"))
        if p.read_bytes() != (tmp_path / "out" / p.name).read_bytes()
    ]  # fmt: skip
    assert different == []

    question = Post.objects.filter(post_type=1).order_by("-score").first()
    page = client.get(f"/questions/{question.id}", follow=True)  # old links redirect to the slug
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert question.title in text
    assert site in text  # CC BY-SA credit to the site the content came from


def test_closed_questions_of_beer_show_their_reason(quiet):
    """beer's closed questions get their close reason from PostHistory."""
    if "beer.stackexchange.com" not in SITES:
        pytest.skip("beer is not among the dumps")
    import_dump(DUMPS / "beer.stackexchange.com", out=quiet)
    closed = Post.objects.filter(closed_date__isnull=False)
    assert closed.exists()
    assert not closed.filter(close_reason__isnull=True).exists()
    assert re.fullmatch(r"\d+", str(closed.first().close_reason))
