"""`quaestio backup` and `quaestio restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from quaestio.backups.archive import BackupError


def backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        type=Path,
        help="the archive to write (default: backups/quaestio-backup-<time>.tar in the data "
        "directory)",
    )


def restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("archive", type=Path, help="a file written by `quaestio backup`")
    parser.add_argument(
        "--sample", type=int, default=20, help="question pages to serve as a check (default 20)"
    )


def backup(args) -> int:
    from quaestio.backups.snapshot import default_backup_path, make_backup

    target = args.output or default_backup_path()
    try:
        manifest, digest = make_backup(target)
    except BackupError as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    rows = sum(manifest.table_rows.values())
    print(f"Backup written: {target.resolve()}")
    print(f"  {rows:,} rows in {len(manifest.table_rows)} tables, taken {manifest.created_at}")
    print(f"  SHA-256 {digest} (also in {target.name}.sha256)")
    return 0


def restore(args) -> int:
    from quaestio.backups.restore import restore_backup

    try:
        report = restore_backup(args.archive, sample=args.sample)
    except BackupError as error:
        print(f"Restore failed: {error}", file=sys.stderr)
        return 1
    rows = sum(report.manifest.table_rows.values())
    print(f"Restored {rows:,} rows in {report.tables_checked} tables; every table's rows match.")
    if report.migrations_applied:
        print(f"Upgraded the restored database by {report.migrations_applied} migrations.")
    print(f"Served {len(report.pages_checked)} pages from it without error.")
    return 0
