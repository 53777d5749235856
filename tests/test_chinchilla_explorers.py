import numpy as np
import pytest
from matplotlib.figure import Figure

import scalinglaws as sl
from scalinglaws.allocation import misallocation_penalty
from scalinglaws.course.explorers.chinchilla import ChinchillaBudgetExplorer, MisallocationExplorer
from scalinglaws.models import MODELS, models_near
from scalinglaws.plots import isoflop_curves, isoflop_line, nd_plane
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT


@pytest.fixture(scope="module")
def budget():
    return ChinchillaBudgetExplorer()


@pytest.fixture(scope="module")
def misallocation():
    return MisallocationExplorer()


def test_budget_explorer_marks_each_fits_optimum_on_both_panels(budget):
    readout = budget.update(compute=1e24)
    for law, point, plane_point in zip(budget.laws, budget.optima, budget.plane_optima):
        best = law.optimal_allocation(1e24)
        assert point.get_data()[0][0] == pytest.approx(best.N) and point.get_data()[1][0] == pytest.approx(best.loss)
        assert plane_point.get_data()[1][0] == pytest.approx(best.D)
        assert sl.format_count(best.N) in readout
    assert np.allclose(6 * np.array(budget.n_lim) * budget.budget_line.get_ydata(), 1e24)


def test_budget_explorer_highlights_the_models_near_the_budget_and_names_the_nearest(budget):
    readout = budget.update(compute=5.62e23)
    near = models_near(5.62e23, budget.factor)
    assert {m.name for m in near} >= {"Chinchilla", "Gopher", "GPT-3 175B"}
    assert len(budget.near.get_offsets()) == len(near)
    assert all(m.name in readout for m in near)
    visible = [name for name, label in budget.labels.items() if label.get_visible()]
    assert visible == [near[0].name]
    readout = budget.update(compute=1e18)
    assert "none" in readout and len(budget.near.get_offsets()) == 0


def test_misallocation_explorer_shows_the_packages_penalty(misallocation):
    readout = misallocation.update(compute=1e23, ratio=4.0)
    law = misallocation.law
    run = misallocation_penalty(law, 1e23, 4.0 * law.optimal_allocation(1e23).N)
    assert misallocation.penalty_point.get_data()[1][0] == pytest.approx(run.delta_loss)
    assert misallocation.waste_point.get_data()[1][0] == pytest.approx(run.wasted_fraction)
    assert f"{run.wasted_fraction:.1%}" in readout and f"{run.delta_loss:.4f}" in readout


def test_the_fixed_waste_curve_holds_at_every_budget(misallocation):
    for c in misallocation.controls[0].values:
        misallocation.update(compute=c, ratio=0.25)
        x, y = misallocation.waste_point.get_data()
        curve_y = np.interp(np.log(x[0]), np.log(misallocation.ratio_range),
                            misallocation_penalty(misallocation.law, 1e21, misallocation.ratio_range
                                                  * misallocation.law.optimal_allocation(1e21).N).wasted_fraction)
        assert y[0] == pytest.approx(curve_y, rel=1e-3)


@pytest.mark.parametrize("cls", [ChinchillaBudgetExplorer, MisallocationExplorer])
def test_explorers_build_with_no_arguments_and_fit_the_static_frame_limit(cls):
    explorer = cls()
    grid = np.prod([len(c.values) for c in explorer.controls])
    assert grid <= STATIC_FRAME_LIMIT
    values = {c.name: c.values[0] for c in explorer.controls}
    assert explorer.png(**values) != explorer.png()
    assert explorer.static_html().count('type="range"') == len(explorer.controls)


def test_budget_explorer_validates_its_arguments():
    with pytest.raises(ValueError, match="grid"):
        ChinchillaBudgetExplorer(default=3.3e21)
    with pytest.raises(ValueError, match="1 to 3"):
        ChinchillaBudgetExplorer(laws=())


def test_isoflop_curves_put_each_minimum_at_the_closed_form_optimum():
    ax = Figure().add_subplot()
    budgets = [1e19, 1e21, 1e23]
    lines = isoflop_curves(ax, sl.HOFFMANN_2022, budgets)
    assert len(lines) == 3
    for line, c in zip(lines, budgets):
        x, y = line.get_data()
        best = sl.HOFFMANN_2022.optimal_allocation(c)
        assert x[np.argmin(y)] == pytest.approx(best.N, rel=0.05)  # grid of 400 points over 8 decades
        assert y.min() == pytest.approx(best.loss, abs=1e-3)


def test_nd_plane_plots_every_model_and_isoflop_line_spends_the_budget():
    ax = Figure().add_subplot()
    points = nd_plane(ax, [sl.BESIROGLU_2024])
    assert np.allclose(points.get_offsets(), [[m.params, m.tokens] for m in MODELS])
    line = isoflop_line(ax, 5.76e23, (1e9, 1e12))
    assert np.allclose(6 * line.get_xdata() * line.get_ydata(), 5.76e23)
