"""The backup file: one tar archive holding a manifest, the database snapshot, the data
directory's secret key and the uploads, with a SHA-256 for every member and a sidecar
`<archive>.sha256` (the `sha256sum -c` format) for the archive as a whole.

The manifest says what the snapshot holds (rows per table, the migrations applied), so a
restore can check that it put back exactly that, and refuse a backup newer than its code.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "quaestio-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what to do next."""


@dataclass
class Manifest:
    created_at: str
    vendor: str  # "sqlite" or "postgresql"
    database_member: str
    table_rows: dict[str, int]
    migrations: list[list[str]]  # [app_label, name] applied in the snapshot
    quaestio_version: str
    checksums: dict[str, str] = field(default_factory=dict)  # member → sha256

    def to_json(self) -> bytes:
        body = {"format": FORMAT, "format_version": FORMAT_VERSION, **self.__dict__}
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            body = json.loads(raw)
        except ValueError as error:
            raise BackupError(f"the backup's manifest is not JSON ({error})") from error
        if body.get("format") != FORMAT:
            raise BackupError("this file is not a Quaestio backup (its manifest says otherwise)")
        if body.get("format_version", 0) > FORMAT_VERSION:
            raise BackupError(
                "this backup was written by a newer Quaestio; restore it with that release"
            )
        fields = {name: body[name] for name in cls.__dataclass_fields__ if name in body}
        try:
            return cls(**fields)
        except TypeError as error:
            raise BackupError(f"the backup's manifest is incomplete ({error})") from error


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(target: Path, manifest: Manifest, members: dict[str, Path]) -> str:
    """Write the archive to `target` (through a temporary name, so a half-written backup never
    carries the final name) and its sidecar checksum; returns the archive's SHA-256."""
    manifest.checksums = {name: file_sha256(path) for name, path in members.items()}
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w") as archive:
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        archive.addfile(info, io.BytesIO(raw))
        for name, path in members.items():
            archive.add(path, arcname=name, recursive=False)
    digest = file_sha256(partial)
    partial.replace(target)
    sidecar(target).write_text(f"{digest}  {target.name}\n")
    return digest


def sidecar(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def verify_archive(archive: Path) -> Manifest:
    """Check the archive against its sidecar (when present) and every member against the
    manifest; returns the manifest. Raises BackupError naming what does not match."""
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist or is not a file")
    check = sidecar(archive)
    if check.exists():
        expected = check.read_text().split()[0]
        if file_sha256(archive) != expected:
            raise BackupError(
                f"{archive} does not match its checksum in {check.name}: the file is damaged "
                "or incomplete; use another copy of the backup"
            )
    try:
        with tarfile.open(archive, "r") as tar:
            manifest = Manifest.from_json(_read_member(tar, MANIFEST))
            for name, expected in manifest.checksums.items():
                digest = hashlib.sha256()
                handle = tar.extractfile(_member(tar, name))
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != expected:
                    raise BackupError(f"the backup's {name} is damaged (checksum differs)")
    except tarfile.TarError as error:
        raise BackupError(f"{archive} is not a readable backup archive ({error})") from error
    return manifest


def extract_member(archive: Path, name: str, destination: Path) -> None:
    """Copy one member's bytes to `destination` (never trusting the member's own path)."""
    with tarfile.open(archive, "r") as tar, destination.open("wb") as out:
        source = tar.extractfile(_member(tar, name))
        while chunk := source.read(CHUNK):
            out.write(chunk)


def member_names(archive: Path, prefix: str) -> list[str]:
    with tarfile.open(archive, "r") as tar:
        return [m.name for m in tar.getmembers() if m.isfile() and m.name.startswith(prefix)]


def _member(tar: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    try:
        member = tar.getmember(name)
    except KeyError as error:
        raise BackupError(f"the backup has no {name}; it is incomplete") from error
    if not member.isfile():
        raise BackupError(f"the backup's {name} is not a regular file")
    return member


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    return tar.extractfile(_member(tar, name)).read()
