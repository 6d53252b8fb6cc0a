"""The help center: which pages exist, and the figures each one shows, read from the rules the
site enforces (privilege thresholds, reputation amounts, badge definitions, search operators, API
methods) so the help cannot drift from the code.

The prose lives in templates/site/help/<slug>.html; this module only lists and feeds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from quaestio.core import links


@dataclass(frozen=True)
class HelpPage:
    slug: str
    title: str
    summary: str


HELP_SECTIONS: list[tuple[str, list[HelpPage]]] = [
    (
        "Asking",
        [
            HelpPage(
                "how-to-ask",
                "How do I ask a good question?",
                "Search first, then write a specific, answerable question with the right tags.",
            ),
            HelpPage(
                "on-topic",
                "What topics can I ask about here?",
                "What this site is for, and where a question belongs.",
            ),
            HelpPage(
                "dont-ask",
                "What types of questions should I avoid asking?",
                "Questions that cannot be answered well in a post.",
            ),
            HelpPage(
                "minimal-reproducible-example",
                "How to create a minimal example",
                "Cut a problem down to the smallest case that still shows it.",
            ),
        ],
    ),
    (
        "Answering",
        [
            HelpPage(
                "how-to-answer",
                "How do I write a good answer?",
                "Answer the question asked, cite sources, and accept answers to your own.",
            ),
        ],
    ),
    (
        "Our model",
        [
            HelpPage(
                "voting",
                "Why is voting important?",
                "Votes sort the answers; what up, down and vote limits mean.",
            ),
            HelpPage(
                "reputation",
                "What is reputation? How do I earn (and lose) it?",
                "The amounts behind every change, the daily limit and the floor.",
            ),
            HelpPage(
                "privileges",
                "What are privileges?",
                "What each reputation level lets you do on this site.",
            ),
            HelpPage(
                "badges",
                "What are badges?",
                "Every badge, what earns it and whether it can be earned again.",
            ),
            HelpPage(
                "behavior",
                "What kind of behavior is expected of users?",
                "Be nice, and keep comments to improving posts.",
            ),
        ],
    ),
    (
        "Editing and searching",
        [
            HelpPage(
                "editing",
                "How does editing work?",
                "Editing posts, suggested edits, revision history and rollbacks.",
            ),
            HelpPage(
                "searching",
                "How do I search?",
                "Every operator the search box understands, with examples.",
            ),
        ],
    ),
    (
        "For developers and site owners",
        [
            HelpPage(
                "api",
                "How do I use the API?",
                "The Stack Exchange API 2.3-compatible interface, access tokens and quotas.",
            ),
            HelpPage(
                "data-dumps",
                "How do I import or export a data dump?",
                "Moving a community in and out in Stack Exchange's data dump format.",
            ),
        ],
    ),
]

HELP_PAGES: dict[str, HelpPage] = {page.slug: page for _, pages in HELP_SECTIONS for page in pages}

# What each privilege lets a user do here, for the privileges this site has a feature for. A
# privilege a policy does not check (chat, meta, elections, review queues ...) is not listed:
# tests/web/test_help.py compares these names with the privileges the code checks.
PRIVILEGE_FEATURES: dict[str, str] = {
    "create_posts": "Ask questions and write answers.",
    "remove_new_user_restrictions": (
        "Post images and any number of links, answer protected questions, and"
        " answer without the new users' wait between answers."
    ),
    "vote_up": "Vote up questions and answers you find useful.",
    "comment_everywhere": (
        "Comment on anyone's post (you can always comment on your own posts and on answers to"
        " your questions)."
    ),
    "vote_citation_needed": (
        "Vote that an answer needs citations; enough votes show the Citation needed notice."
    ),
    "set_bounties": "Offer some of your reputation as a bounty to draw attention to a question.",
    "create_wiki_posts": (
        "Make your answers community wiki (when writing or editing them): anyone with enough"
        " reputation may then improve them, and votes on them earn no reputation."
    ),
    "edit_community_wiki": "Edit community wiki posts directly.",
    "vote_down": "Vote down posts that are not useful (a down vote on an answer costs you 1).",
    "create_tags": "Add a tag that does not exist yet to a question.",
    "edit_posts": (
        "Edit anyone's post without review; below this, your edits are suggestions that"
        " reviewers approve."
    ),
    "review_suggested_edits": "Approve or reject the edits other users suggest.",
    "flag_posts": (
        "Flag a question for closing; below the close privilege, the flag goes to reviewers."
    ),
    "view_close_votes": (
        "See a question's close and reopen votes, and vote to close or reopen your own questions."
    ),
    "cast_close_votes": (
        "Vote to close and reopen any question; enough votes (three by default) close or reopen it."
    ),
    "moderator_tools": (
        "See deleted posts (in search results too, deleted:yes) and the moderator tools (/tools);"
        " vote to delete questions closed for 48 hours, and to undelete them."
    ),
    "protect_questions": (
        "Protect questions a day old or more, so only users with reputation earned here answer."
    ),
    "trusted_user": (
        "Vote to delete answers scored -1 or less, and questions closed less than 48 hours ago"
        " scored -3 or less; vote to undelete answers; edit tag wikis without review."
    ),
    "suggest_tag_synonyms": (
        "Suggest that a tag is a synonym of another (you also need an answer score of 5 in the"
        " target tag); once enough users with score there vote for it, questions are retagged."
    ),
    "approve_tag_wiki_edits": (
        "Approve or reject the edits other users suggest to tag wikis and excerpts."
    ),
    "talk_in_chat": (
        "Talk in the discussion rooms that comment threads are moved to (/rooms): post, reply,"
        " edit your messages for 2 minutes and star others'."
    ),
}


def privilege_steps(viewer) -> list:
    """The privileges this site has a feature for, in the active set's order and thresholds,
    with what the viewer holds."""
    from quaestio.reputation.privileges import privilege_ladder

    return [step for step in privilege_ladder(viewer) if step.privilege.name in PRIVILEGE_FEATURES]


def _privileges(request) -> dict:
    from quaestio.reputation.privileges import privilege_set

    viewer = request.user if request.user.is_authenticated else None
    return {
        "steps": privilege_steps(viewer),
        "features": PRIVILEGE_FEATURES,
        "privilege_set": privilege_set(),
        "viewer": viewer,
    }


def _thresholds() -> dict[str, int]:
    from quaestio.reputation.privileges import threshold

    return {name: threshold(name) for name in PRIVILEGE_FEATURES}


def _reputation(request) -> dict:
    from quaestio.reputation import rules
    from quaestio.reputation.models import BASE_REPUTATION

    gains = [
        ("your question is voted up", rules.QUESTION_UPVOTE),
        ("your answer is voted up", rules.ANSWER_UPVOTE),
        ("your answer is accepted", rules.ACCEPTED_ANSWER),
        ("you accept an answer to your question (not your own)", rules.ACCEPTER),
        ("an edit you suggested is approved", rules.SUGGESTED_EDIT),
    ]
    losses = [
        ("your question or answer is voted down", rules.POST_DOWNVOTE),
        ("you vote down an answer", rules.ANSWER_DOWNVOTE_COST),
        ("your post is deleted as spam or rude", rules.SPAM_PENALTY),
    ]
    return {
        "gains": gains,
        "losses": losses,
        "rules": rules,
        "base": BASE_REPUTATION,
        "thresholds": _thresholds(),
    }


def _voting(request) -> dict:
    from quaestio.votes import rules

    return {"votes": rules, "thresholds": _thresholds(), "reputation": _reputation(request)}


def _badges(request) -> dict:
    from quaestio.badges.definitions import DEFINITIONS, TAG_LEVELS
    from quaestio.badges.selectors import CLASS_NAMES, KIND_TITLES

    groups = [
        (title, [d for d in DEFINITIONS if d.kind == kind]) for kind, title in KIND_TITLES.items()
    ]
    tag_levels = [(CLASS_NAMES[cls], score, answers) for cls, score, answers in TAG_LEVELS]
    return {"groups": groups, "class_names": CLASS_NAMES, "tag_levels": tag_levels}


def _editing(request) -> dict:
    from quaestio.posts import revising, suggested_edits
    from quaestio.reputation import rules

    return {
        "thresholds": _thresholds(),
        "grace_minutes": int(revising.GRACE_PERIOD.total_seconds() // 60),
        "summary_max": revising.EDIT_SUMMARY_MAX,
        "votes_needed": suggested_edits.SUGGESTED_EDIT_VOTES_NEEDED,
        "queue_size": suggested_edits.SUGGESTED_EDIT_QUEUE_SIZE,
        "edit_reward": rules.SUGGESTED_EDIT,
        "edit_reward_cap": rules.SUGGESTED_EDIT_LIFETIME_CAP,
    }


def _searching(request) -> dict:
    from quaestio.search import parser

    return {
        "text_operators": sorted(parser.TEXT_OPERATORS),
        "counters": sorted(parser.COUNTERS),
        "flags": sorted(parser.FLAGS),
        "dates": sorted(parser.DATES),
        "unsupported": parser.UNSUPPORTED,
        "date_help": parser.DATE_HELP,
        "max_length": parser.MAX_QUERY_LENGTH,
    }


def _api(request) -> dict:
    from quaestio.api import views  # noqa: F401  (registers the methods)
    from quaestio.api.models import Scope
    from quaestio.api.registry import ENDPOINTS

    reads = [e for e in ENDPOINTS if not e.token]
    mine = [e for e in ENDPOINTS if e.token and e.token != "write"]
    writes = [e for e in ENDPOINTS if e.token == "write"]
    return {
        "reads": reads,
        "mine": mine,
        "writes": writes,
        "scopes": Scope.choices,
        "quota_anonymous": settings.QUAESTIO_API_QUOTA_ANONYMOUS,
        "quota_keyed": settings.QUAESTIO_API_QUOTA_KEYED,
        "requests_per_second": settings.QUAESTIO_API_REQUESTS_PER_SECOND,
        "apps_url": (
            links.page_url("user_apps", request.user.id) if request.user.is_authenticated else None
        ),
    }


def _asking(request) -> dict:
    from quaestio.posts import policies, tagging

    return {
        "thresholds": _thresholds(),
        "max_tag_length": tagging.MAX_TAG_LENGTH,
        "new_asker_reputation": policies.NEW_ASKER_REPUTATION,
        "new_asker_minutes": int(policies.NEW_ASKER_INTERVAL.total_seconds() // 60),
        "new_asker_daily": policies.NEW_ASKER_DAILY_QUESTIONS,
    }


def _answering(request) -> dict:
    from quaestio.moderation import citations
    from quaestio.posts import policies
    from quaestio.reputation import rules
    from quaestio.votes import rules as vote_rules

    return {
        "thresholds": _thresholds(),
        "accepted": rules.ACCEPTED_ANSWER,
        "accepter": rules.ACCEPTER,
        "self_accept_hours": int(vote_rules.SELF_ACCEPT_DELAY.total_seconds() // 3600),
        "new_answer_minutes": int(policies.NEW_ANSWERER_INTERVAL.total_seconds() // 60),
        "answer_seconds": int(policies.ANSWER_INTERVAL.total_seconds()),
        "citation_votes": citations.votes_needed(),
    }


def _dumps(request) -> dict:
    from quaestio.dumps.cli import export_arguments, import_arguments

    return {
        "import_options": _options(import_arguments),
        "export_options": _options(export_arguments),
    }


def _options(add_arguments) -> list[tuple[str, str]]:
    """The command's arguments and their help, as `quaestio <command> --help` prints them."""
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    add_arguments(parser)
    return [
        (", ".join(action.option_strings) or action.dest.upper(), action.help or "")
        for action in parser._actions
    ]


HELP_CONTEXT: dict[str, Callable] = {
    "how-to-ask": _asking,
    "how-to-answer": _answering,
    "voting": _voting,
    "reputation": _reputation,
    "privileges": _privileges,
    "badges": _badges,
    "editing": _editing,
    "searching": _searching,
    "api": _api,
    "data-dumps": _dumps,
}


def help_context(request, slug: str) -> dict:
    """What the help page `slug` shows besides its prose."""
    builder = HELP_CONTEXT.get(slug)
    return builder(request) if builder else {}
