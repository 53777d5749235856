"""The Gadre et al. (2024) loader: how it reads the table's format (on a tiny table written by
tests/conftest.py) and the real table's contents (tests marked ``gadre2024``; see tests/conftest.py)."""
import numpy as np
import pytest

from scalinglaws.download import sha256
from scalinglaws.gadre2024 import SHA256
from scalinglaws.runs import (
    FIT_SHAPES,
    GADRE_2024_COMMIT,
    TRAINING_SETS,
    VALIDATION_SETS,
    data_dir,
    load_runs,
    load_tasks,
)


# --- always: the loader on a tiny table (where it looks and fetches from: tests/test_gadre2024.py) ----------
def test_the_loader_reads_the_columns_in_their_units(tiny_gadre_table):
    runs = load_runs(path=tiny_gadre_table.path)
    rows = tiny_gadre_table.rows
    assert len(runs) == len(rows)
    assert list(runs.name) == [r["name"] for r in rows]
    assert list(runs.training_set) == [r["dataset"] for r in rows]
    assert list(runs.shape) == [r["model"] for r in rows]
    assert np.array_equal(runs.N, [r["N"] for r in rows])  # parameters
    assert np.array_equal(runs.D, [r["D"] for r in rows])  # tokens
    assert np.array_equal(runs.M, [r["M"] for r in rows])  # tokens per parameter, D/N
    assert np.array_equal(runs.C, 6.0 * runs.N * runs.D)  # FLOP, C = 6ND
    assert set(runs.loss) == set(VALIDATION_SETS)
    for v in VALIDATION_SETS:  # nats/token, read back exactly (repr round trip)
        assert np.array_equal(runs.loss[v], [float(r[f"loss_{v}"]) for r in rows])
    assert np.array_equal(runs.loss["c4_val"], tiny_gadre_table.loss_law.loss(runs.N, runs.D))
    assert np.array_equal(runs.err_avg, [float(r["err_avg"]) for r in rows])
    assert np.array_equal(runs.err_avg_subset, [float(r["err_avg_subset"]) for r in rows])
    assert set(runs.task_error) == {"arc_easy", "hellaswag", "copa"}
    assert np.array_equal(runs.task_error["copa"], [float(r["err_copa"]) for r in rows])


def test_the_loader_selects_one_training_set(tiny_gadre_table):
    rpj = load_runs("rpj", path=tiny_gadre_table.path)
    c4 = load_runs("c4_original", path=tiny_gadre_table.path)
    assert len(rpj) == 11 and set(rpj.training_set) == {"rpj"}
    assert len(c4) == 1 and len(load_runs("rw_original", path=tiny_gadre_table.path)) == 0


def test_the_tasks_table_is_read_in_order_with_its_subset_and_chance_error(tiny_gadre_table):
    tasks = load_tasks(path=tiny_gadre_table.path)
    assert list(tasks.name) == ["arc_easy", "hellaswag", "copa"]
    assert list(tasks.in_subset) == [True, True, False]
    assert np.array_equal(tasks.chance_error, [0.75, 0.5, 0.25])


def test_the_fit_set_is_four_shapes_at_m20_by_compute_then_the_smallest_at_m320(tiny_gadre_table):
    fit = load_runs("rpj", path=tiny_gadre_table.path).fit_set()
    assert list(zip(fit.shape, fit.M)) == [(s, 20.0) for s in FIT_SHAPES] + [(FIT_SHAPES[0], 320.0)]


def test_the_held_out_runs_are_every_1_4b_and_6_9b_but_the_1_4b_at_m20(tiny_gadre_table):
    runs = load_runs("rpj", path=tiny_gadre_table.path)
    assert list(zip(runs.large().shape, runs.large().M)) == [
        ("open_lm_1b", 20.0), ("open_lm_7b", 20.0), ("open_lm_1b", 640.0)]  # by compute
    assert sorted(zip(runs.held_out().shape, runs.held_out().M)) == [("open_lm_1b", 640.0), ("open_lm_7b", 20.0)]
    assert set(runs.small().shape) == set(FIT_SHAPES) and len(runs.small()) == 8


