"""Every write to posts: ask, answer, edit, rollback, delete, a counted view (suggested edits:
suggested_edits.py).

Each service checks the policy, validates, locks the post it changes, writes Post and
PostHistory rows in the dump's shape in one transaction, and queues notifications on commit.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from quaestio.core.errors import NotFound, PermissionDenied, ValidationFailed
from quaestio.core.markdown import render_post
from quaestio.moderation import blocklist
from quaestio.posts import ai_use as ai_use_rules
from quaestio.posts import community_wiki as community_wiki_rules
from quaestio.posts import policies
from quaestio.posts.events import announce_post_written
from quaestio.posts.models import (
    Post,
    PostHistory,
    PostHistoryType,
    PostSubmission,
    PostType,
    QuestionView,
    SuggestedEdit,
    format_tags,
    parse_tags,
)
from quaestio.posts.revising import (
    BODY_MAX,
    BODY_MIN,
    CONTENT_LICENSE,
    EDIT_SUMMARY_MAX,
    GRACE_PERIOD,
    TITLE_MAX,
    TITLE_MIN,
    Content,
    changed_fields,
    check_badges_on_commit,
    clean_content,
    current_content,
    history_row,
    locked_post,
    new_guid,
    notify_on_commit,
    require,
    require_not_limited,
    write_revision,
)
from quaestio.posts.selectors import last_deleter_id
from quaestio.posts.suggested_edits import suggest_edit, suggested_edit_review
from quaestio.posts.tagging import move_tag_counts, set_post_tags
from quaestio.reputation import services as reputation
from quaestio.sources.services import sources_replace
from quaestio.tags import user_scores

__all__ = [
    "BODY_MAX",
    "BODY_MIN",
    "GRACE_PERIOD",
    "TITLE_MAX",
    "TITLE_MIN",
    "EditResult",
    "answer_post",
    "apply_deletion",
    "apply_undeletion",
    "current_content",
    "post_delete",
    "post_edit",
    "post_rollback",
    "post_undelete",
    "question_ask",
    "suggested_edit_review",
]


def _existing_submission(user, token: str) -> Post | None:
    if not token:
        return None
    found = PostSubmission.objects.filter(user=user, token=token).select_related("post").first()
    return found.post if found else None


def _content_token(*parts) -> str:
    """Stands in for a missing form token: the same content sent twice is the same submission."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"content:{digest[:48]}"


def _create_once(user, token: str, create) -> Post:
    """Run `create` in a transaction that also records the form token; a repeat returns the first."""
    token = (token or "")[:64]
    earlier = _existing_submission(user, token)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            post = create()
            if token:
                PostSubmission.objects.create(user=user, token=token, post=post)
            return post
    except IntegrityError:
        earlier = _existing_submission(user, token)
        if earlier is None:
            raise
        return earlier


# --- ask and answer --------------------------------------------------------------------------


def question_ask(
    user, *, title: str, body: str, tags, token: str = "", ai_use: str = ai_use_rules.UNDECLARED
) -> Post:
    """A new question with its initial revision (history types 1, 2, 3 under one GUID).
    `ai_use`: the writer's AI-use disclosure, checked against the site's policy."""
    token = token or _content_token("question", title, body, tags)
    earlier = _existing_submission(user, token) if user.is_authenticated else None
    if earlier is not None:
        return earlier  # the same form sent twice: the first submit already made the question
    require(policies.may_ask(user))
    require_not_limited(policies.ask_rate_limit(user))
    content, html = clean_content(
        user, is_question=True, title=title, body=body, tags=tags, ai_use=ai_use
    )

    def create() -> Post:
        now = timezone.now()
        post = Post.objects.create(
            post_type=PostType.QUESTION,
            owner=user,
            title=content.title,
            body=html,
            body_markdown=content.body,
            tags=format_tags(content.tags),
            creation_date=now,
            last_activity_date=now,
            answer_count=0,
            view_count=0,
            content_license=CONTENT_LICENSE,
            ai_disclosure=content.ai_use,
        )
        guid = new_guid()
        PostHistory.objects.bulk_create(
            [
                history_row(post, kind, guid, user, now, text, ai_use=content.ai_use)
                for kind, text in (
                    (PostHistoryType.INITIAL_TITLE, content.title),
                    (PostHistoryType.INITIAL_BODY, content.body),
                    (PostHistoryType.INITIAL_TAGS, post.tags),
                )
            ]
        )
        set_post_tags(post, content.tags)
        sources_replace(post.id, content.body, new_post=True)
        announce_post_written(post.id, "ask")
        blocklist.screen_post(user, post)  # spam defence: refused, held for review, or passed
        return post

    return _create_once(user, token, create)


