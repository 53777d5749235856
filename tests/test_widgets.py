import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT, ComputeBudgetExplorer, Control


@pytest.fixture(scope="module")
def explorer():
    return ComputeBudgetExplorer(sl.HOFFMANN_2022)


def test_update_moves_the_optimum_to_the_laws_allocation(explorer):
    readout = explorer.update(compute=1e24)
    best = sl.HOFFMANN_2022.optimal_allocation(1e24)
    x, y = explorer.point.get_data()
    assert x[0] == pytest.approx(best.N) and y[0] == pytest.approx(best.loss)
    assert sl.format_count(best.N) in readout


def test_different_budgets_render_different_frames(explorer):
    assert explorer.png(compute=1e20) != explorer.png(compute=1e25)
    assert explorer.png(compute=1e20) == explorer.png(compute=1e20)


def test_static_form_has_one_frame_per_slider_position(explorer):
    html = explorer.static_html()
    n = len(explorer.controls[0].values)
    images, readouts = explorer.frames()
    assert len(images) == n and len(set(readouts)) == n
    assert html.count('type="range"') == 1 and 'aria-label="Compute budget C (FLOP)"' in html


def test_mimebundle_offers_a_live_widget_and_a_static_form(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "slx-widget" in bundle["text/html"]
    assert bundle["text/plain"].startswith("Compute-budget explorer: C = 1e21 FLOP")


def test_live_widget_slider_redraws_the_image(explorer):
    box = explorer.live()
    slider, image = box.children[0], box.children[1]
    before = image.value
    slider.value = 1e25
    assert image.value != before and "1e25" in box.children[2].value


def test_controls_validate_their_values():
    with pytest.raises(ValueError, match="increase"):
        Control("c", "c", [2.0, 1.0], 1.0)
    with pytest.raises(ValueError, match="default"):
        Control("c", "c", [1.0, 2.0], 3.0)
    with pytest.raises(ValueError, match="grid"):
        ComputeBudgetExplorer(default=3.3e21)
    assert STATIC_FRAME_LIMIT >= 19


def test_widgets_showing_different_content_get_different_element_ids():
    def element_id(explorer):
        return explorer.static_html().split('id="', 1)[1].split('"', 1)[0]

    hoffmann, epoch = ComputeBudgetExplorer(sl.HOFFMANN_2022), ComputeBudgetExplorer(sl.BESIROGLU_2024)
    assert element_id(hoffmann) != element_id(epoch)
    assert element_id(hoffmann) == element_id(ComputeBudgetExplorer(sl.HOFFMANN_2022))
