"""`quaestio user`: find users, make moderators, suspend, and let imported users claim accounts.

The command acts as the Community user in the moderators' audit log ("from the command line").
Every error says what to do next; the exit status is 0 on success, 1 on a refused action.
"""

from __future__ import annotations

import argparse

LIST_LIMIT = 50


def user_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="list users, highest reputation first")
    listing.add_argument("--moderators", action="store_true", help="only moderators")
    listing.add_argument("--suspended", action="store_true", help="only suspended users")
    listing.add_argument("--limit", type=int, default=LIST_LIMIT)
    find = sub.add_parser("find", help="find users by id, e-mail address or name")
    find.add_argument("query")
    for name, text in (
        ("make-moderator", "make a moderator"),
        ("unmake-moderator", "remove the moderator role"),
    ):
        sub.add_parser(name, help=text).add_argument("user", help="id or e-mail address")
    suspend = sub.add_parser("suspend", help="suspend a user for some days, with a reason")
    suspend.add_argument("user", help="id or e-mail address")
    suspend.add_argument("--days", required=True, help="1 to 365")
    suspend.add_argument("--reason", required=True, help="shown to the user on every page")
    sub.add_parser("unsuspend", help="lift a suspension now").add_argument("user")
    claim = sub.add_parser(
        "claim", help="give an imported account an e-mail address and send it a set-password link"
    )
    claim.add_argument("user", help="id")
    claim.add_argument("--email", required=True)
    export = sub.add_parser(
        "export", help="write everything the site holds about a user to a zip (a data request)"
    )
    export.add_argument("user", help="id or e-mail address")
    erase = sub.add_parser(
        "erase",
        help="delete a user's account at their request (posts kept as userN's), or with "
        "--remove-content also remove everything they wrote",
    )
    erase.add_argument("user", help="id or e-mail address")
    erase.add_argument(
        "--remove-content",
        action="store_true",
        help="also delete their posts and comments and blank their text and its revisions",
    )
    erase.add_argument("--yes", action="store_true", help="do it (without: say what it would do)")
    export.add_argument("--output", required=True, help="the zip file to write")


def user_command(args) -> int:
    from quaestio.core.errors import DomainError

    actions = {
        "list": _list,
        "find": _find,
        "make-moderator": lambda a: _set_moderator(a, True),
        "unmake-moderator": lambda a: _set_moderator(a, False),
        "suspend": _suspend,
        "unsuspend": _unsuspend,
        "claim": _claim,
        "export": _export,
        "erase": _erase,
    }
    try:
        return actions[args.action](args) or 0
    except DomainError as error:
        print(f"error: {error.message}")
        return 1


def _line(user) -> str:
    from quaestio.accounts.policies import suspension_end_text, suspension_state

    marks = " ♦" if user.is_moderator else ""
    state = suspension_state(user)
    if state is not None:
        marks += f" (suspended until {suspension_end_text(state.until)})"
    email = user.email or "no e-mail (imported: `quaestio user claim`)"
    return f"{user.id:>8}  {user.display_name}{marks}  {user.reputation:,} rep  {email}"


def _list(args) -> int:
    from django.utils import timezone

    from quaestio.accounts.models import COMMUNITY_USER_ID, User

    users = User.objects.exclude(id=COMMUNITY_USER_ID)
    if args.moderators:
        users = users.filter(is_moderator=True)
    if args.suspended:
        users = users.filter(suspended_until__gt=timezone.now())
    shown = list(users.order_by("-reputation", "id")[: max(1, args.limit)])
    for user in shown:
        print(_line(user))
    if not shown:
        print("No users match.")
    return 0


def _find(args) -> int:
    from django.db.models import Q

    from quaestio.accounts.models import User

    query = args.query.strip()
    condition = Q(email__iexact=query) | Q(display_name__icontains=query)
    if query.lstrip("-").isdigit() and len(query) <= 18:
        condition |= Q(id=int(query))
    found = list(User.objects.filter(condition).order_by("-reputation", "id")[:LIST_LIMIT])
    for user in found:
        print(_line(user))
    if not found:
        print(f"No user matches {query!r}; try part of the name, or `quaestio user list`.")
        return 1
    return 0


