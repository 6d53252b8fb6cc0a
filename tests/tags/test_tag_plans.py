"""The tag pages read no large table whole on a generated site (the checks of
tests/core/test_plans_at_scale.py applied to the pages of issue 18 point 3): /tags in each
order and with a name filter, the tag info and synonyms pages, the watched-tags tab and a list
marked with the viewer's tags, the settings page and the tag-wiki-edits queue."""

from __future__ import annotations

import pytest

from quaestio.accounts.models import User
from quaestio.tags.models import Tag, TagPreference
from tests.core.test_plans_at_scale import _check, _report, site  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_tag_pages_read_no_large_table_whole(site, client):  # noqa: F811
    tags = list(Tag.objects.order_by("-count")[:3])
    viewer = User.objects.create_user(
        "plans-tags@example.org", "Plans Tags", "correct horse", is_moderator=True
    )
    TagPreference.objects.create(user=viewer, tag=tags[0], kind="watched")
    TagPreference.objects.create(user=viewer, tag=tags[1], kind="watched")
    TagPreference.objects.create(user=viewer, tag=tags[2], kind="ignored")
    client.force_login(viewer)
    name = tags[0].name
    urls = [
        "/tags?tab=popular",
        "/tags?tab=name",
        "/tags?tab=new",
        f"/tags?tab=name&filter={name[:2]}",
        f"/tags/{name}/info",
        f"/tags/{name}/synonyms",
        f"/tags/{name}/revisions?part=wiki",
        "/questions?tab=watched",
        "/questions?tab=newest",
        f"/questions/tagged/{name}",
        "/users/tag-preferences",
        "/review/tag-wiki-edits",
        f"/tags/excerpts.json?names={','.join(t.name for t in tags)}",
    ]
    failures = _check(client, urls)
    assert not failures, _report(failures)
