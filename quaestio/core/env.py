"""Typed readers for environment variables: the only place configuration enters the code."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse


class ConfigurationError(RuntimeError):
    """A setting holds a value the code cannot use; the message says which and how to fix it."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(
        f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    return Path(env_str("QUAESTIO_DATA_DIR", "var")).resolve()


def database_config(url: str, sqlite_path: Path) -> dict:
    """Django DATABASES['default'] for a DATABASE_URL, or the embedded SQLite file when it is empty."""
    if not url:
        return {
            "ENGINE": "quaestio.core.sqlite",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                # WAL lets several server workers read while one writes; the busy timeout makes a
                # writer wait for another instead of failing at once.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;"
                ),
            },
            # Keep each worker's connection open: opening one and running the PRAGMAs above cost
            # more than the question page's four queries together.
            "CONN_MAX_AGE": 600,
            "TEST": {"NAME": None},
        }
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "quaestio",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        return database_config("", Path(unquote(parsed.path)))
    raise ConfigurationError(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported; "
        "use postgres://user@host:port/name, sqlite:///path, or leave it empty for the embedded SQLite"
    )
