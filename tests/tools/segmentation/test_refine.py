from __future__ import annotations

import cv2
import numpy as np

from pertouch.tools.segmentation.refine import refine_mask, upsample_mask


def _two_tone(height: int, width: int, edge: int) -> np.ndarray:
    """A dark left and a bright right part, split at column ``edge``."""
    image = np.full((height, width, 3), 0.2, np.float32)
    image[:, edge:] = 0.8
    return image


def test_refined_mask_snaps_to_the_full_resolution_edge():
    full = _two_tone(400, 400, edge=203)  # the edge falls between working-view pixels
    small = cv2.resize(full, (100, 100), interpolation=cv2.INTER_AREA)
    coarse = np.zeros((100, 100), np.float32)
    coarse[:, 52:] = 1.0  # a rough mask, misplaced by a pixel and a half of the small view
    refined = refine_mask(coarse, small, full, radius=4, eps=1e-3)
    assert refined.shape == (400, 400) and refined.dtype == np.float32
    assert (
        refined[:, :195].max() < 0.1
        and refined[:, 203:].min() > 0.6
        and refined[:, 240:].min() > 0.95
    )
    jump = np.abs(np.diff(refined[200], axis=0))
    assert int(np.argmax(jump)) == 202  # the sharpest step is at the photo's own edge
    plain = upsample_mask(coarse, (400, 400))
    assert plain[200, 203] < 0.2  # plain upsampling leaves the misplaced edge where it was


def test_refinement_keeps_partitions():
    rng = np.random.default_rng(0)
    full = rng.random((120, 160, 3), dtype=np.float32)
    small = cv2.resize(full, (40, 30), interpolation=cv2.INTER_AREA)
    parts = rng.random((3, 30, 40)).astype(np.float32)
    parts /= parts.sum(axis=0)
    total = sum(refine_mask(p, small, full, 2, 1e-2) for p in parts)
    assert np.abs(total - 1.0).mean() < 0.02


def test_empty_mask_stays_empty_and_bad_shapes_raise():
    full = _two_tone(40, 40, 20)
    assert not refine_mask(np.zeros((10, 10), np.float32), full[::4, ::4], full).any()
    try:
        refine_mask(np.zeros((9, 10), np.float32), full[::4, ::4], full)
    except ValueError as err:
        assert "differ in shape" in str(err)
    else:
        raise AssertionError("a mask of the wrong shape was accepted")


def test_upsample_is_smooth_and_sized():
    mask = np.array([[0.0, 1.0]], np.float32)
    out = upsample_mask(mask, (4, 8))
    assert out.shape == (4, 8) and np.all(np.diff(out[0]) >= 0)
