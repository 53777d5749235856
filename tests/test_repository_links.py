"""Every install line and Colab install cell follows the one repository setting (tools/repository_links.py)."""
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import repository_links as links  # noqa: E402


def test_every_link_follows_the_repository_setting():
    assert links.stale(ROOT) == [], "run `make links` after changing repository.url in _config.yml"


def _fork(tmp_path: Path) -> Path:
    """A copy of the files the setting governs, with ``repository.url`` changed as a fork would change it."""
    for name in ("_config.yml", *links.TEXT_FILES):
        shutil.copy(ROOT / name, tmp_path / name)
    for folder in links.NOTEBOOK_FOLDERS:
        (tmp_path / folder).mkdir()
        first = sorted((ROOT / folder).glob("*.ipynb"))[0]
        shutil.copy(first, tmp_path / folder / first.name)
    config = tmp_path / "_config.yml"
    config.write_text(config.read_text().replace(links.repository_url(ROOT), "https://github.com/someone/fork"))
    return tmp_path


def test_a_fork_changes_one_line_and_make_links_rewrites_the_rest(tmp_path):
    fork = _fork(tmp_path)
    assert len(links.stale(fork)) == len(links.NOTEBOOK_FOLDERS) + len(links.TEXT_FILES)
    links.write(fork)
    assert links.stale(fork) == []
    readme = (fork / "README.md").read_text()
    assert '"scalinglaws @ git+https://github.com/someone/fork"' in readme
    nb = nbformat.read(next((fork / "exercises").glob("*.ipynb")), as_version=4)
    assert any("git+https://github.com/someone/fork" in c.source for c in nb.cells)


@pytest.mark.parametrize("url", ["", "github.com/x/y", "http://example.org/x", "https://a b"])
def test_a_setting_that_is_not_an_https_address_is_refused(tmp_path, url):
    (tmp_path / "_config.yml").write_text(f"repository:\n  url: '{url}'\n")
    with pytest.raises(ValueError, match="https://"):
        links.repository_url(tmp_path)
