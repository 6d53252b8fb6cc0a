"""Related tags (tags.TagPair, issue 20 point 1): how many live questions carry each two tags,
kept by asks, retags, deletions and undeletions in their transactions, rebuilt by
`quaestio recount` and the importer, and read by /2.3/tags/{tags}/related: one tag from the
kept counts, several (their AND) from a bounded sample of the newest questions."""

from __future__ import annotations

import io

import pytest

from quaestio.core.counters import recount
from quaestio.posts.services import post_delete, post_edit, post_undelete
from quaestio.tags import related
from quaestio.tags.models import Tag, TagPair

pytestmark = pytest.mark.django_db


def pairs() -> dict[tuple[str, str], int]:
    names = dict(Tag.objects.values_list("id", "name"))
    return {
        (names[t], names[o]): n
        for t, o, n in TagPair.objects.values_list("tag_id", "other_id", "count")
    }


def in_step() -> bool:
    """The kept pairs are what a rebuild from the questions computes."""
    return recount(only={related.TAG_PAIRS}) == {related.TAG_PAIRS: 0}


def test_asks_retags_and_deletions_keep_the_pairs(ask):
    first = ask(title="How did Roman legions cross rivers in Gaul?", tags="rome gaul legions")
    second = ask(title="Which Roman roads crossed Gaul first?", tags="rome gaul")
    assert pairs()[("rome", "gaul")] == pairs()[("gaul", "rome")] == 2
    assert pairs()[("legions", "rome")] == 1 and len(pairs()) == 6
    assert in_step()
    # A retag moves the question's pairs from the removed tag to the added one.
    post_edit(
        second.owner, second.id, body=second.body_markdown, title=second.title, tags="rome britain"
    )
    assert pairs()[("rome", "gaul")] == 1 and pairs()[("britain", "rome")] == 1
    assert ("britain", "gaul") not in pairs()
    assert in_step()
    # A deleted question's pairs leave (a pair no question carries is removed), and come back.
    post_delete(first.owner, first.id)
    assert set(pairs()) == {("rome", "britain"), ("britain", "rome")}
    post_undelete(first.owner, first.id)
    assert pairs()[("gaul", "legions")] == 1 and pairs()[("rome", "gaul")] == 1
    assert in_step()


def test_recount_fixes_corrupted_missing_and_stray_pairs(ask):
    ask(title="How did Roman legions cross rivers in Gaul?", tags="rome gaul")
    TagPair.objects.filter(tag__name="rome").update(count=9)
    TagPair.objects.filter(tag__name="gaul").delete()
    stray = Tag.objects.create(name="stray")
    TagPair.objects.create(tag=stray, other=Tag.objects.get(name="rome"), count=3)
    assert recount(only={related.TAG_PAIRS}) == {related.TAG_PAIRS: 3}
    assert pairs() == {("rome", "gaul"): 1, ("gaul", "rome"): 1}


def test_import_fills_the_pairs(tmp_path):
    from quaestio.dumps.importer import import_dump
    from tests.dumps.conftest import MINIMAL, write_dump

    files = dict(MINIMAL)
    files["Posts"] = [MINIMAL["Posts"][0].replace("&lt;hops&gt;", "&lt;hops&gt;&lt;malt&gt;")]
    files["Posts"] += MINIMAL["Posts"][1:]
    import_dump(write_dump(tmp_path / "d", files), out=io.StringIO())
    assert pairs() == {("hops", "malt"): 1, ("malt", "hops"): 1}
    assert in_step()


def _related(client, tags: str, **params) -> dict:
    response = client.get(f"/2.3/tags/{tags}/related", params)
    assert response.status_code == 200, response.content
    return response.json()


def _named_counts(body: dict) -> list[tuple[str, int]]:
    return [(item["name"], item["count"]) for item in body["items"]]


def test_api_related_tags_of_one_tag_and_of_several(ask, client):
    ask(title="How did Roman legions cross rivers in Gaul?", tags="rome gaul legions")
    ask(title="Which Roman roads crossed Gaul first?", tags="rome gaul roads")
    ask(title="Were Roman roads paved in Britain?", tags="rome roads britain")
    ask(title="When did the legions leave Britain?", tags="legions britain")
    # One tag: its companions, the commonest first, each count the questions shared.
    rome = _related(client, "rome", filter="!*L1*AY-85YllAr2)")
    top = _named_counts(rome)
    assert top[:2] in ([("gaul", 2), ("roads", 2)], [("roads", 2), ("gaul", 2)])
    assert sorted(top[2:]) == [("britain", 1), ("legions", 1)]
    # Paged: one at a time, has_more until the last.
    first = _related(client, "rome", pagesize=1)
    assert len(first["items"]) == 1 and first["has_more"] is True
    last = _related(client, "rome", pagesize=1, page=4)
    assert _named_counts(last) == [top[3]] and last["has_more"] is False
    # Several tags: their AND, the named tags left out.
    assert _named_counts(_related(client, "rome;gaul")) in (
        [("legions", 1), ("roads", 1)],
        [("roads", 1), ("legions", 1)],
    )
    assert _named_counts(_related(client, "legions;britain")) == []
    # A tag that does not exist: no question carries it.
    assert _related(client, "rome;atlantis")["items"] == []


def test_several_tags_are_counted_over_the_newest_questions(ask, client, monkeypatch):
    """The sample is the newest questions of the rarest named tag: with room for two, the
    oldest question of the pair is left out of the counts."""
    ask(title="How did Roman legions cross rivers in Gaul?", tags="rome gaul legions")
    ask(title="Which Roman roads crossed Gaul first?", tags="rome gaul roads")
    ask(title="What did the Romans build in Gaul?", tags="rome gaul aqueducts")
    ask(title="Did Roman roads outlast the empire?", tags="rome roads")
    monkeypatch.setattr(related, "RELATED_SAMPLE", 2)
    assert sorted(_named_counts(_related(client, "rome;gaul"))) == [
        ("aqueducts", 1),
        ("roads", 1),
    ]
    monkeypatch.setattr(related, "RELATED_SAMPLE", 1000)
    assert sorted(_named_counts(_related(client, "rome;gaul"))) == [
        ("aqueducts", 1),
        ("legions", 1),
        ("roads", 1),
    ]


def test_api_related_questions_come_from_the_newest_of_each_tag(ask, client, monkeypatch):
    """/2.3/questions/{ids}/related ranks by tags shared, among the newest questions of each
    tag of the given ones (RELATED_PER_TAG each, as the question page's Related sidebar)."""
    from quaestio.api.views import questions

    asked = ask(title="How did Roman legions cross rivers in Gaul?", tags="rome gaul")
    older = ask(title="Which Roman roads crossed the Alps first?", tags="rome")
    twin = ask(title="Where did the legions winter in Gaul?", tags="rome gaul")
    newest = ask(title="Did Roman roads outlast the empire?", tags="rome")

    def related_ids() -> list[int]:
        response = client.get(f"/2.3/questions/{asked.id}/related")
        assert response.status_code == 200, response.content
        return [item["question_id"] for item in response.json()["items"]]

    # Most shared first; ties (one tag shared) by id, the newest first.
    assert related_ids() == [twin.id, newest.id, older.id]
    monkeypatch.setattr(questions, "RELATED_PER_TAG", 1)
    # The newest of rome (newest) and of gaul (twin): the older question is not a candidate.
    assert related_ids() == [twin.id, newest.id]
