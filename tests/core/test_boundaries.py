"""No module reaches into another module's private (underscore) names: what a room offers the
others is its public names (the dump importer reached the search index through
`sqlite_fts._row` once; it now goes through the backends' bulk-load contract)."""

from __future__ import annotations

import ast
from pathlib import Path

import quaestio

ROOT = Path(quaestio.__file__).parent


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    modules: set[str] = set()  # local names bound to quaestio modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("quaestio"):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append(f"{path}:{node.lineno} imports {node.module}.{alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("quaestio"):
                    modules.add(alias.asname or alias.name.split(".")[0])
    # A name the file also assigns (a local `parser = argparse.ArgumentParser()` beside an
    # imported `parser` module) may not be the module where it is used: left out.
    modules -= {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr != "_meta"  # Django's documented model API
        ):
            found.append(f"{path}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [use for path in sorted(ROOT.rglob("*.py")) for use in _private_uses(path)]
    assert found == []
