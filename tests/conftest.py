"""Shared fixtures: the real database (SQLite by default, PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(db):
    """The demo community, loaded by the same code `quaestio demo` runs."""
    from quaestio.demo.loader import load_demo

    return load_demo()
