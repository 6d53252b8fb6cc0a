"""A per-data-directory secret key, generated once and kept beside the database."""

from __future__ import annotations

import secrets
from pathlib import Path


def data_dir_secret_key(directory: Path) -> str:
    path = directory / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: if two workers start at once, the second reads the first one's key.
    try:
        with path.open("x") as handle:
            handle.write(key)
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text().strip()
    return key