def test_mixed_training_sets_and_unknown_names_are_rejected(tiny_gadre_table):
    with pytest.raises(ValueError, match="one training set"):
        load_runs(path=tiny_gadre_table.path).fit_set()
    with pytest.raises(ValueError, match="training_set"):
        load_runs("pile", path=tiny_gadre_table.path)


def test_relative_error_is_the_absolute_miss_over_the_truth_and_checks_its_input():
    from scalinglaws.runs import relative_error

    assert np.allclose(relative_error([2.2, 1.8], [2.0, 2.0]), [0.1, 0.1])
    with pytest.raises(ValueError):
        relative_error([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        relative_error([1.0], [0.0])


# --- the real table (SCALINGLAWS_GADRE2024, the user's cached copy, or fetched) ---------------------------
@pytest.mark.gadre2024
def test_the_table_read_is_the_one_built_from_their_release_at_the_pinned_commit():
    folder = data_dir()
    for name, digest in SHA256.items():
        assert sha256((folder / name).read_bytes()) == digest, name


@pytest.mark.gadre2024
def test_the_table_holds_their_104_models_about_11m_to_6_9b_parameters():
    runs = load_runs()
    assert len(runs) == 104  # Gadre et al. 2024, abstract: "a testbed of 104 models"
    assert set(runs.training_set) == set(TRAINING_SETS)
    assert runs.N.min() == 10569312 and runs.N.max() == 6889410560  # their NAME_PARAMS, 0.011B and 6.9B
    assert runs.M.min() == 5.0 and runs.M.max() == 640.0  # token multipliers 5 to 640


@pytest.mark.gadre2024
def test_tokens_per_parameter_equal_the_token_multiplier():
    runs = load_runs()
    assert np.allclose(runs.D / runs.N, runs.M, rtol=1e-12)
    assert np.allclose(runs.C, 6 * runs.N * runs.D)


@pytest.mark.gadre2024
def test_every_run_has_eight_validation_losses_in_a_plausible_range():
    runs = load_runs()
    assert set(runs.loss) == set(VALIDATION_SETS)
    for values in runs.loss.values():
        assert np.all((values > 0.5) & (values < 10.0))


@pytest.mark.gadre2024
def test_the_averages_are_the_means_of_the_46_and_the_17_task_errors():
    runs, tasks = load_runs(), load_tasks()
    assert len(tasks.name) == 46 and tasks.in_subset.sum() == 17
    per_task = np.array([runs.task_error[t] for t in tasks.name])
    assert np.allclose(per_task.mean(axis=0), runs.err_avg, rtol=0, atol=1e-12)
    assert np.allclose(per_task[tasks.in_subset].mean(axis=0), runs.err_avg_subset, rtol=0, atol=1e-12)
    assert np.all((tasks.chance_error >= 0) & (tasks.chance_error <= 1))


@pytest.mark.gadre2024
@pytest.mark.parametrize("training_set", list(TRAINING_SETS))
def test_the_real_fit_set_is_four_shapes_at_m20_then_the_smallest_at_m320(training_set):
    fit = load_runs(training_set).fit_set()
    assert list(fit.shape) == list(FIT_SHAPES) + [FIT_SHAPES[0]]
    assert list(fit.M) == [20.0, 20.0, 20.0, 20.0, 320.0]
    assert np.all(np.diff(fit.C[:4]) > 0)


@pytest.mark.gadre2024
def test_the_real_held_out_runs_are_the_1_4b_over_trained_and_the_6_9b_at_m20():
    held = load_runs("rpj").held_out()
    assert sorted(zip(held.shape, held.M)) == [("open_lm_1b", 640.0), ("open_lm_7b", 20.0)]
    assert held.D.max() > 9e11  # the 1.4B run trained on about 900B tokens


@pytest.mark.gadre2024
def test_their_licence_and_the_provenance_sit_beside_the_table():
    folder = data_dir()
    assert "Copyright (c) 2024 mlfoundations" in (folder / "LICENSE").read_text()
    readme = (folder / "README.md").read_text()
    assert GADRE_2024_COMMIT in readme and "mlfoundations/scaling" in readme and "nats/token" in readme
