"""Shared test set-up: matplotlib draws off-screen; hypothesis stays deterministic and quick."""
import matplotlib

matplotlib.use("Agg")

from hypothesis import settings  # noqa: E402

settings.register_profile("course", max_examples=60, deadline=None, derandomize=True)
settings.load_profile("course")


# --- Gadre et al. (2024) runs: the real table (fetched, or SCALINGLAWS_GADRE2024), and a tiny stand-in -------
import csv  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from scalinglaws.downstream import DownstreamLaw  # noqa: E402
from scalinglaws.overtraining import OvertrainingLaw  # noqa: E402
from scalinglaws.download import FetchError  # noqa: E402
from scalinglaws.runs import ENV_VAR, FIT_SHAPES, GADRE_2024_COMMIT, VALIDATION_SETS, data_dir  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"gadre2024: needs the real Gadre et al. (2024) table: the folder in {ENV_VAR} (make test sets "
                   "it to ../shared/data/gadre2024 when that exists), else the user's cached copy, else it is "
                   f"downloaded from github.com/mlfoundations/scaling @ {GADRE_2024_COMMIT[:7]}; where none "
                   "works, the test fails with the loader's message")


# The files that take longest (a browser, nbgrader, the chapters' kernels), in the order `make test` starts them:
# pytest-xdist (--dist loadfile --no-loadscope-reorder) hands out files in collection order, so long files start
# first and the short ones fill the workers' ends, instead of a long file starting last.
LONGEST_FIRST = ("tests/test_site.py", "tests/test_nbgrader.py", "tests/test_grading_attacks.py", "chapters/")


def _start_rank(item) -> int:
    path = item.nodeid.split("::")[0]
    return next((i for i, prefix in enumerate(LONGEST_FIRST) if path.startswith(prefix)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config, items):
    """Long files first (``LONGEST_FIRST``)."""
    items.sort(key=_start_rank)  # stable: each file keeps its own order


@pytest.fixture(scope="session")
def gadre2024_table():
    """The real table's folder, found or fetched once per process (:func:`scalinglaws.runs.data_dir`), or the
    loader's error saying why there is none."""
    try:
        return data_dir()
    except (FileNotFoundError, FetchError) as error:
        return error


@pytest.fixture(autouse=True)
def _needs_gadre2024(request):
    """A test marked ``gadre2024`` fails, with the loader's one-line message, where the real table can be
    neither found nor fetched: it is never skipped."""
    if request.node.get_closest_marker("gadre2024") is not None:
        table = request.getfixturevalue("gadre2024_table")
        if isinstance(table, Exception):
            pytest.fail(f"Gadre et al.'s table is unavailable: {table}", pytrace=False)


TINY_TASKS = ("arc_easy", "hellaswag", "copa")
TINY_SUBSET = ("arc_easy", "hellaswag")
TINY_SHAPE_N = dict(zip(FIT_SHAPES + ("open_lm_1b", "open_lm_7b"), (1e7, 8e7, 1.5e8, 4e8, 1.4e9, 6.9e9)))


@pytest.fixture
def tiny_gadre_table(tmp_path):
    """A folder with runs.csv and tasks.csv in the format scalinglaws.gadre2024.build writes (same columns and
    units), holding 12 synthetic runs drawn exactly from a known over-training law (C4 eval loss) and a known
    downstream law (per-task errors): 11 "rpj" runs laid out as Gadre et al.'s (the four fit shapes at M = 20,
    listed out of compute order, the smallest also at M = 80 and 320, the 1.4B at M = 20 and 640, the 6.9B at
    M = 20) and one "c4_original" run."""
    loss_law = OvertrainingLaw(E=1.84, a=212.0, b=367.0, eta=0.136)
    err_law = DownstreamLaw(epsilon=0.76, k=1.32, gamma=0.89)
    layout = [("rpj", FIT_SHAPES[2], 20.0), ("rpj", FIT_SHAPES[0], 20.0), ("rpj", FIT_SHAPES[3], 20.0),
              ("rpj", FIT_SHAPES[1], 20.0), ("rpj", FIT_SHAPES[0], 320.0), ("rpj", FIT_SHAPES[0], 80.0),
              ("rpj", FIT_SHAPES[1], 5.0), ("rpj", "open_lm_1b", 20.0), ("rpj", "open_lm_1b", 640.0),
              ("rpj", "open_lm_7b", 20.0), ("rpj", FIT_SHAPES[3], 10.0), ("c4_original", FIT_SHAPES[0], 20.0)]
    rows = []
    for dataset, shape, m in layout:
        n = int(TINY_SHAPE_N[shape])
        c4 = float(loss_law.loss(n, m * n))
        row = {"name": f"{dataset}-{shape}-{m / 20:g}", "dataset": dataset, "model": shape, "N": n,
               "D": int(m * n), "cc_mult": m / 20, "M": m}
        row.update({f"loss_{v}": repr(c4 + 0.1 * i) for i, v in enumerate(VALIDATION_SETS)})
        row["loss_c4_val"] = repr(c4)
        errors = {t: float(err_law.error(c4)) + 0.01 * i for i, t in enumerate(TINY_TASKS)}
        row["err_avg"] = repr(float(np.mean(list(errors.values()))))
        row["err_avg_subset"] = repr(float(np.mean([errors[t] for t in TINY_SUBSET])))
        row.update({f"err_{t}": repr(e) for t, e in errors.items()})
        rows.append(row)
    for name, table in (("runs.csv", rows), ("tasks.csv", [
            {"task": t, "in_17_task_subset": int(t in TINY_SUBSET), "chance_error": repr(0.75 - 0.25 * i)}
            for i, t in enumerate(TINY_TASKS)])):
        with open(tmp_path / name, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(table[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    return SimpleNamespace(path=tmp_path, rows=rows, loss_law=loss_law, err_law=err_law)


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, request):
    """A temporary folder shared by every pytest-xdist worker of this run (for work done once per run)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(request.config, "workerinput") else base  # an xdist worker's base is per worker


@pytest.fixture(scope="session")
def gradebook(run_folder):
    """An empty nbgrader gradebook, made once per run, to copy into each temporary course folder."""
    from _classroom import empty_gradebook

    return empty_gradebook(run_folder)
