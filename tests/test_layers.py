"""The package's two layers: the science never imports the classroom kit (``scalinglaws.course``); and
``import scalinglaws`` stays light (no SciPy until a function needs it)."""
import ast
import subprocess
import sys
from pathlib import Path

import scalinglaws

PACKAGE = Path(scalinglaws.__file__).parent
KIT = PACKAGE / "course"


def _package_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])


def _imported_modules(source: str, package: str) -> list[str]:
    """Absolute names of the modules a source imports (relative imports resolved against ``package``)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return names


def test_the_science_never_imports_the_classroom_kit():
    science = [p for p in PACKAGE.rglob("*.py") if KIT not in p.parents]
    assert len(science) > 10
    offenders = {
        str(p.relative_to(PACKAGE)): name
        for p in science
        for name in _imported_modules(p.read_text(), _package_of(p))
        if name == "scalinglaws.course" or name.startswith("scalinglaws.course.")
    }
    assert offenders == {}


def test_the_kit_lives_in_its_own_subpackage():
    for module in ("checks", "assignments", "widgets", "questions", "explorers"):
        assert not (PACKAGE / f"{module}.py").exists() and not (PACKAGE / module).is_dir()
    assert (KIT / "checks.py").exists() and (KIT / "explorers").is_dir()


def test_the_scanner_sees_relative_and_absolute_imports_of_the_kit():
    # The check above is only worth something if each way of importing the kit would be caught.
    assert "scalinglaws.course" in _imported_modules("from .course import checks", "scalinglaws")
    assert "scalinglaws.course.checks" in _imported_modules("from ..course.checks import check", "scalinglaws.sub")
    assert "scalinglaws.course.widgets" in _imported_modules("import scalinglaws.course.widgets", "scalinglaws")


def test_importing_the_package_and_the_checks_leaves_scipy_unloaded():
    """A notebook that never fits or samples starts without SciPy's import (see scalinglaws/__init__.py)."""
    code = ("import sys, scalinglaws, scalinglaws.course.checks as c; c.questions(); "
            "print(sorted(m for m in sys.modules if m == 'scipy' or m.startswith('scipy.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout[:500]


def _kit_modules() -> dict[str, Path]:
    """{dotted name: file} of every module of the classroom kit (a package by its __init__.py)."""
    found = {}
    for path in KIT.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of ``graph`` meets, each as the list of modules around it."""
    cycles, state = [], {}

    def walk(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    return cycles


def _kit_import_graph() -> dict[str, set[str]]:
    modules = _kit_modules()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        imported = set(_imported_modules(path.read_text(), package))
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def test_the_classroom_modules_import_one_way():
    """No circle of imports in the kit, counting imports inside functions: each module reads as a layer on
    those below it (placeholders and marking; autograde; classroom; assignments)."""
    graph = _kit_import_graph()
    assert {"scalinglaws.course.assignments", "scalinglaws.course.classroom"} <= set(graph)
    assert _import_cycles(graph) == []
    assert "scalinglaws.course.classroom" in graph["scalinglaws.course.assignments"]
    assert "scalinglaws.course.assignments" not in graph["scalinglaws.course.autograde"]


def test_the_cycle_finder_sees_a_circle_through_function_level_imports():
    assert _import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _import_cycles({"a": {"b"}, "b": set()}) == []
    nested = "def f():\n    from scalinglaws.course.classroom import release\n"
    assert "scalinglaws.course.classroom" in _imported_modules(nested, "scalinglaws.course")
