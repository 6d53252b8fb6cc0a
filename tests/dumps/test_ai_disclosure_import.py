"""A Stack Exchange dump has no AI-use disclosure (issue 19 point 4): imported posts and their
revisions are "not declared", never "none", and export writes no such attribute."""

from __future__ import annotations

import pytest

from quaestio.dumps.exporter import export_dump
from quaestio.dumps.importer import import_dump
from quaestio.posts.models import Post, PostHistory

pytestmark = pytest.mark.django_db


def test_imported_posts_are_undeclared_and_export_adds_nothing(generated, quiet, tmp_path):
    import_dump(generated, out=quiet)
    assert Post.objects.exists() and PostHistory.objects.exists()
    assert not Post.objects.exclude(ai_disclosure="").exists()
    assert not PostHistory.objects.exclude(ai_disclosure="").exists()
    export_dump(tmp_path / "out")
    exported = (tmp_path / "out" / "Posts.xml").read_bytes()
    assert exported == (generated / "Posts.xml").read_bytes()
    assert b"ai_disclosure" not in exported.lower() and b"AiDisclosure" not in exported