def answer_post(
    user,
    question_id: int,
    *,
    body: str,
    token: str = "",
    community_wiki: bool = False,
    ai_use: str = ai_use_rules.UNDECLARED,
) -> Post:
    """A new answer (history type 2) and the question's answer count and activity; community
    wiki (type 16, same revision) when the author ticked the box or the question is one."""
    token = token or _content_token("answer", question_id, body)
    earlier = _existing_submission(user, token) if user.is_authenticated else None
    if earlier is not None:
        return earlier
    question = Post.objects.filter(id=question_id, post_type=PostType.QUESTION).first()
    if question is None:
        raise NotFound("No question with that id.")
    require(policies.may_answer(user, question))
    require_not_limited(policies.answer_rate_limit(user))
    if community_wiki:
        require(policies.can_write_wiki_answer(user, question))
    content, html = clean_content(
        user, is_question=False, title="", body=body, tags=[], ai_use=ai_use
    )

    def create() -> Post:
        now = timezone.now()
        locked = Post.objects.select_for_update().get(id=question.id)
        post = Post.objects.create(
            post_type=PostType.ANSWER,
            parent=locked,
            owner=user,
            body=html,
            body_markdown=content.body,
            creation_date=now,
            last_activity_date=now,
            content_license=CONTENT_LICENSE,
            ai_disclosure=content.ai_use,
        )
        guid = new_guid()
        history_row(
            post, PostHistoryType.INITIAL_BODY, guid, user, now, content.body, ai_use=content.ai_use
        ).save()
        sources_replace(post.id, content.body, new_post=True)
        if community_wiki or (
            locked.community_owned_date and community_wiki_rules.answers_of_wiki_question_are_wiki()
        ):
            community_wiki_rules.convert(post, user, now, guid)
        Post.objects.filter(id=locked.id).update(
            answer_count=F("answer_count") + 1, last_activity_date=now
        )
        user_scores.answers_standing_changed(locked.id, [post.id], +1)
        announce_post_written(post.id, "answer")
        if blocklist.screen_post(user, post):  # held for review: nobody is told of it yet
            return post
        if locked.owner_id and locked.owner_id != user.id:
            notify_on_commit(
                locked.owner_id, "answer", user, post, f"New answer to: {locked.title[:150]}"
            )
        return post

    return _create_once(user, token, create)


# --- edits and rollbacks ---------------------------------------------------------------------


@dataclass
class EditResult:
    """What an edit became: a revision of the post, or a suggestion waiting for review."""

    post: Post
    suggestion: SuggestedEdit | None = None
    folded: bool = False


def post_edit(
    user,
    post_id: int,
    *,
    body: str,
    title: str = "",
    tags="",
    comment: str = "",
    community_wiki: bool = False,
    ai_use: str | None = None,
) -> EditResult:
    """Edit a post: a new revision for those who may edit, a suggested edit for the others.
    `community_wiki`: the author's (or a moderator's) box, converting the post with the edit;
    ticked alone, it converts the post without a revision. `ai_use`: the editor's AI-use
    disclosure for the post as edited; None keeps the post's, and the policy checks either
    against the new body (removing the attribution line of AI content is refused)."""
    comment = " ".join((comment or "").split())[:EDIT_SUMMARY_MAX]
    with transaction.atomic():
        post = locked_post(post_id)
        wiki = community_wiki and not post.community_owned_date
        if wiki:
            require(policies.can_make_community_wiki(user, post))
        allowed, _reason = policies.can_edit(user, post)
        if not allowed:
            suggestable, why_not = policies.can_suggest_edit(user, post)
            if not suggestable:
                raise PermissionDenied(why_not)
            return EditResult(post, suggestion=suggest_edit(user, post, title, body, tags, comment))
        if post.is_answer:
            title, tags = "", []
        content, html = clean_content(
            user,
            is_question=post.is_question,
            title=title,
            body=body,
            tags=tags,
            ai_use=post.ai_disclosure if ai_use is None else ai_use,
        )
        if ai_use is None:
            content.ai_use = None  # checked with the post's disclosure, which stays
        if wiki and not changed_fields(post, content):
            community_wiki_rules.convert(post, user, timezone.now())
            return EditResult(post)
        folded = write_revision(post, user, content, html, comment=comment)
        if wiki:
            community_wiki_rules.convert(post, user, post.last_activity_date)
        announce_post_written(post.id, "edit")
        blocklist.screen_post(user, post)  # spam defence: refused, held for review, or passed
        check_badges_on_commit(edited=[user.id])
        if post.owner_id and post.owner_id != user.id:
            notify_on_commit(post.owner_id, "edit", user, post, _edit_summary(post, comment))
    return EditResult(post, folded=folded)


