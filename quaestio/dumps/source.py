"""Where a dump comes from: a folder of the XML files, or the site's .7z archive.

An archive is never unpacked whole: each file is extracted on its own to a temporary folder
just before it is read and deleted right after, so the disk holds one file at a time.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from quaestio.dumps.errors import DumpError


class DumpSource:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise DumpError(f"{self.path} does not exist")
        if self.path.is_dir():
            self._names = {p.name.lower(): p.name for p in self.path.iterdir() if p.is_file()}
        elif self.path.suffix.lower() == ".7z":
            import py7zr

            with py7zr.SevenZipFile(self.path) as archive:
                self._names = {
                    Path(name).name.lower(): name
                    for name in archive.getnames()
                    if name.lower().endswith(".xml")
                }
        else:
            raise DumpError(f"{self.path} is neither a folder of dump files nor a .7z archive")

    @property
    def site_name(self) -> str:
        """beer.stackexchange.com for both `beer.stackexchange.com/` and `….com.7z`."""
        name = self.path.name
        return name[:-3] if name.lower().endswith(".7z") else name

    def has(self, filename: str) -> bool:
        return filename.lower() in self._names

    def size(self, filename: str) -> int | None:
        if self.path.is_dir():
            return (self.path / self._names[filename.lower()]).stat().st_size
        return None  # known once extracted

    @contextmanager
    def open(self, filename: str) -> Iterator[tuple[BinaryIO, int]]:
        """Yield (binary stream, size in bytes) for one dump file."""
        member = self._names[filename.lower()]
        if self.path.is_dir():
            path = self.path / member
            with path.open("rb") as stream:
                yield stream, path.stat().st_size
            return
        import py7zr

        scratch = Path(tempfile.mkdtemp(prefix="quaestio-dump-"))
        try:
            with py7zr.SevenZipFile(self.path) as archive:
                archive.extract(path=scratch, targets=[member])
            path = scratch / member
            with path.open("rb") as stream:
                yield stream, path.stat().st_size
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
