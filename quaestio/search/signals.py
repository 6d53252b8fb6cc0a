"""A safety net: any save or delete of a Post schedules its index update after commit.

Services call quaestio.search.services directly too (see its docstring); this catches the write
paths that forget. Bulk writes (QuerySet.update, bulk_create, the dump importer) send no signals:
those run `reindex_all` afterwards.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quaestio.posts.models import Post, PostType
from quaestio.search import meaning, services

# Saves that change none of these leave the index as it is (a score or view count update).
# "tags": the PostgreSQL engine keeps each post's question tags (see backends/postgres.py).
INDEXED_FIELDS = frozenset({"title", "body", "body_markdown", "post_type", "tags"})


@receiver(post_save, sender=Post, dispatch_uid="search_index_saved_post")
def index_saved_post(sender, instance: Post, created: bool, raw: bool, update_fields, **kwargs):
    if raw:  # fixture loading: the rows may not be complete yet
        return
    if update_fields is not None and not (set(update_fields) & INDEXED_FIELDS):
        return
    services.schedule_index(instance.id)


@receiver(post_delete, sender=Post, dispatch_uid="search_unindex_deleted_post")
def unindex_deleted_post(sender, instance: Post, **kwargs):
    services.schedule_remove(instance.id)


@receiver(post_save, sender=Post, dispatch_uid="search_embed_saved_question")
def embed_saved_question(sender, instance: Post, raw: bool, update_fields, **kwargs):
    """A question asked or retitled gets its title's vector (only with QUAESTIO_MEANING=on;
    the task skips a title it already holds)."""
    if raw or instance.post_type != PostType.QUESTION:
        return
    if update_fields is not None and "title" not in update_fields:
        return
    meaning.schedule_embed(instance.id)


@receiver(post_delete, sender=Post, dispatch_uid="search_forget_deleted_question")
def forget_deleted_question(sender, instance: Post, **kwargs):
    if instance.post_type == PostType.QUESTION:
        meaning.schedule_remove(instance.id)
