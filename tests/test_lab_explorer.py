"""The lab widget: its progress function, the worked campaign, and its frames."""
import pytest

from scalinglaws.course.explorers.lab import LabExplorer, campaign_progress, worked_campaign
from scalinglaws.course.lab.client import LocalLab
from scalinglaws.course.lab.campaign import plan_cost, worked_plan
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT


def test_progress_counts_every_runs_flop_against_the_budget():
    lab = LocalLab(1)
    lab.run(4, 256, 4, lr=3e-3, flop=1e15)
    lab.run(6, 384, 6, lr=2e-3, tokens=10**8)
    progress = campaign_progress(lab.runs(), lab.budget)
    by_hand = [6 * 12 * 4 * 256**2 * (10**15 // (6 * 12 * 4 * 256**2))]
    by_hand.append(by_hand[0] + 6 * 12 * 6 * 384**2 * 10**8)
    assert progress.spent.tolist() == by_hand
    assert progress.remaining.tolist() == [lab.budget - s for s in by_hand]
    with pytest.raises(ValueError, match="more than the budget"):
        campaign_progress(lab.runs(), 10)


def test_the_worked_campaign_spends_what_its_plan_says():
    lab = worked_campaign()
    assert len(lab.runs()) == len(worked_plan())
    assert abs(lab.spent - plan_cost(worked_plan())) / lab.spent < 1e-6  # tokens are rounded down per run


def test_the_explorer_shows_the_runs_so_far_and_fits_the_static_limit():
    explorer = LabExplorer()
    values = explorer.controls[0].values
    assert values[0] == 0 and values[-1] == len(explorer.runs) and len(values) <= STATIC_FRAME_LIMIT
    assert explorer.update(shown=0).startswith(f"after 0 of {len(worked_plan())} runs: spent 0.000e+00")
    text = explorer.update(shown=7)
    assert f"spent {explorer.progress.spent[6]:.3e}" in text and "run 7:" in text
    shown = sum(len(line.get_xdata()) for line, _ in explorer.groups)
    assert shown == 7
    with pytest.raises(ValueError, match="at least one run"):
        LabExplorer([], 10)