def _user(reference: str):
    from quaestio.accounts.models import User
    from quaestio.core.errors import NotFound

    reference = reference.strip()
    if reference.lstrip("-").isdigit() and len(reference) <= 18:
        user = User.objects.filter(id=int(reference)).first()
    else:
        user = User.objects.filter(email__iexact=reference).first()
    if user is None:
        raise NotFound(
            f"No user {reference!r}; give an id or an e-mail address (`quaestio user find NAME`)."
        )
    return user


def _community():
    from quaestio.accounts.models import COMMUNITY_USER_ID, User
    from quaestio.core.errors import NotFound

    community = User.objects.filter(id=COMMUNITY_USER_ID).first()
    if community is None:
        raise NotFound("The Community user (id -1) is missing; run `quaestio setup` first.")
    # The command line stands for the site's operator: a moderator for the audit log.
    community.is_moderator = True
    return community


def _set_moderator(args, value: bool) -> int:
    from django.db import transaction

    from quaestio.accounts.models import User
    from quaestio.core.errors import ValidationFailed
    from quaestio.moderation.audit import record_moderator_action

    user = _user(args.user)
    if user.is_community:
        raise ValidationFailed("The Community user is always shown as a moderator.")
    if user.is_moderator == value:
        print(
            f"{user.display_name} is {'already' if value else 'not'} a moderator; nothing changed."
        )
        return 0
    if value and user.suspended_until is not None:
        from quaestio.accounts.policies import suspension_state

        if suspension_state(user) is not None:
            raise ValidationFailed(
                f"{user.display_name} is suspended; `quaestio user unsuspend {user.id}` first."
            )
    with transaction.atomic():
        User.objects.filter(id=user.id).update(is_moderator=value)
        action = "make-moderator" if value else "unmake-moderator"
        record_moderator_action(
            _community(), action, target_user_id=user.id, details="from the command line"
        )
    print(f"{user.display_name} (user {user.id}) is {'now' if value else 'no longer'} a moderator.")
    return 0


def _suspend(args) -> int:
    from quaestio.accounts.moderating import user_suspend
    from quaestio.accounts.policies import suspension_end_text

    user = _user(args.user)
    row = user_suspend(_community(), user.id, args.days, args.reason)
    print(
        f"{user.display_name} (user {user.id}) is suspended until {suspension_end_text(row.end_date)}."
    )
    return 0


def _unsuspend(args) -> int:
    from quaestio.accounts.moderating import user_unsuspend

    user = _user(args.user)
    if user_unsuspend(_community(), user.id):
        print(f"{user.display_name} (user {user.id}) is no longer suspended.")
    else:
        print(f"{user.display_name} (user {user.id}) was not suspended; nothing changed.")
    return 0


def _claim(args) -> int:
    from django.conf import settings

    from quaestio.accounts.services import account_claim

    user = account_claim(_user(args.user).id, args.email, settings.SITE_URL)
    print(
        f"Sent a set-password link for {user.display_name} (user {user.id}) to {user.email}. "
        "Once they choose a password they log in with that address."
    )
    return 0


def _export(args) -> int:
    from pathlib import Path

    from quaestio.accounts.privacy import write_export

    user = _user(args.user)
    target = write_export(user, requested_by=None, target=Path(args.output))
    print(f"Wrote everything held about {user.display_name} (user {user.id}) to {target}.")
    return 0


def _erase(args) -> int:
    from quaestio.accounts.privacy import erase_user
    from quaestio.posts.models import Post

    user = _user(args.user)
    if not args.yes:
        posts = Post.objects.filter(owner_id=user.id, deletion_date=None).count()
        what = (
            f"delete the account and {posts} live posts of {user.display_name} (user {user.id}) "
            "and blank everything they wrote"
            if args.remove_content
            else f"delete the account of {user.display_name} (user {user.id}); its {posts} live "
            f"posts stay, credited to user{user.id}"
        )
        print(f"This would {what}. Run it again with --yes to do it.")
        return 1
    done = erase_user(user.id, requested_by=None, remove_content=args.remove_content)
    removed = (
        f" {done.posts_removed} posts and {done.comments_removed} comments removed,"
        if args.remove_content
        else ""
    )
    print(
        f"Erased user {done.user_id}, now shown as {done.name}:{removed} "
        f"{done.votes_withdrawn} votes withdrawn. Recorded as a privacy request."
    )
    return 0
