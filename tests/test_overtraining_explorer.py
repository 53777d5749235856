import itertools

import numpy as np

import pytest

import scalinglaws as sl
from scalinglaws.course.explorers.overtraining import OvertrainingExplorer
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT


@pytest.fixture(scope="module")
def explorer():
    return OvertrainingExplorer()


def test_update_moves_both_optima_to_the_packages_answer(explorer):
    readout = explorer.update(demand=1e13, loss=2.1)
    best = sl.lifetime_optimal(sl.HOFFMANN_2022_UNROUNDED, 2.1, 1e13)
    x, y = explorer.life_pt.get_data()
    assert x[0] == pytest.approx(best.optimum.N) and y[0] == pytest.approx(best.optimum.D)
    x, y = explorer.chin_pt.get_data()
    assert x[0] == pytest.approx(best.chinchilla.N) and y[0] == pytest.approx(best.chinchilla.D)
    assert sl.format_count(best.optimum.N) in readout and f"{100 * best.savings_fraction:.1f}%" in readout


def test_the_iso_loss_curve_drawn_is_the_laws(explorer):
    explorer.update(demand=1e12, loss=2.2)
    n, d = explorer.iso.get_data()
    assert sl.HOFFMANN_2022_UNROUNDED.loss(n, d) == pytest.approx(2.2)


def test_frames_fit_the_static_limit_and_differ(explorer):
    sizes = [len(c.values) for c in explorer.controls]
    assert len(list(itertools.product(*[c.values for c in explorer.controls]))) <= STATIC_FRAME_LIMIT
    assert sizes == [13, 4]
    assert explorer.png(demand=1e9, loss=2.0) != explorer.png(demand=1e15, loss=2.0)
    assert explorer.png(demand=1e15, loss=1.9) != explorer.png(demand=1e15, loss=2.2)


def test_axes_limits_stay_fixed(explorer):
    before = (explorer.plane.get_xlim(), explorer.plane.get_ylim(), explorer.cost.get_xlim(), explorer.cost.get_ylim())
    explorer.png(demand=1e15, loss=1.9)
    explorer.png(demand=1e9, loss=2.2)
    after = (explorer.plane.get_xlim(), explorer.plane.get_ylim(), explorer.cost.get_xlim(), explorer.cost.get_ylim())
    assert before == after


def test_the_demand_curves_drawn_are_the_lifetime_optima(explorer):
    explorer.update(demand=1e12, loss=2.0)
    demands, life = explorer.life_cost.get_data()
    _, chin = explorer.chin_cost.get_data()
    assert demands.min() < 1e9 and demands.max() > 1e15
    pick = np.searchsorted(demands[::-1], [1e10, 1e12, 1e14])
    for demand, total, chin_total in zip(demands[::-1][pick], life[::-1][pick], chin[::-1][pick]):
        best = sl.lifetime_optimal(sl.HOFFMANN_2022_UNROUNDED, 2.0, demand)
        assert total == pytest.approx(best.optimum.total_flops, rel=1e-9)
        assert chin_total == pytest.approx(best.chinchilla.total_flops, rel=1e-9)
