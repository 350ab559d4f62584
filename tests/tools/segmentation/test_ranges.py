from __future__ import annotations

import numpy as np
import pytest

from pertouch.core.metrics import to_float_rgb
from pertouch.tools.segmentation.ranges import HUE_CENTRES, colour_mask, spatial_mask, tonal_masks


def test_tonal_ranges_partition_a_real_photo(photos):
    masks = tonal_masks(to_float_rgb(photos["coffee"]))
    total = masks["shadows"] + masks["midtones"] + masks["highlights"]
    np.testing.assert_allclose(total, 1.0, atol=1e-5)
    assert all(0.05 < m.mean() < 0.9 for m in masks.values())


def test_tonal_ranges_follow_lightness():
    ramp = np.repeat(np.linspace(0, 1, 101, dtype=np.float32)[None, :, None], 3, axis=2)
    masks = tonal_masks(ramp)
    assert masks["shadows"][0, 0] == 1 and masks["highlights"][0, -1] == 1
    assert masks["midtones"][0, 50] == 1 and np.all(np.diff(masks["shadows"][0]) <= 1e-6)


def test_hue_ranges_share_every_saturated_hue():
    hues = np.linspace(0, 359, 360, dtype=np.float32)
    hsv = np.stack([hues, np.ones_like(hues), np.ones_like(hues)], axis=1)[None]
    import cv2

    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    total = sum(colour_mask(rgb, name) for name in HUE_CENTRES)
    np.testing.assert_allclose(total, 1.0, atol=0.03)


def test_colour_ranges_on_real_photos(photos):
    rocket = to_float_rgb(photos["rocket"])
    coffee = to_float_rgb(photos["coffee"])
    assert colour_mask(rocket, "blues").mean() > 0.3
    assert colour_mask(coffee, "blues").mean() < 0.02
    assert colour_mask(coffee, "warm tones").mean() > 0.4
    grey = np.full((8, 8, 3), 0.5, np.float32)
    assert colour_mask(grey, "reds").max() == 0  # greys have no hue


@pytest.mark.parametrize(
    ("name", "bright_at", "dark_at"),
    [
        ("top", (5, 50), (95, 50)),
        ("bottom", (95, 50), (5, 50)),
        ("left", (50, 5), (50, 95)),
        ("right", (50, 95), (50, 5)),
        ("centre", (50, 50), (2, 2)),
        ("edges", (2, 2), (50, 50)),
    ],
)
def test_spatial_regions_are_feathered_gradients(name, bright_at, dark_at):
    mask = spatial_mask((100, 100), name)
    assert mask[bright_at] > 0.95 and mask[dark_at] < 0.05
    assert 0.0 < mask.min() + 0.5 and np.unique(np.round(mask, 2)).size > 10  # feathered, not a cut


def test_unknown_range_names_raise():
    with pytest.raises(KeyError):
        spatial_mask((4, 4), "diagonal")
    with pytest.raises(KeyError):
        colour_mask(np.zeros((2, 2, 3), np.float32), "browns")
