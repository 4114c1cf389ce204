"""No module of an app imports, through any chain of its app's modules, itself: a cycle makes
the order of imports matter and hides which piece the others build on. Imports inside functions
count as much as those at the top (they only move the cycle to run time). Functions stay short
enough to read in one screen. Every module is read from its source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "registry_import", "surveys", "dispatch", "reporting", "demo")
# About a screen: a function longer than that is read in pieces, and should be written in them.
MAX_FUNCTION_LINES = 80


def modules_of(app: str, root: Path = ROOT) -> dict[str, Path]:
    """Dotted name -> file of every module of the app; a package is its `__init__`."""
    found = {}
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported_names(path: Path, root: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) of every import at any depth; relative imports resolved. `name` is
    what a `from module import name` takes (it may be a submodule), None for `import module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(root).parent.parts
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(part for part in [*base, node.module or ""] if part)
            else:
                module = node.module or ""
            found.extend((node.lineno, module, alias.name) for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((node.lineno, str(node.args[0].value), None))
    return found


def import_graph(app: str, root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the modules of the same app it imports."""
    modules = modules_of(app, root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for _line, module, imported in _imported_names(path, root):
            if imported and f"{module}.{imported}" in modules:
                graph[name].add(f"{module}.{imported}")
                continue
            # `import a.b.c` and `from a.b.c import x` land on the deepest module of the app.
            parts = module.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            if parts:
                graph[name].add(".".join(parts))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module, and modules importing
    themselves (Tarjan, iterative so deep chains do not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return sorted(found)


@pytest.mark.parametrize("app", APPS)
def test_no_module_cycle_within_an_app(app):
    graph = import_graph(app)
    assert len(graph) > 1, f"{app} has no modules"
    assert cycles(graph) == []


def test_the_graph_reads_every_kind_of_import_and_finds_a_cycle_through_a_lazy_one(tmp_path):
    app = tmp_path / "probe"
    (app / "sub").mkdir(parents=True)
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "sub" / "__init__.py").write_text("from . import deep\n", encoding="utf-8")
    (app / "sub" / "deep.py").write_text("import probe.tasks\n", encoding="utf-8")
    (app / "tasks.py").write_text(
        "from .sub.deep import x\n"
        "def later():\n"
        "    from .services import y\n",
        encoding="utf-8",
    )
    (app / "services.py").write_text(
        "from probe import tasks\nimport probe.sub\n", encoding="utf-8"
    )
    (app / "alone.py").write_text("from . import alone\n", encoding="utf-8")
    graph = import_graph("probe", root=tmp_path)
    assert graph == {
        "probe": set(),
        "probe.alone": {"probe.alone"},
        "probe.services": {"probe.tasks", "probe.sub"},
        "probe.sub": {"probe.sub.deep"},
        "probe.sub.deep": {"probe.tasks"},
        "probe.tasks": {"probe.sub.deep", "probe.services"},
    }
    assert cycles(graph) == [
        ["probe.alone"],
        ["probe.services", "probe.sub", "probe.sub.deep", "probe.tasks"],
    ]


def long_functions(app: str, root: Path = ROOT) -> list[str]:
    found = []
    for path in modules_of(app, root).values():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length})")
    return sorted(found)


@pytest.mark.parametrize("app", APPS)
def test_no_function_longer_than_a_screen(app):
    assert long_functions(app) == []
