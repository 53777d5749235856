"""The package's modules are never taken for test files."""
from pathlib import Path

import scalinglaws

PACKAGE = Path(scalinglaws.__file__).parent


def test_no_module_name_matches_a_test_file_pattern():
    """pytest collects test_*.py and *_test.py, unittest test*.py: no module of the package may look like one."""
    names = [p.name for p in PACKAGE.rglob("*.py")]
    assert names, PACKAGE
    taken = [n for n in names if n.startswith("test") or n.endswith("_test.py") or n.endswith("tests.py")]
    assert not taken, taken
