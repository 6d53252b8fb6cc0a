"""The standard single-site badges of spec §3 whose events exist here, each as a query.

A definition's query answers "how many times has each user earned this badge?" for a set of
users (after an event) or for everyone (the daily backfill); the granter awards the difference
between that and the badges already held. The Badge row has no post (the dump's shape), so a
badge earned once per post is counted, not matched to posts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from quaestio.accounts.models import COMMUNITY_USER_ID, User
from quaestio.badges.models import BadgeClass
from quaestio.comments.models import Comment
from quaestio.posts.models import Post, PostHistory, PostType
from quaestio.reputation import rules as rep_rules
from quaestio.reputation.models import ReputationChange
from quaestio.votes import rules as vote_rules
from quaestio.votes.models import Bounty, BountyState, Vote, VoteType

UserIds = list[int] | None
Earned = dict[int, int]


@dataclass(frozen=True)
class BadgeDefinition:
    name: str
    badge_class: int
    description: str
    multiple: bool
    query: Callable[[UserIds], Earned]
    kind: str  # question, answer, participation, moderation
    # Events after which the check runs for the users involved; every badge also runs in the
    # daily backfill. "scored": a post of the user's gained or lost votes; "voted": the user
    # voted; "accepted": an accept involving the user; "bounty"; "commented"; "edited";
    # "deleted" (own post); "profile"; "reviewed" (a review task).
    triggers: frozenset[str] = frozenset()


def _limit(queryset: QuerySet, field: str, user_ids: UserIds) -> QuerySet:
    return queryset if user_ids is None else queryset.filter(**{f"{field}__in": user_ids})


def _count_by(queryset: QuerySet, field: str, user_ids: UserIds, distinct: str = "id") -> Earned:
    rows = (
        _limit(queryset, field, user_ids)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(n=Count(distinct, distinct=True))
        .values_list(field, "n")
    )
    return dict(rows)


def _at_least(earned: Earned, needed: int) -> Earned:
    """Once-badges reached by a count: 1 for every user at or above `needed`."""
    return {user: 1 for user, n in earned.items() if n >= needed}


def live_posts(post_type: int) -> QuerySet:
    return Post.objects.filter(post_type=post_type, deletion_date__isnull=True)


def _comments() -> QuerySet:
    return Comment.objects.filter(deletion_date__isnull=True)


def _history() -> QuerySet:
    return PostHistory.objects.filter(post__deletion_date__isnull=True)


# Row sources the counted badges share: (rows, the user column, what one occurrence is).
SOURCES: dict[str, tuple[Callable[[], QuerySet], str, str]] = {
    "questions": (lambda: live_posts(PostType.QUESTION), "owner_id", "id"),
    "answers": (lambda: live_posts(PostType.ANSWER), "owner_id", "id"),
    "post_votes": (lambda: _post_votes(), "user_id", "id"),
    "comments": (_comments, "user_id", "id"),
    "edits": (_history, "user_id", "post_id"),  # posts edited, not revisions
}


@dataclass(frozen=True)
class Counted:
    """A badge earned by counting one source's rows that meet a condition.

    Once-badges need `needed` rows; multi-badges are earned once per row. Badges over the
    same source are counted together in one query (see `count_many`), which keeps the
    after-event check to a handful of queries.
    """

    source: str
    condition: Q
    needed: int = 1
    once: bool = False

    def __call__(self, user_ids: UserIds) -> Earned:
        return count_many({"badge": self}, user_ids)["badge"]


def count_many(specs: dict[str, Counted], user_ids: UserIds) -> dict[str, Earned]:
    """Evaluate many counted badges with one aggregate query per source."""
    earned: dict[str, Earned] = {name: {} for name in specs}
    by_source: dict[str, list[tuple[str, Counted]]] = {}
    for name, spec in specs.items():
        by_source.setdefault(spec.source, []).append((name, spec))
    for source, members in by_source.items():
        rows_of, field, occurrence = SOURCES[source]
        aliases = {f"c{i}": (name, spec) for i, (name, spec) in enumerate(members)}
        rows = (
            _limit(rows_of(), field, user_ids)
            .exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(
                **{
                    alias: Count(occurrence, filter=spec.condition, distinct=True)
                    for alias, (_name, spec) in aliases.items()
                }
            )
        )
        for row in rows:
            for alias, (name, spec) in aliases.items():
                n = row[alias]
                if spec.once and n >= spec.needed:
                    earned[name][row[field]] = 1
                elif not spec.once and n:
                    earned[name][row[field]] = n
    return earned


ANY = Q(pk__isnull=False)
EDIT_TYPES = (4, 5, 6)


def _accepted_answers() -> QuerySet:
    return live_posts(PostType.ANSWER).filter(parent__accepted_answer_id=F("id"))


def _earlier_answer() -> Exists:
    return Exists(
        Post.objects.filter(
            parent_id=OuterRef("parent_id"),
            post_type=PostType.ANSWER,
            deletion_date__isnull=True,
            creation_date__lt=OuterRef("creation_date"),
        )
    )


def enlightened(user_ids: UserIds) -> Earned:
    return _count_by(
        _accepted_answers().filter(score__gte=10).filter(~_earlier_answer()), "owner_id", user_ids
    )


def late_answers(days: int, minimum: int, first_only: bool):
    def query(user_ids: UserIds) -> Earned:
        answers = live_posts(PostType.ANSWER).filter(
            score__gte=minimum, creation_date__gt=F("parent__creation_date") + timedelta(days=days)
        )
        if first_only:
            answers = answers.filter(~_earlier_answer())
        return _count_by(answers, "owner_id", user_ids)

    return query


def zero_score_accepted(more_than: int, share: float):
    def query(user_ids: UserIds) -> Earned:
        zero = _count_by(_accepted_answers().filter(score=0), "owner_id", user_ids)
        totals = _count_by(live_posts(PostType.ANSWER), "owner_id", list(zero) or [0])
        return {
            user: 1
            for user, n in zero.items()
            if n > more_than and n >= share * totals.get(user, 0)
        }

    return query


def autobiographer(user_ids: UserIds) -> Earned:
    users = _limit(User.objects.exclude(about_me="").exclude(id=COMMUNITY_USER_ID), "id", user_ids)
    return {user_id: 1 for user_id in users.values_list("id", flat=True)}


def capped_days(times: int):
    """Days on which the capped bucket reached the 200 cap (Mortarboard, Epic, Legendary)."""

    def query(user_ids: UserIds) -> Earned:
        rows = (
            _limit(
                ReputationChange.objects.filter(reason__in=rep_rules.CAPPED), "user_id", user_ids
            )
            .annotate(day=TruncDate("created_at"))
            .values("user_id", "day")
            .annotate(total=Sum("amount"))
            .filter(total__gte=rep_rules.DAILY_CAP)
        )
        per_user: Earned = {}
        for row in rows:
            per_user[row["user_id"]] = per_user.get(row["user_id"], 0) + 1
        return _at_least(per_user, times)

    return query


def _post_votes() -> QuerySet:
    return Vote.objects.filter(vote_type__in=(VoteType.UP_MOD, VoteType.DOWN_MOD))


def votes_in_a_day(count: int):
    def query(user_ids: UserIds) -> Earned:
        rows = (
            _limit(_post_votes(), "user_id", user_ids)
            .exclude(user_id__isnull=True)
            .annotate(day=TruncDate("creation_date"))
            .values("user_id", "day")
            .annotate(n=Count("id"))
            .filter(n__gte=count)
            .values_list("user_id", flat=True)
        )
        return {user_id: 1 for user_id in rows}

    return query


def electorate(user_ids: UserIds) -> Earned:
    totals = _count_by(_post_votes(), "user_id", user_ids)
    on_questions = _count_by(
        _post_votes().filter(post__post_type=PostType.QUESTION), "user_id", user_ids
    )
    return {
        user: 1 for user, n in on_questions.items() if n >= 600 and n >= 0.25 * totals.get(user, 0)
    }


def bounties(awarded: bool, own_question: bool):
    def query(user_ids: UserIds) -> Earned:
        rows = Bounty.objects.all()
        if awarded:
            rows = rows.filter(state=BountyState.AWARDED)
        same = Q(question__owner_id=F("offerer_id"))
        rows = rows.filter(same) if own_question else rows.exclude(same)
        return _at_least(_count_by(rows, "offerer_id", user_ids), 1)

    return query


def deleted_own_post(score_test: Q):
    def query(user_ids: UserIds) -> Earned:
        rows = PostHistory.objects.filter(post_history_type=12, post__owner_id=F("user_id")).filter(
            score_test
        )
        return _at_least(_count_by(rows, "user_id", user_ids), 1)

    return query


def reviews_per_queue(user_ids: UserIds) -> dict[tuple[int, str], int]:
    """(user, queue) -> review tasks the user completed there: reviews other than skips in
    the review queues, plus verdicts on suggested edits (two grouped queries)."""
    from quaestio.moderation.models import Review, ReviewAction
    from quaestio.posts.models import SuggestedEditReview

    counts: dict[tuple[int, str], int] = {}
    rows = (
        _limit(Review.objects.exclude(action=ReviewAction.SKIP), "user_id", user_ids)
        .values("user_id", "queue")
        .annotate(n=Count("id"))
        .values_list("user_id", "queue", "n")
    )
    for user_id, queue, n in rows:
        counts[(user_id, queue)] = n
    rows = (
        _limit(SuggestedEditReview.objects.all(), "user_id", user_ids)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    for user_id, n in rows:
        counts[(user_id, "suggested-edits")] = n
    return counts


def review_badge(needed: int):
    """Custodian, Reviewer, Steward (spec §3.4): earned once per queue in which the user
    completed `needed` review tasks."""

    def query(user_ids: UserIds) -> Earned:
        earned: Earned = {}
        for (user_id, _queue), n in reviews_per_queue(user_ids).items():
            if n >= needed:
                earned[user_id] = earned.get(user_id, 0) + 1
        return earned

    return query


GOLD, SILVER, BRONZE = BadgeClass.GOLD, BadgeClass.SILVER, BadgeClass.BRONZE
Q_, A_, P_, M_ = "question", "answer", "participation", "moderation"

DEFINITIONS: list[BadgeDefinition] = [
    # Question badges (§3.1)
    BadgeDefinition("Altruist", BRONZE, "First bounty you manually award on someone else's question", False, bounties(True, False), Q_, frozenset({"bounty"})),
    BadgeDefinition("Benefactor", BRONZE, "First bounty you manually award on your own question", False, bounties(True, True), Q_, frozenset({"bounty"})),
    BadgeDefinition("Investor", BRONZE, "First bounty you offer on someone else's question", False, bounties(False, False), Q_, frozenset({"bounty"})),
    BadgeDefinition("Promoter", BRONZE, "First bounty you offer on your own question", False, bounties(False, True), Q_, frozenset({"bounty"})),
    BadgeDefinition("Student", BRONZE, "Asked first question with score of 1 or more", False, Counted("questions", Q(score__gte=1), once=True), Q_, frozenset({"scored"})),
    BadgeDefinition("Scholar", BRONZE, "Asked a question and accepted an answer", False, Counted("questions", Q(accepted_answer_id__isnull=False), once=True), Q_, frozenset({"accepted"})),
    BadgeDefinition("Nice Question", BRONZE, "Question score of 10 or more", True, Counted("questions", Q(score__gte=10)), Q_, frozenset({"scored"})),
    BadgeDefinition("Good Question", SILVER, "Question score of 25 or more", True, Counted("questions", Q(score__gte=25)), Q_, frozenset({"scored"})),
    BadgeDefinition("Great Question", GOLD, "Question score of 100 or more", True, Counted("questions", Q(score__gte=100)), Q_, frozenset({"scored"})),
    BadgeDefinition("Popular Question", BRONZE, "Asked a question with 1,000 views", True, Counted("questions", Q(view_count__gte=1000)), Q_, frozenset()),
    BadgeDefinition("Notable Question", SILVER, "Asked a question with 2,500 views", True, Counted("questions", Q(view_count__gte=2500)), Q_, frozenset()),
    BadgeDefinition("Famous Question", GOLD, "Asked a question with 10,000 views", True, Counted("questions", Q(view_count__gte=10000)), Q_, frozenset()),
    # Answer badges (§3.2)
    BadgeDefinition("Teacher", BRONZE, "Answered a question with score of 1 or more", False, Counted("answers", Q(score__gte=1), once=True), A_, frozenset({"scored"})),
    BadgeDefinition("Self-Learner", BRONZE, "Answered your own question with score of 3 or more", True, Counted("answers", Q(score__gte=3, parent__owner_id=F("owner_id"))), A_, frozenset({"scored"})),
    BadgeDefinition("Nice Answer", BRONZE, "Answer score of 10 or more", True, Counted("answers", Q(score__gte=10)), A_, frozenset({"scored"})),
    BadgeDefinition("Good Answer", SILVER, "Answer score of 25 or more", True, Counted("answers", Q(score__gte=25)), A_, frozenset({"scored"})),
    BadgeDefinition("Great Answer", GOLD, "Answer score of 100 or more", True, Counted("answers", Q(score__gte=100)), A_, frozenset({"scored"})),
    BadgeDefinition("Enlightened", SILVER, "First to answer and accepted with score of 10 or more", True, enlightened, A_, frozenset({"scored", "accepted"})),
    BadgeDefinition("Guru", SILVER, "Accepted answer and score of 40 or more", True, Counted("answers", Q(score__gte=40, parent__accepted_answer_id=F("id"))), A_, frozenset({"scored", "accepted"})),
    BadgeDefinition("Revival", BRONZE, "First answer more than 30 days after the question, score of 2 or more", True, late_answers(30, 2, True), A_, frozenset({"scored"})),
    BadgeDefinition("Necromancer", SILVER, "Answered a question more than 60 days later with score of 5 or more", True, Counted("answers", Q(score__gte=5, creation_date__gt=F("parent__creation_date") + timedelta(days=60))), A_, frozenset({"scored"})),
    BadgeDefinition("Tenacious", BRONZE, "Zero-score accepted answers: more than 5 and 20% of total", False, zero_score_accepted(5, 0.20), A_, frozenset({"accepted"})),
    BadgeDefinition("Unsung Hero", GOLD, "Zero-score accepted answers: more than 10 and 25% of total", False, zero_score_accepted(10, 0.25), A_, frozenset({"accepted"})),
    # Participation badges (§3.3)
    BadgeDefinition("Autobiographer", BRONZE, "Completed the About Me section of the profile", False, autobiographer, P_, frozenset({"profile"})),
    BadgeDefinition("Commentator", BRONZE, "Left 10 comments", False, Counted("comments", ANY, needed=10, once=True), P_, frozenset({"commented"})),
    BadgeDefinition("Pundit", SILVER, "Left 10 comments with score of 5 or more", False, Counted("comments", Q(score__gte=5), needed=10, once=True), P_, frozenset({"commented"})),
    BadgeDefinition("Mortarboard", BRONZE, "Earned at least 200 reputation (the daily maximum) in a single day", False, capped_days(1), P_, frozenset({"scored"})),
    BadgeDefinition("Epic", SILVER, "Earned 200 daily reputation 50 times", False, capped_days(50), P_, frozenset({"scored"})),
    BadgeDefinition("Legendary", GOLD, "Earned 200 daily reputation 150 times", False, capped_days(150), P_, frozenset({"scored"})),
    # Moderation badges (§3.4)
    BadgeDefinition("Supporter", BRONZE, "First up vote", False, Counted("post_votes", Q(vote_type=VoteType.UP_MOD), once=True), M_, frozenset({"voted"})),
    BadgeDefinition("Critic", BRONZE, "First down vote", False, Counted("post_votes", Q(vote_type=VoteType.DOWN_MOD), once=True), M_, frozenset({"voted"})),
    BadgeDefinition("Suffrage", BRONZE, "Used 30 votes in a day", False, votes_in_a_day(vote_rules.DAILY_VOTES_ANY_POST), M_, frozenset({"voted"})),
    BadgeDefinition("Vox Populi", BRONZE, "Used the maximum 40 votes in a day", False, votes_in_a_day(vote_rules.DAILY_VOTES), M_, frozenset({"voted"})),
    BadgeDefinition("Civic Duty", SILVER, "Voted 300 or more times", False, Counted("post_votes", ANY, needed=300, once=True), M_, frozenset({"voted"})),
    BadgeDefinition("Electorate", GOLD, "Voted on 600 questions and 25% or more of total votes are on questions", False, electorate, M_, frozenset({"voted"})),
    BadgeDefinition("Editor", BRONZE, "First edit", False, Counted("edits", Q(post_history_type__in=EDIT_TYPES), once=True), M_, frozenset({"edited"})),
    BadgeDefinition("Strunk & White", SILVER, "Edited 80 posts", False, Counted("edits", Q(post_history_type__in=EDIT_TYPES), needed=80, once=True), M_, frozenset({"edited"})),
    BadgeDefinition("Copy Editor", GOLD, "Edited 500 posts (excluding own or deleted posts)", False, Counted("edits", Q(post_history_type__in=EDIT_TYPES) & ~Q(post__owner_id=F("user_id")), needed=500, once=True), M_, frozenset({"edited"})),
    BadgeDefinition("Organizer", BRONZE, "First retag", False, Counted("edits", Q(post_history_type=6), once=True), M_, frozenset({"edited"})),
    BadgeDefinition("Cleanup", BRONZE, "First rollback", False, Counted("edits", Q(post_history_type__in=(7, 8, 9)), once=True), M_, frozenset({"edited"})),
    BadgeDefinition("Disciplined", BRONZE, "Deleted own post with score of 3 or higher", False, deleted_own_post(Q(post__score__gte=3)), M_, frozenset({"deleted"})),
    BadgeDefinition("Peer Pressure", BRONZE, "Deleted own post with score of -3 or lower", False, deleted_own_post(Q(post__score__lte=-3)), M_, frozenset({"deleted"})),
    BadgeDefinition("Custodian", BRONZE, "Completed at least one review task (once per review queue)", True, review_badge(1), M_, frozenset({"reviewed"})),
    BadgeDefinition("Reviewer", SILVER, "Completed at least 250 review tasks (once per review queue)", True, review_badge(250), M_, frozenset({"reviewed"})),
    BadgeDefinition("Steward", GOLD, "Completed at least 1,000 review tasks (once per review queue)", True, review_badge(1000), M_, frozenset({"reviewed"})),
]  # fmt: skip

BY_NAME = {definition.name: definition for definition in DEFINITIONS}

# Tag badges (§3.6): (class, total answer score, non-CW answers) per level.
TAG_LEVELS = [(BRONZE, 100, 20), (SILVER, 400, 80), (GOLD, 1000, 200)]


def tag_badges_earned(user_ids: UserIds) -> dict[tuple[int, str, int], int]:
    """(user, tag, class) → 1 for each tag badge level reached: answers, not CW, not deleted."""
    from quaestio.tags.models import PostTag

    rows = (
        _limit(
            PostTag.objects.filter(
                post__answers__post_type=PostType.ANSWER,
                post__answers__deletion_date__isnull=True,
                post__answers__community_owned_date__isnull=True,
                post__deletion_date__isnull=True,
            ),
            "post__answers__owner_id",
            user_ids,
        )
        .values("post__answers__owner_id", "tag__name")
        .annotate(score=Sum("post__answers__score"), answers=Count("post__answers__id"))
        .filter(answers__gte=TAG_LEVELS[0][2], score__gte=TAG_LEVELS[0][1])
    )
    earned = {}
    for row in rows:
        for badge_class, score, answers in TAG_LEVELS:
            if row["score"] >= score and row["answers"] >= answers:
                earned[(row["post__answers__owner_id"], row["tag__name"], badge_class)] = 1
    return earned
