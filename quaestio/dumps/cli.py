"""Bodies of `quaestio import-dump PATH` and `quaestio export-dump DIR` (listed in quaestio/cli.py)."""

from __future__ import annotations

import argparse
import resource
import sys

from django.core.management import call_command


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
    from quaestio.core.progress import progress_bar
    from quaestio.search import meaning

    if meaning.enabled():
        print("Embedding the imported question titles…", flush=True)
        meaning.embed_all(progress=progress_bar("questions"))


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