def _edit_summary(post: Post, comment: str) -> str:
    what = (
        f"Your question was edited: {post.title}" if post.is_question else "Your answer was edited"
    )
    return f"{what} ({comment})" if comment else what


def post_rollback(user, post_id: int, revision_number: int) -> Post:
    """Return a post to an earlier revision: a new revision of types 7/8/9 naming the target."""
    from quaestio.posts.revisions import post_revisions

    with transaction.atomic():
        post = locked_post(post_id)
        require(policies.can_edit(user, post))
        target = next((r for r in post_revisions(post.id) if r.number == revision_number), None)
        if target is None:
            raise NotFound(f"Post {post.id} has no revision {revision_number}.")
        content = Content(
            title=target.title if post.is_question else "",
            body=target.body,
            tags=parse_tags(target.tags) if post.is_question else [],
            # The disclosure goes back with the content it was made for.
            ai_use=target.ai_disclosure,
        )
        require(policies.can_use_ai(target.ai_disclosure, target.body))
        if not changed_fields(post, content):
            raise ValidationFailed(f"Revision {revision_number} is the same as the current post.")
        write_revision(
            post, user, content, render_post(content.body), comment="", rollback_of=target.guid
        )
        announce_post_written(post.id, "rollback")
        check_badges_on_commit(edited=[user.id])
        if post.owner_id and post.owner_id != user.id:
            summary = _edit_summary(post, f"rolled back to revision {revision_number}")
            notify_on_commit(post.owner_id, "edit", user, post, summary)
    return post


# --- deletion --------------------------------------------------------------------------------


def _voters_json(user) -> str:
    return json.dumps({"Voters": [{"Id": user.id, "DisplayName": user.display_name}]})


def post_delete(user, post_id: int) -> Post:
    """Soft-delete a post (deletion_date, history type 12) under the rules of spec §5.7."""
    with transaction.atomic():
        post = locked_post(post_id)
        if post.parent_id:
            post.parent = Post.objects.select_for_update().get(id=post.parent_id)
        require(policies.can_delete(user, post))
        apply_deletion(post, user, timezone.now(), _voters_json(user))
    return post


def apply_deletion(post: Post, user, now, voters_text: str, comment: str = "") -> None:
    """Write a decided deletion: the caller holds the locks on the post (and its question) in
    its transaction and has checked its own policy (the owner's, a moderator's, delete votes,
    the Community user's clean-up)."""
    post.deletion_date = now
    post.save(update_fields=["deletion_date"])
    history_row(
        post, PostHistoryType.POST_DELETED, new_guid(), user, now, voters_text, comment
    ).save()
    if post.is_question:
        move_tag_counts(post, -1)
        user_scores.question_standing_changed(post, -1)
    else:
        Post.objects.filter(id=post.parent_id).update(answer_count=F("answer_count") - 1)
        user_scores.answers_standing_changed(post.parent_id, [post.id], -1)
    # In this transaction, so the post and its owners' reputation change together or not.
    reputation.post_deleted(post)
    announce_post_written(post.id, "delete")
    check_badges_on_commit(deleted=[post.owner_id])


def post_undelete(user, post_id: int) -> Post:
    """Authors bring back what they deleted themselves; moderators anything (history type 13)."""
    with transaction.atomic():
        post = locked_post(post_id)
        if post.deletion_date is None:
            raise ValidationFailed("This post is not deleted.")
        require(policies.can_undelete(user, post, last_deleter_id(post.id)))
        apply_undeletion(post, user, timezone.now(), _voters_json(user))
    return post


def apply_undeletion(post: Post, user, now, voters_text: str, comment: str = "") -> None:
    """Write a decided undeletion (the caller locked the post and checked its policy)."""
    post.deletion_date = None
    post.save(update_fields=["deletion_date"])
    history_row(
        post, PostHistoryType.POST_UNDELETED, new_guid(), user, now, voters_text, comment
    ).save()
    if post.is_question:
        move_tag_counts(post, +1)
        user_scores.question_standing_changed(post, +1)
    else:
        Post.objects.filter(id=post.parent_id).update(answer_count=F("answer_count") + 1)
        user_scores.answers_standing_changed(post.parent_id, [post.id], +1)
    reputation.post_undeleted(post)
    announce_post_written(post.id, "undelete")


VIEW_WINDOW_SECONDS = 15 * 60
SWEEP_ONE_IN = 256  # counted views between sweeps of expired view rows, on average


