"""The one-way house (DESIGN §10): route → service → chain → contract → event →
index → public read. Read from the source's own import statements, against the parts and the imports
that must never be in docs/architecture.json."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("chain", "gateway")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, typing_too: bool = False) -> set[str]:
    """The project modules `path` imports, absolute, whether written relative or not; with `typing_too`,
    those imported for type hints only as well."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for guard in [n for n in ast.walk(tree) if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]:
        if not typing_too:
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


SOURCES = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
GRAPH = {_module_of(path): _imports(path) for path in SOURCES}
WHITEBOARD = json.loads((ROOT / "docs" / "architecture.json").read_text(encoding="utf-8"))


def _part_of(path: str) -> str | None:
    """The part whose listed path names `path` (a repository path) most closely."""
    claims = [(len(place), part) for part, spec in WHITEBOARD["parts"].items() for place in spec["is"]
              if path == place or (place.endswith("/") and path.startswith(place))]
    return max(claims)[1] if claims else None


def _path_of(module: str) -> str | None:
    for candidate in (module, module.rpartition(".")[0]):  # `from pkg import name` names a module or a name
        for path in (ROOT / (candidate.replace(".", "/") + ".py"), ROOT / candidate.replace(".", "/") / "__init__.py"):
            if path.exists():
                return path.relative_to(ROOT).as_posix()
    return None


def test_whiteboard__every_listed_place_exists_and_every_module_is_on_a_part():
    places = [place for spec in WHITEBOARD["parts"].values() for place in spec["is"]]
    assert [place for place in places if not (ROOT / place).exists()] == []
    sources = SOURCES + sorted((ROOT / "scripts").glob("*.py")) + sorted((ROOT / "contracts").rglob("*.vy*"))
    code = [path for path in sources if path.stat().st_size]  # an empty __init__.py is a folder's mark, no code
    assert [path for path in code if _part_of(path.relative_to(ROOT).as_posix()) is None] == []


def test_whiteboard__no_import_the_whiteboard_says_must_never_be__typing_only_included():
    nevers = {(source, target): why for source, target, why in WHITEBOARD["never"]}
    broken = {}
    for path in SOURCES + sorted((ROOT / "scripts").glob("*.py")):
        source = _part_of(path.relative_to(ROOT).as_posix())
        for name in _imports(path, typing_too=True):
            target_path = _path_of(name)
            target = target_path and _part_of(target_path)
            if (source, target) in nevers:
                broken.setdefault(f"{source} -> {target}: {nevers[source, target]}", set()).add(
                    f"{path.relative_to(ROOT).as_posix()} -> {target_path}")
    assert broken == {}


def _importers(prefix: str) -> dict[str, set[str]]:
    return {module: imports for module, imports in GRAPH.items() if module == prefix or module.startswith(prefix + ".")}


def _reaching(imports: set[str], prefix: str) -> set[str]:
    return {name for name in imports if name == prefix or name.startswith(prefix + ".")}


def test_chain__imports_nothing_from_the_gateway():
    assert {m: _reaching(i, "gateway") for m, i in _importers("chain").items() if _reaching(i, "gateway")} == {}


@pytest.mark.parametrize("layer", ["gateway.api", "gateway.web", "gateway.web.certificates", "gateway.edge.deps",
                                   "gateway.cli", "gateway.demo", "gateway.catalogue.steps", "gateway.core.schemas"])
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


def test_tests__the_gateways_tests_mirror_its_folders():
    # tests/gateway/<part>/ holds the tests of gateway/<part>/; the package's root (the `tanquan` command and what
    # it runs) keeps its tests at tests/gateway/ itself
    folders = {p.name for p in (ROOT / "tests" / "gateway").iterdir() if p.is_dir() and p.name != "__pycache__"}
    parts = {p.name for p in (ROOT / "gateway").iterdir() if (p / "__init__.py").is_file()}
    assert folders == parts
