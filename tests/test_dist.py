"""`make dist`: the package alone, for students who need it without the repository (instructor.md)."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_the_whole_package_and_names_its_dependencies(tmp_path):
    # Built from a copy of what the wheel is made of, so the build leaves nothing in the checkout.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", "out", "."],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = (tmp_path / "out").glob("scalinglaws-*-py3-none-any.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    source = {str(p.relative_to(ROOT / "src")) for p in (ROOT / "src" / "scalinglaws").rglob("*")
              if p.is_file() and p.suffix in (".py", ".typed")}
    assert source <= names, sorted(source - names)
    assert not any(n.startswith(("tests/", "solutions/", "chapters/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "Requires-Dist: numpy" in metadata
    assert "Requires-Dist: nbgrader" in metadata and 'extra == "classroom"' in metadata
