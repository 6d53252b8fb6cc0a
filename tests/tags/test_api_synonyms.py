"""The API's synonym methods answer the approved synonyms, and has_synonyms marks their
targets (API 2.3 tag_synonym and tag types)."""

from __future__ import annotations

from quaestio.tags.models import SynonymState, Tag, TagSynonym
from tests.api.conftest import api  # noqa: F401  (the API client fixture)


def test_synonyms_endpoints_list_approved_synonyms_only(api, db):  # noqa: F811
    rome = Tag.objects.create(name="rome", count=3)
    Tag.objects.create(name="greece", count=2)
    TagSynonym.objects.create(source="roma", target=rome, state=SynonymState.APPROVED)
    TagSynonym.objects.create(source="romans", target=rome, state=SynonymState.PROPOSED)
    _, everything = api.get("tags/synonyms")
    assert [(s["from_tag"], s["to_tag"]) for s in everything["items"]] == [("roma", "rome")]
    _, of_rome = api.get("tags/rome/synonyms")
    assert [s["from_tag"] for s in of_rome["items"]] == ["roma"]
    _, of_greece = api.get("tags/greece/synonyms")
    assert of_greece["items"] == []
    _, tags = api.get("tags", sort="name", order="asc")
    assert {t["name"]: t["has_synonyms"] for t in tags["items"]} == {
        "greece": False,
        "rome": True,
    }
