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
