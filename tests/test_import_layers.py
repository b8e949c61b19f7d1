"""The package's import graph flows one way (issue 25): no module imports one in a layer above it, and no two
modules import each other, directly or round a loop.

The graph is read with `ast`, so nothing is imported (no torch, no OpenCV): every `import` and `from ... import`
in a module counts, those inside functions too (a lazy import is still a dependency), except those under
`if TYPE_CHECKING:`, which never run. Importing `a.b.c` also runs the package `a.b`'s `__init__`, so that is an
edge too, unless the importer sits inside `a.b` itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "interview_guard"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE

# Bottom to top. A module may import its own layer and those below it. Names are relative to the package; a
# name covers its submodules; the longest name that matches wins; "__init__" is the package's own __init__.
LAYERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ground", "types, errors, settings and plumbing that every layer uses; they know nothing of media",
     ("__init__", "errors", "files", "results", "config", "options", "options_limits", "inputs", "model_store", "stages")),
    ("domain", "one modality each: decode media, find faces, transcribe, measure; they know nothing of checks",
     ("media", "speech", "faces", "face_stats", "identity", "lipsync", "liveness", "forgery", "transcript",
      "profile", "candidates")),
    ("checks", "analyzers turn the observations into indicators, one small interface each",
     ("analyzers",)),
    ("verdict", "what the indicators add up to (risk, follow-up questions, the summary) and the events carrying them",
     ("fusion", "follow_ups", "summary", "events")),
    ("outputs", "files for people made from a summary: summary.json, the HTML report, evidence pictures",
     ("report", "outputs")),
    ("store", "keeps sessions and identity templates; a subscriber of the engine, it never runs an analysis",
     ("store",)),
    ("engine", "runs one analysis over a source: stages, analyzers, fusion, outputs",
     ("pipeline", "engine")),
    ("apps", "the engine's users: live calls, batches, the review app, the demo",
     ("live", "batch", "review", "demo")),
    ("cli", "command lines: parse flags, call an app, turn errors into one line",
     ("cli", "cli_options", "__main__", "batch.cli", "candidates.cli", "live.cli", "store.cli")),
)

# Upward imports that stay until the named work removes them. The test fails when one is no longer made, so
# the list can only shrink: delete the line with the import.
# (Issue 25's engine removed the one there was: store.recorder ran the analysis; it now subscribes to it.)
# Add one only with the issue that removes it: ("store.recorder", "pipeline"): "issue 25: the engine removes this".
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    importer: str  # module names relative to the package ("store.recorder"; "__init__" for the package)
    imported: str
    line: int


@dataclass(frozen=True)
class Upward:
    edge: Import
    importer_layer: str
    imported_layer: str

    def __str__(self) -> str:
        return (f"{self.edge.importer} ({self.importer_layer}) imports {self.edge.imported} "
                f"({self.imported_layer}) at line {self.edge.line}")


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module under root, by its name relative to the package."""
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        names[".".join(parts) or "__init__"] = path
    return names


def read_imports(root: Path, package: str) -> list[Import]:
    """The package-internal imports of every module under root, with their implied package __init__s."""
    modules = module_names(root, package)
    edges = set()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for target, line in _imports_of(ast.parse(path.read_text(), str(path)), name, is_package, package):
            for imported in _with_parents(_known(target, modules), name):
                if imported != name:
                    edges.add(Import(name, imported, line))
    return sorted(edges, key=lambda e: (e.importer, e.imported, e.line))


def _imports_of(tree: ast.Module, name: str, is_package: bool, package: str):
    """(absolute dotted name relative to the package, line) for each import that runs."""
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = [package, *([] if name == "__init__" else name.split("."))]
                here = here if is_package else here[:-1]
                here = here[:len(here) - node.level + 1]
                base = ".".join([*here, *([base] if base else [])])
            targets = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target == package or target.startswith(package + "."):
                yield target[len(package) + 1:] or "__init__", node.lineno


