"""Chapter 7 widgets: they draw what the package computes, and their static forms have one frame per position."""
import numpy as np
import pytest

import scalinglaws as sl
from scalinglaws.course.explorers.limits import EmergenceExplorer, RepeatedDataExplorer
from scalinglaws.course.widgets import STATIC_FRAME_LIMIT


@pytest.fixture(scope="module", params=[EmergenceExplorer, RepeatedDataExplorer])
def explorer(request):
    return request.param()


def test_every_slider_position_renders_a_distinct_frame_and_readout(explorer):
    images, readouts = explorer.frames()
    n = len(explorer.controls[0].values)
    assert len(images) == n <= STATIC_FRAME_LIMIT and len(set(images)) == len(set(readouts)) == n


def test_the_exact_match_curve_is_the_packages_and_moves_right_with_length():
    e = EmergenceExplorer()
    e.update(length=20)
    x, y = e.em.get_data()
    np.testing.assert_allclose(y, sl.exact_match(sl.answer_token_loss(x), 20))
    assert e.half.get_data()[0][0] == pytest.approx(sl.emergence_scale(20, 0.5))
    readout = e.update(length=50)
    assert e.half.get_data()[0][0] > sl.emergence_scale(20, 0.5)
    assert sl.format_count(sl.emergence_scale(50, 0.5)) in readout


def test_the_repeated_data_point_sits_on_the_effective_data_curve():
    e = RepeatedDataExplorer()
    readout = e.update(epochs=16)
    x, y = e.point.get_data()
    assert x[0] == 16 and y[0] == pytest.approx(sl.effective_data(1.0, 16))
    assert f"{sl.repetition_value(16):.0%}" in readout
