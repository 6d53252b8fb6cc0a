"""Background entry points of the tags room."""

from __future__ import annotations

from django_tasks import task


@task()
def remap_synonym(synonym_id: int) -> None:
    """Move the questions of an approved synonym's source tag to its target, batch by batch."""
    from quaestio.tags.synonyms import remap_all

    remap_all(synonym_id)
