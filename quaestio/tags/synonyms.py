"""Tag synonyms (spec §5.1): proposals, votes, approval, the remap of questions from the
source tag to the target, and moderators' merges.

Approval (by net votes or a moderator) only records the decision; the remap runs as a task in
batches (`remap_batch`), each batch its own short transaction, with `remap_remaining` counting
down, so a tag on a hundred thousand questions never holds one long transaction. New input
naming an approved source gets the target at once (`map_synonyms`, called when tags are
validated), even while the remap is still under way.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.posts.models import Post, format_tags
from quaestio.posts.tagging import parse_tag_input, set_post_tags, tag_errors
from quaestio.posts.thread_version import thread_changed
from quaestio.tags import policies
from quaestio.tags.models import PostTag, SynonymState, Tag, TagSynonym, TagSynonymVote
from quaestio.tags.preferences import move_preferences
from quaestio.tags.scores import tag_score
from quaestio.tags.throttle import throttle

REMAP_BATCH = 200


def _require(decision: tuple[bool, str]) -> None:
    allowed, reason = decision
    if not allowed:
        raise PermissionDenied(reason)


def _one_name(raw: str, what: str) -> str:
    names = parse_tag_input(raw or "")
    if len(names) != 1:
        raise ValidationFailed(f"Enter one tag name as the {what}.")
    errors = tag_errors(names)
    if errors:
        raise ValidationFailed(errors[0])
    return names[0]


def _live(source: str) -> TagSynonym | None:
    return TagSynonym.objects.filter(source=source).exclude(state=SynonymState.REJECTED).first()


def _check_pair(source: str, target: Tag) -> None:
    if source == target.name:
        raise ValidationFailed("A tag cannot be a synonym of itself.")
    if _live(source) is not None:
        raise ValidationFailed(f"[{source}] is already proposed or approved as a synonym.")
    if _live(target.name) is not None:
        raise ValidationFailed(
            f"[{target.name}] is itself a synonym; propose the synonym of its target instead."
        )
    if TagSynonym.objects.filter(target__name=source, state=SynonymState.APPROVED).exists():
        raise ValidationFailed(f"[{source}] has synonyms of its own; it cannot become one.")


def synonym_propose(user, source_name: str, target_name: str) -> TagSynonym:
    """Propose `source` as a synonym of the existing tag `target`; the proposal counts as the
    proposer's vote, and a moderator's proposal is approved at once."""
    source = _one_name(source_name, "synonym")
    target = Tag.objects.filter(name=_one_name(target_name, "target tag")).first()
    if target is None:
        raise NotFound("The target tag does not exist.")
    _require(policies.can_propose_synonym(user, tag_score(user.id, target.id)))
    throttle(user, "synonym")
    try:
        with transaction.atomic():
            _check_pair(source, target)
            synonym = TagSynonym.objects.create(source=source, target=target, proposer=user)
            TagSynonymVote.objects.create(synonym=synonym, user=user, value=1)
            synonym.score = 1
            synonym.save(update_fields=["score"])
            if policies.is_binding_synonym_voter(user) or synonym.score >= (
                policies.synonym_votes_to_approve()
            ):
                _approve(synonym)
    except IntegrityError as error:  # a concurrent proposal of the same source won
        raise ValidationFailed(f"[{source}] is already proposed as a synonym.") from error
    return synonym


def synonym_vote(user, synonym_id: int, value: int) -> TagSynonym:
    """An up (+1) or down (-1) vote; the net score approves or rejects at the thresholds,
    a moderator's vote decides alone."""
    if value not in (1, -1):
        raise ValidationFailed("Vote for (+1) or against (-1).")
    if getattr(user, "is_authenticated", False):
        throttle(user, "synonym")
    with transaction.atomic():
        synonym = TagSynonym.objects.select_for_update().filter(id=synonym_id).first()
        if synonym is None:
            raise NotFound("No tag synonym with that id.")
        _require(policies.can_vote_synonym(user, synonym, tag_score(user.id, synonym.target_id)))
        if TagSynonymVote.objects.filter(synonym=synonym, user=user).exists():
            raise ValidationFailed("You have already voted on this synonym.")
        TagSynonymVote.objects.create(synonym=synonym, user=user, value=value)
        synonym.score = (
            TagSynonymVote.objects.filter(synonym=synonym).aggregate(s=Sum("value"))["s"] or 0
        )
        synonym.save(update_fields=["score"])
        binding = policies.is_binding_synonym_voter(user)
        if value > 0 and (binding or synonym.score >= policies.synonym_votes_to_approve()):
            _approve(synonym)
        elif value < 0 and (binding or -synonym.score >= policies.synonym_votes_to_reject()):
            synonym.state, synonym.decision_date = SynonymState.REJECTED, timezone.now()
            synonym.save(update_fields=["state", "decision_date"])
    return synonym


