"""Bodies of `quaestio import-dump PATH` and `quaestio export-dump DIR` (listed in quaestio/cli.py)."""

from __future__ import annotations

import argparse
import resource
import sys

from django.core.management import call_command

from quaestio.dumps.api_client import DEFAULT_BASE_URL, TEAMS_BASE_URL


def import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a folder of the dump's XML files, or the site's .7z archive")
    parser.add_argument(
        "--site", help="the site's name for credits (default: the folder or archive name)"
    )
    parser.add_argument("--batch-size", type=int, default=10_000, help="rows per bulk insert")
    parser.add_argument(
        "--workers",
        type=int,
        choices=(0, 1),
        default=1,
        help="1 (default): parse in a second process while inserting; 0: one process",
    )


def import_api_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--site", help="the API's site parameter (e.g. history)")
    which.add_argument("--team", help="a Stack Overflow for Teams team (with --access-token)")
    parser.add_argument(
        "--base-url",
        help=f"the API's address (default {DEFAULT_BASE_URL}; with --team {TEAMS_BASE_URL})",
    )
    parser.add_argument("--key", help="an app key (raises the daily quota)")
    parser.add_argument(
        "--access-token",
        help="an access token (Teams: sent as the X-API-Access-Token header)",
    )
    parser.add_argument(
        "--workdir",
        help="where fetched pages and the resume state are kept (default: "
        "<data dir>/import-api/<site>); run again with the same one to resume",
    )
    parser.add_argument(
        "--since",
        help="only posts created on or after this date (YYYY-MM-DD, UTC), with their comments "
        "and the users they name: a site newer than its dump (see quaestio/dumps/README.md)",
    )
    parser.add_argument("--name", help="the site's name for credits (default: from --site)")
    parser.add_argument(
        "--page-size", type=int, default=100, choices=range(1, 101), metavar="1-100"
    )
    parser.add_argument(
        "--pages", type=int, help="fetch at most this many pages in this run, then stop"
    )


def import_api(args) -> int:
    from datetime import UTC, datetime

    from django.conf import settings

    from quaestio.dumps.api_import import Unfinished
    from quaestio.dumps.api_import import import_api as run_import
    from quaestio.dumps.errors import DumpError

    since = None
    if args.since:
        try:
            since = datetime.fromisoformat(args.since).replace(tzinfo=UTC)
        except ValueError:
            print(f"import-api: --since {args.since!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 2
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    workdir = args.workdir or settings.DATA_DIR / "import-api" / (args.team or args.site)
    try:
        report = run_import(
            workdir,
            base_url=args.base_url or (TEAMS_BASE_URL if args.team else DEFAULT_BASE_URL),
            site=args.site,
            team=args.team,
            key=args.key,
            access_token=args.access_token,
            since=since,
            name=args.name,
            page_size=args.page_size,
            max_pages=args.pages,
        )
    except Unfinished as stopped:
        print(f"import-api: {stopped}", file=sys.stderr)
        return 3
    except DumpError as error:
        print(f"import-api: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("import-api: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    for line in report.lines():
        print(line)
    return 0


def export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="the folder to write the eight XML files into")


def import_dump(args) -> int:
    # A fresh data directory gets its database first.
    from django.conf import settings

    from quaestio.dumps.errors import DumpError
    from quaestio.dumps.importer import import_dump as run_import

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    try:
        report = run_import(
            args.path, site=args.site, batch_size=args.batch_size, workers=args.workers
        )
    except DumpError as error:
        print(f"import-dump: {error.message}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    print(f"  peak memory: {peak_memory_mb():.0f} MB")
    embed_imported_titles()
    return 0


def embed_imported_titles() -> None:
    """With similar questions by meaning on, the imported questions' title vectors (after the
    import's transaction: a failure here leaves the import whole; `quaestio embed` resumes)."""
    from quaestio.search import meaning
    from quaestio.search.cli import embed_with_report

    if meaning.enabled():
        print("Embedding the imported question titles…", flush=True)
        embed_with_report()


def export_dump(args) -> int:
    from quaestio.dumps.errors import DumpError
    from quaestio.dumps.exporter import export_dump as run_export

    try:
        counts = run_export(args.dir)
    except DumpError as error:
        print(f"export-dump: {error.message}", file=sys.stderr)
        return 1
    print(f"Exported to {args.dir}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    return 0


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