def _runtime_nodes(tree: ast.AST):
    """Every node except the bodies of `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _known(target: str, modules: dict[str, Path]) -> str:
    """`from a.b import c` names module a.b.c when there is one, else a.b (the package's __init__ for a)."""
    while target not in modules and "." in target:
        target = target.rsplit(".", 1)[0]
    return target if target in modules else "__init__"


def _with_parents(imported: str, importer: str) -> list[str]:
    """a.b.c runs the __init__ of a and a.b too, unless the importer is inside them."""
    parts = imported.split(".")
    parents = [".".join(parts[:i]) for i in range(1, len(parts))]
    return [p for p in parents if not (importer == p or importer.startswith(p + "."))] + [imported]


def layer_of(module: str, layers=LAYERS) -> str:
    matches = [(len(name), layer) for layer, _, names in layers for name in names
               if module == name or module.startswith(name + ".")]
    if not matches:
        raise LookupError(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")
    return max(matches)[1]


def upward_imports(edges: list[Import], layers=LAYERS) -> list[Upward]:
    rank = {layer: i for i, (layer, _, _) in enumerate(layers)}
    found = []
    for e in edges:
        low, high = layer_of(e.importer, layers), layer_of(e.imported, layers)
        if rank[high] > rank[low]:
            found.append(Upward(e, low, high))
    return found


def stale(known: dict[tuple[str, str], str], edges: list[Import], layers=LAYERS) -> list[str]:
    """The known upward imports that are no longer made."""
    made = {(u.edge.importer, u.edge.imported) for u in upward_imports(edges, layers)}
    return [f"{a} -> {b} ({why})" for (a, b), why in known.items() if (a, b) not in made]


def cycles(edges: list[Import]) -> list[list[str]]:
    """One loop through each group of modules that import each other, as [a, b, ..., a]."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.importer, set()).add(e.imported)
        graph.setdefault(e.imported, set())
    return [_loop_in(group, graph) for group in _strongly_connected(graph) if len(group) > 1]


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def _loop_in(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    return paths[node] + [start]
                if child not in paths:
                    paths[child] = paths[node] + [child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not a cycle")


# --- the package ---

EDGES = read_imports(ROOT, PACKAGE)


def test_every_module_is_in_a_layer() -> None:
    lost = []
    for module in module_names(ROOT, PACKAGE):
        try:
            layer_of(module)
        except LookupError as e:
            lost.append(str(e))
    assert not lost, "\n".join(lost)


def test_no_module_imports_a_layer_above_it() -> None:
    unexpected = [str(u) for u in upward_imports(EDGES)
                  if (u.edge.importer, u.edge.imported) not in KNOWN_UPWARD]
    assert not unexpected, "imports against the layers (lowest first in LAYERS):\n" + "\n".join(unexpected)


def test_every_known_upward_import_is_still_made() -> None:
    gone = stale(KNOWN_UPWARD, EDGES)
    assert not gone, "no longer imported upward: delete from KNOWN_UPWARD:\n" + "\n".join(gone)


def test_no_import_cycles() -> None:
    loops = [" -> ".join(loop) for loop in cycles(EDGES)]
    assert not loops, "modules that import each other:\n" + "\n".join(loops)


def test_the_reader_sees_the_imports_it_must() -> None:
    """Guards the checker against passing by reading nothing: known lazy and top-level edges are found."""
    edges = {(e.importer, e.imported) for e in EDGES}
    assert ("fusion", "results") in edges  # top level
    assert ("cli", "batch.cli") in edges and ("cli", "batch") in edges  # a package's __init__ is implied
    assert ("batch.cli", "cli_options") in edges  # inside a function
    assert ("inputs", "candidates.template") not in edges  # only under TYPE_CHECKING


# --- the checker itself, on a made-up package ---

def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


TOY_LAYERS = (("low", "", ("__init__", "low", "sub")), ("high", "", ("high",)))


def test_the_checker_reports_an_upward_import(tmp_path: Path) -> None:
    root = _write(tmp_path, {"__init__.py": "", "high.py": "from pkg import low\n",
                             "low.py": "def f():\n    from pkg.high import g\n"})
    edges = read_imports(root, "pkg")
    assert [str(u) for u in upward_imports(edges, TOY_LAYERS)] == ["low (low) imports high (high) at line 2"]
    known = {("low", "high"): "still made", ("high", "low"): "downward, so never an exception"}
    assert stale(known, edges, TOY_LAYERS) == ["high -> low (downward, so never an exception)"]


def test_the_checker_reports_a_cycle_and_ignores_type_checking(tmp_path: Path) -> None:
    root = _write(tmp_path, {
        "__init__.py": "", "sub/__init__.py": "from pkg.sub import b\n",
        "sub/a.py": "from . import b\n",
        "sub/b.py": "import pkg.sub.c\n",
        "sub/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.low import x\n"
                    "def f():\n    from .a import y\n",
        "low.py": "from pkg.sub.c import z\n"})
    edges = read_imports(root, "pkg")
    assert cycles(edges) == [["sub.a", "sub.b", "sub.c", "sub.a"]]
    assert ("low", "sub") in {(e.importer, e.imported) for e in edges}  # the package's __init__ runs too
    assert ("sub.c", "low") not in {(e.importer, e.imported) for e in edges}


def test_a_module_in_no_layer_is_named() -> None:
    with pytest.raises(LookupError, match="nowhere is in no layer"):
        layer_of("nowhere", TOY_LAYERS)