def tag_merge(user, source_name: str, target_name: str) -> TagSynonym:
    """A moderator merges `source` into `target`: an approved synonym (so new input maps too)
    and the remap of every question carrying the source."""
    _require(policies.can_merge_tags(user))
    source = _one_name(source_name, "tag to merge")
    target = Tag.objects.filter(name=_one_name(target_name, "target tag")).first()
    if target is None:
        raise NotFound("The target tag does not exist.")
    with transaction.atomic():
        synonym = _live(source)
        if synonym is not None and synonym.target_id != target.id:
            raise ValidationFailed(
                f"[{source}] is already a synonym of another tag; reject or edit that first."
            )
        if synonym is None:
            _check_pair(source, target)
            synonym = TagSynonym.objects.create(source=source, target=target, proposer=user)
        if synonym.state != SynonymState.APPROVED:
            synonym = TagSynonym.objects.select_for_update().get(id=synonym.id)
            _approve(synonym)
    return synonym


def _approve(synonym: TagSynonym) -> None:
    """Record the approval and queue the remap once committed."""
    synonym.state, synonym.decision_date = SynonymState.APPROVED, timezone.now()
    synonym.remap_remaining = (
        Tag.objects.filter(name=synonym.source).values_list("count", flat=True).first() or 0
    )
    synonym.save(update_fields=["state", "decision_date", "remap_remaining"])
    synonym_id = synonym.id

    def queue() -> None:
        from quaestio.tags.tasks import remap_synonym

        remap_synonym.enqueue(synonym_id)

    transaction.on_commit(queue)


def remap_batch(synonym_id: int, batch: int = REMAP_BATCH) -> int:
    """Retag up to `batch` questions carrying the synonym's source with its target, in one
    transaction; returns how many remain (0 when done: the source tag row is then removed and
    its watchers moved to the target)."""
    with transaction.atomic():
        synonym = (
            TagSynonym.objects.select_for_update()
            .select_related("target")
            .filter(id=synonym_id, state=SynonymState.APPROVED)
            .first()
        )
        if synonym is None:
            return 0
        source = Tag.objects.filter(name=synonym.source).first()
        if source is None:
            return _finish(synonym, None)
        post_ids = list(
            PostTag.objects.filter(tag=source)
            .order_by("post_id")
            .values_list("post_id", flat=True)[:batch]
        )
        for post in Post.objects.select_for_update().filter(id__in=post_ids).order_by("id"):
            _retag(post, synonym.source, synonym.target.name)
        if not PostTag.objects.filter(tag=source).exists():
            return _finish(synonym, source)
        # Live questions left, from the tag's counter; at least 1 while deleted ones remain.
        left = max(1, Tag.objects.filter(id=source.id).values_list("count", flat=True).first())
        synonym.remap_remaining = left
        synonym.save(update_fields=["remap_remaining"])
        return left


def _retag(post: Post, source: str, target: str) -> None:
    names = list(dict.fromkeys(target if name == source else name for name in post.tag_names))
    set_post_tags(post, names, counted=post.deletion_date is None)
    post.tags = format_tags(names)
    post.save(update_fields=["tags"])  # saved, not updated: the search index follows
    thread_changed(post.id)


def _finish(synonym: TagSynonym, source: Tag | None) -> int:
    if source is not None:
        move_preferences(source, synonym.target)
        if not PostTag.objects.filter(tag=source).exists():
            source.delete()
    synonym.remap_remaining = 0
    synonym.save(update_fields=["remap_remaining"])
    return 0


def remap_all(synonym_id: int) -> None:
    """Every batch, one after another (the task's body)."""
    while remap_batch(synonym_id):
        pass


def map_synonyms(names: list[str]) -> list[str]:
    """Tag input with approved synonyms replaced by their targets (order kept, no repeats);
    one indexed query."""
    if not names:
        return names
    targets = dict(
        TagSynonym.objects.filter(source__in=names, state=SynonymState.APPROVED).values_list(
            "source", "target__name"
        )
    )
    if not targets:
        return names
    return list(dict.fromkeys(targets.get(name, name) for name in names))
