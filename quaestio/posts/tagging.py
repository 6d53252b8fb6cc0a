"""Tag input as spec §5.1 has it: 1–5 tags of a-z 0-9 + # - . up to 35 characters."""

from __future__ import annotations

import re

from django.db.models import F

from quaestio.posts.models import Post
from quaestio.tags.models import PostTag, Tag

MIN_TAGS, MAX_TAGS = 1, 5
MAX_TAG_LENGTH = 35
_SEPARATORS = re.compile(r"[\s,;]+")
_TAG = re.compile(r"^[a-z0-9+#.\-]+$")


def parse_tag_input(raw: str | list[str]) -> list[str]:
    """Names from what the user typed: separated by spaces, commas or semicolons; lower-cased."""
    text = " ".join(raw) if isinstance(raw, list) else (raw or "")
    names = [name.lower() for name in _SEPARATORS.split(text) if name]
    return list(dict.fromkeys(names))


def tag_errors(names: list[str]) -> list[str]:
    errors = []
    if len(names) < MIN_TAGS:
        errors.append("Please enter at least one tag.")
    if len(names) > MAX_TAGS:
        errors.append(f"Please enter at most {MAX_TAGS} tags; you entered {len(names)}.")
    for name in names:
        if len(name) > MAX_TAG_LENGTH:
            errors.append(f"Tag '{name[:40]}' is longer than {MAX_TAG_LENGTH} characters.")
        elif not _TAG.match(name) or not re.search(r"[a-z0-9]", name):
            errors.append(
                f"Tag '{name}' may only use a-z, 0-9 and + # - . (join words with dashes)."
            )
    return errors


def unknown_tags(names: list[str]) -> list[str]:
    known = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
    return [name for name in names if name not in known]


def set_post_tags(post: Post, names: list[str], *, counted: bool = True) -> None:
    """Make the question's PostTag rows match `names` (creating missing tags) and move counts:
    the tags' question counts and the people's standing in them (tags.user_scores)."""
    from quaestio.tags import related, user_scores

    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name] = Tag.objects.create(name=name, count=0)
    before = set(PostTag.objects.filter(post=post).values_list("tag_id", flat=True))
    PostTag.objects.filter(post=post).delete()
    PostTag.objects.bulk_create(
        [PostTag(post=post, tag=existing[name], position=i) for i, name in enumerate(names)]
    )
    if counted:
        after = {existing[name].id for name in names}
        Tag.objects.filter(id__in=after - before).update(count=F("count") + 1)
        Tag.objects.filter(id__in=before - after).update(count=F("count") - 1)
        user_scores.question_tags_changed(post, before, after)
        related.question_tags_changed(before, after)


def move_tag_counts(post: Post, delta: int) -> None:
    """A question leaving (-1) or coming back (+1): its tags' counts follow, and the counts
    of the tags it carries together (tags.related)."""
    from quaestio.tags import related

    Tag.objects.filter(post_tags__post=post).update(count=F("count") + delta)
    related.question_standing_changed(post.id, delta)