def count_question_view(question_id: int, visitor: str) -> bool:
    """Counts a view of the question: one per visitor (a user, or an address) per 15 minutes
    (spec §10.3), so reloads do not inflate the count, whichever web process serves them.
    Returns whether this one counted."""
    digest = _visitor_digest(visitor)
    now = timezone.now()
    if isinstance(caches["default"], RedisCache):
        # Redis is shared by every process and forgets the key when the window ends.
        first = cache.add(f"view:{question_id}:{digest}", 1, VIEW_WINDOW_SECONDS)
    else:
        # The local cache is per process: remember in the database, which every process sees.
        first = _first_view_in_window(question_id, digest, now)
        if first and random.randrange(SWEEP_ONE_IN) == 0:
            sweep_question_views(now)
    if not first:
        return False
    # An imported question may have no count at all (NULL), and NULL + 1 stays NULL.
    Post.objects.filter(id=question_id).update(view_count=Coalesce(F("view_count"), 0) + 1)
    return True


def _visitor_digest(visitor: str) -> str:
    # Keyed, so the stored value cannot be matched with addresses by trying them all.
    key = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(visitor.encode(), digest_size=16, key=key).hexdigest()


_VIEW_TABLE = QuestionView._meta.db_table
_VIEW_UPSERT = f"""
    INSERT INTO {_VIEW_TABLE} (question_id, visitor, seen_at) VALUES (%s, %s, %s)
    ON CONFLICT (question_id, visitor) DO UPDATE SET seen_at = CASE
        WHEN {_VIEW_TABLE}.seen_at <= %s THEN excluded.seen_at ELSE {_VIEW_TABLE}.seen_at END
    RETURNING seen_at
"""

# Per process, the windows this process has read from the database: (question, visitor) ->
# when the visitor's counted view stops holding back another. Within it the database would
# answer "already counted" (its row is at least that recent, and sweeps remove only older
# ones), so the view is not asked again: a reload costs no write. Only a cache of the shared
# answer; the count and the windows themselves stay in the database. Bounded by entries.
RECENT_VIEWS_KEPT = 20_000
_recent_views: OrderedDict[tuple[int, str], datetime] = OrderedDict()
_recent_views_lock = threading.Lock()


def forget_recent_views() -> None:
    """Empties this process's copy of the view windows (tests start each database afresh)."""
    with _recent_views_lock:
        _recent_views.clear()


def _first_view_in_window(question_id: int, digest: str, now) -> bool:
    """Records the view and says whether it is the visitor's first within the window: a new row
    or one older than the window gets this view's time, a recent one keeps its own. Raw SQL
    because the ORM has no conditional upsert; one statement that SQLite and PostgreSQL both
    run atomically, so two processes serving the same visitor at once count one view. The row's
    time comes back, so this process knows the window without asking again until it ends."""
    key = (question_id, digest)
    window_end = _recent_views.get(key)
    if window_end is not None and now < window_end:
        return False
    adapt = connection.ops.adapt_datetimefield_value
    window = timedelta(seconds=VIEW_WINDOW_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(_VIEW_UPSERT, [question_id, digest, adapt(now), adapt(now - window)])
        seen_at = _aware(cursor.fetchone()[0])
    with _recent_views_lock:
        _recent_views[key] = seen_at + window
        _recent_views.move_to_end(key)
        while len(_recent_views) > RECENT_VIEWS_KEPT:
            _recent_views.popitem(last=False)
    return seen_at == now


def _aware(value) -> datetime:
    """A timestamp as a driver hands it back: aware (PostgreSQL), naive UTC or text (SQLite)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sweep_question_views(now=None) -> int:
    """Deletes the view rows whose window has ended; they no longer stop a view counting."""
    cutoff = (now or timezone.now()) - timedelta(seconds=VIEW_WINDOW_SECONDS)
    deleted, _ = QuestionView.objects.filter(seen_at__lte=cutoff).delete()
    return deleted


def posts_credit_to_name(user_id: int, name: str) -> int:
    """A deleted account's posts, edits and revisions stay, credited to `name` as plain text
    (spec §9.3): the rows no longer point at the account. Every thread they show in is bumped
    (posts/thread_version.py). Returns how many posts were the account's."""
    from quaestio.posts.models import PostHistory
    from quaestio.posts.thread_version import thread_changed

    owned = Post.objects.filter(owner_id=user_id)
    edited = Post.objects.filter(last_editor_id=user_id)
    post_ids = set(owned.values_list("id", flat=True)) | set(edited.values_list("id", flat=True))
    count = owned.update(owner=None, owner_display_name=name)
    user_scores.forget_user(user_id)  # the posts count for no one now
    edited.update(last_editor=None, last_editor_display_name=name)
    PostHistory.objects.filter(user_id=user_id).update(user=None, user_display_name=name)
    thread_changed(*sorted(post_ids))
    return count
