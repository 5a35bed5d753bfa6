"""The one-way house (DESIGN §10): route → service → chain → contract → event →
index → public read. Read from the source's own import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("chain", "gateway")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The project modules `path` imports, absolute, whether written relative or not."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for guard in [n for n in ast.walk(tree) if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]:
        guard.body = []  # names for type hints only: not an import when the code runs
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


GRAPH = {
    _module_of(path): _imports(path)
    for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
}


def _importers(prefix: str) -> dict[str, set[str]]:
    return {module: imports for module, imports in GRAPH.items() if module == prefix or module.startswith(prefix + ".")}


def _reaching(imports: set[str], prefix: str) -> set[str]:
    return {name for name in imports if name == prefix or name.startswith(prefix + ".")}


def test_chain__imports_nothing_from_the_gateway():
    assert {m: _reaching(i, "gateway") for m, i in _importers("chain").items() if _reaching(i, "gateway")} == {}


@pytest.mark.parametrize("layer", ["gateway.api", "gateway.web", "gateway.certificates", "gateway.deps",
                                   "gateway.cli", "gateway.demo", "gateway.steps", "gateway.schemas"])
def test_routes_and_pages__reach_the_chain_only_through_services(layer):
    assert {m: _reaching(i, "chain") for m, i in _importers(layer).items() if _reaching(i, "chain")} == {}


def _package(module: str) -> str:
    """A module's package for the cycle check: gateway's subpackages and top-level modules are each one."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "gateway" else parts[0]


def test_packages__no_import_cycle_between_them():
    edges: dict[str, set[str]] = {}
    for module, imports in GRAPH.items():
        for name in imports:
            target = next((m for m in (name, name.rpartition(".")[0]) if m in GRAPH), None)
            if target and _package(target) != _package(module):
                edges.setdefault(_package(module), set()).add(_package(target))

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start:
                    return path + [nxt]
                if nxt not in path:
                    stack.append((nxt, path + [nxt]))
        return None

    cycles = {package: cycle for package in edges if (cycle := cycle_from(package))}
    assert cycles == {}
