import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.course.explorers.kaplan import D_LIMITS, N_LIMITS, AllocationComparisonExplorer, allocation_exponent
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT, Explorer


@pytest.fixture(scope="module")
def explorer():
    return AllocationComparisonExplorer()


def test_constructible_with_no_arguments_and_registered(explorer):
    assert AllocationComparisonExplorer in Explorer.registry
    assert len(explorer.controls[0].values) <= STATIC_FRAME_LIMIT
    assert explorer.controls[0].values[0] == 1e18 and explorer.controls[0].values[-1] == 1e27


def test_points_sit_on_each_laws_allocation_and_on_the_budget_line(explorer):
    readout = explorer.update(compute=1e24)
    for law, point in zip(explorer.laws, explorer.points):
        (n,), (d,) = point.get_data()
        assert 6 * n * d == pytest.approx(1e24)  # independent of the law: C = 6ND
        assert n == pytest.approx(law.optimal_allocation(1e24).N)
        assert law.name in readout
    n_line, d_line = explorer.iso.get_data()
    assert np.allclose(6 * n_line * d_line, 1e24)


def test_kaplan_points_by_hand_at_c_min_of_one_pf_day(explorer):
    # At C_min = 1 PF-day, Kaplan's Table 6 gives N_opt = N_e = 1.3e9 parameters, hence D = C / (6 · 1.3e9).
    # Reading C = 2·C_min (training at B_crit, Eq. 5.5) that is 2 PF-days spent; reading C_min = C, 1 PF-day.
    for index, c in [(0, 2 * 8.64e19), (1, 8.64e19)]:
        assert explorer.laws[index].compute_per_c_min * 8.64e19 == c
        explorer.update(compute=c)
        (n,), (d,) = explorer.points[index].get_data()
        assert n == pytest.approx(1.3e9) and d == pytest.approx(c / 7.8e9)


def test_every_allocation_on_the_slider_stays_inside_the_fixed_axes(explorer):
    budgets = np.asarray(explorer.controls[0].values)
    for law in explorer.laws:
        best = law.optimal_allocation(budgets)
        assert np.all((N_LIMITS[0] < best.N) & (best.N < N_LIMITS[1])), law.name
        assert np.all((D_LIMITS[0] < best.D) & (best.D < D_LIMITS[1])), law.name
    assert explorer.ax.get_xlim() == pytest.approx(N_LIMITS) and explorer.ax.get_ylim() == pytest.approx(D_LIMITS)


def test_allocation_exponent_matches_the_closed_forms():
    assert allocation_exponent(sl.KAPLAN_2020_AT_B_CRIT) == pytest.approx(0.73)
    assert allocation_exponent(sl.KAPLAN_2020_C_MIN_AS_SPENT) == pytest.approx(0.73)
    law = sl.HOFFMANN_2022
    assert allocation_exponent(law) == pytest.approx(law.beta / (law.alpha + law.beta))


def test_frames_differ_by_budget_and_the_static_form_has_one_per_position(explorer):
    assert explorer.png(compute=1e19) != explorer.png(compute=1e26)
    images, readouts = explorer.frames()
    assert len(images) == len(explorer.controls[0].values) == len(set(readouts))


def test_gpt3_is_marked_where_its_paper_puts_it(explorer):
    gpt3 = explorer.models[0]
    assert (gpt3.params, gpt3.tokens) == (175e9, 300e9)


def test_bad_arguments_are_rejected_with_value_errors():
    with pytest.raises(ValueError, match="laws"):
        AllocationComparisonExplorer(laws=())
    with pytest.raises(ValueError, match="laws"):
        AllocationComparisonExplorer(laws=("Kaplan",))
    with pytest.raises(ValueError, match="grid"):
        AllocationComparisonExplorer(default=3.14e23)
    with pytest.raises(ValueError, match="no model named"):
        AllocationComparisonExplorer(models=("GPT-5",))
