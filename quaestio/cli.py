"""The `quaestio` command: set up, serve and maintain a Quaestio site.

Each subcommand is a function taking parsed arguments; COMMANDS maps names to them lazily, so
`quaestio --help` stays fast and a room adds its command with one line here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

# name → ("module:function", help, argument-adder "module:function" or None)
COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "demo": (
        "quaestio.cli_commands:demo",
        "load the demo community (into an empty data directory; one that holds a site is served "
        "as it is) and serve it",
        "quaestio.cli_commands:serve_arguments",
    ),
    "serve": (
        "quaestio.cli_commands:serve",
        "serve the site in the data directory with a production server",
        "quaestio.cli_commands:serve_arguments",
    ),
    "cluster": (
        "quaestio.cluster.command:cluster",
        "for development: N web processes behind a round-robin proxy, and the task worker, "
        "restarted when they exit (docs/deployment.md)",
        "quaestio.cluster.command:cluster_arguments",
    ),
    "setup": (
        "quaestio.cli_commands:setup",
        "create or upgrade the database in the data directory",
        None,
    ),
    "backup": (
        "quaestio.backups.cli:backup",
        "write a consistent backup of the site (database, secret key, uploads) while it serves",
        "quaestio.backups.cli:backup_arguments",
    ),
    "restore": (
        "quaestio.backups.cli:restore",
        "restore a backup into an empty data directory or database, then check it",
        "quaestio.backups.cli:restore_arguments",
    ),
    "recount": (
        "quaestio.cli_commands:recount_counters",
        "recompute every denormalised counter from the rows",
        None,
    ),
    "reindex": ("quaestio.search.cli:reindex", "rebuild the search index from the posts", None),
    "backfill-sources": (
        "quaestio.sources.cli:backfill_sources",
        "read the sources (links, DOIs, ISBNs, cited works) of posts that have none kept yet; "
        "resumes where an interrupted run stopped",
        "quaestio.sources.cli:backfill_arguments",
    ),
    "embed": (
        "quaestio.search.cli:embed",
        "compute question titles' embeddings for similar questions by meaning",
        "quaestio.search.cli:embed_arguments",
    ),
    "recalc-reputation": (
        "quaestio.reputation.commands:recalc_reputation",
        "replay each user's reputation from the events that stand; report and fix differences",
        None,
    ),
    "award-badges": (
        "quaestio.badges.commands:award_badges_command",
        "award every badge earned and not yet held (the daily backfill)",
        None,
    ),
    "daily-jobs": (
        "quaestio.votes.commands:daily_jobs",
        "close expired bounties, reverse serial voting, age close votes, the Community "
        "clean-up (Roomba), award badges, check outbound links, e-mail the inbox and watched-tags "
        "daily digests",
        None,
    ),
    "check-links": (
        "quaestio.linkcheck.commands:check_links_command",
        "check the outbound links of live posts (politely), mark dead ones and find archived "
        "copies; `daily-jobs` runs it",
        "quaestio.linkcheck.commands:check_links_arguments",
    ),
    "weekly-jobs": (
        "quaestio.notifications.commands:weekly_jobs",
        "e-mail the watched-tags weekly digests",
        None,
    ),
    "hourly-jobs": (
        "quaestio.moderation.commands:hourly_jobs",
        "the Community user bumps one old unanswered question into the active list",
        None,
    ),
    "import-dump": (
        "quaestio.dumps.cli:import_dump",
        "import a Stack Exchange data dump (folder or .7z)",
        "quaestio.dumps.cli:import_arguments",
    ),
    "import-api": (
        "quaestio.dumps.cli:import_api",
        "import a site through a Stack Exchange API 2.3 endpoint (public site or Teams), resumable",
        "quaestio.dumps.cli:import_api_arguments",
    ),
    "export-dump": (
        "quaestio.dumps.cli:export_dump",
        "write the site as a Stack Exchange data dump",
        "quaestio.dumps.cli:export_arguments",
    ),
    "user": (
        "quaestio.accounts.cli:user_command",
        "list and find users, make or unmake moderators, suspend and unsuspend, and let "
        "imported users claim their accounts",
        "quaestio.accounts.cli:user_arguments",
    ),
    "manage": (
        "quaestio.cli_commands:manage",
        "run a Django management command (e.g. `quaestio manage createsuperuser`)",
        "quaestio.cli_commands:manage_arguments",
    ),
}


def _load(reference: str) -> Callable:
    module, name = reference.split(":")
    return getattr(importlib.import_module(module), name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quaestio", description="Quaestio: a self-hosted Q&A platform."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_target, help_text, arguments) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if arguments:
            _load(arguments)(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quaestio.settings")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    import django

    django.setup()
    return int(_load(COMMANDS[args.command][0])(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
