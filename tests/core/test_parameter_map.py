import numpy as np
import pytest

from pertouch.core.errors import MaskError
from pertouch.core.parameter_map import build_parameter_map


def test_regions_paint_their_targets_and_nested_regions_win():
    shape = (40, 60)
    person = np.zeros(shape, np.float32)
    person[5:35, 10:50] = 1
    face = np.zeros(shape, np.float32)
    face[8:16, 25:35] = 1
    targets = {
        "global": np.array([0.0, 0.1, 0.2, 0.3]),
        "person": np.full(4, 0.5),
        "face": np.full(4, -0.5),
    }
    pmap = build_parameter_map(targets, {"face": face, "person": person}, shape)
    assert pmap.shape == (40, 60, 4) and pmap.dtype == np.float32
    np.testing.assert_allclose(pmap[0, 0], [0.0, 0.1, 0.2, 0.3])
    np.testing.assert_allclose(pmap[30, 12], 0.5)
    np.testing.assert_allclose(pmap[10, 30], -0.5)


def test_soft_edges_blend_linearly():
    shape = (1, 3)
    mask = np.array([[0.0, 0.5, 1.0]], np.float32)
    pmap = build_parameter_map({"global": np.zeros(4), "sky": np.ones(4)}, {"sky": mask}, shape)
    np.testing.assert_allclose(pmap[0, :, 0], [0.0, 0.5, 1.0])


def test_wrong_mask_size_and_missing_global_are_refused():
    with pytest.raises(MaskError):
        build_parameter_map(
            {"global": np.zeros(4), "sky": np.ones(4)}, {"sky": np.ones((3, 3))}, (4, 4)
        )
    with pytest.raises(MaskError, match="global"):
        build_parameter_map({"sky": np.ones(4)}, {}, (4, 4))
