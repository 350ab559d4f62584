"""The reference metric set against its definitions written out literally, and colour-science."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pertouch.core.reference_metrics import (
    CONTRAST_CAP,
    cct_hernandez_andres,
    measurement_view,
    reference_raw_metrics,
    temperature_of_means,
)


def literal_metrics(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The four definitions for one binary mask, written out as plainly as possible (0..255 RGB)."""
    if not mask.any():
        return np.zeros(4)
    img = img.astype(np.float64)
    masked = np.where(np.stack([mask] * 3, axis=-1), img, np.nan)
    red, green, blue = masked[..., 0], masked[..., 1], masked[..., 2]
    rg = np.abs(red - green)
    yb = np.abs(0.5 * (red + green) - blue)
    colorfulness = np.sqrt(np.nanstd(rg) ** 2 + np.nanstd(yb) ** 2) + 0.3 * np.sqrt(
        np.nanmean(rg) ** 2 + np.nanmean(yb) ** 2
    )
    total, count = 0.0, 0
    for dy, dx in [(-1, 0), (1, 0), (0, -1), (0, 1)]:
        shifted_mask = np.roll(mask, (dy, dx), axis=(0, 1))
        shifted = np.roll(img, (dy, dx), axis=(0, 1))
        valid = mask & shifted_mask
        total += (((img - shifted) ** 2).sum(axis=2) * valid).sum()
        count += valid.sum()
    contrast = min(total / (4 * max(count, 1)), 20000.0)
    means = np.array([np.nanmean(red), np.nanmean(green), np.nanmean(blue)])
    rgb = np.clip(means / 255.0, 0.001, 0.999)
    linear = np.where(rgb <= 12.92 * 0.0031308, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    matrix = np.array(
        [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
    )
    x_, y_, z_ = matrix @ linear
    x, y = x_ / (x_ + y_ + z_), y_ / (x_ + y_ + z_)
    n = (x - 0.3366) / (y - 0.1735)
    cct = (
        -949.86315
        + 6253.80338 * np.exp(-n / 0.92159)
        + 28.70599 * np.exp(-n / 0.20039)
        + 0.00004 * np.exp(-n / 0.07125)
    )
    if cct > 50000:
        n = (x - 0.3356) / (y - 0.1691)
        cct = 36284.48953 + 0.00228 * np.exp(-n / 0.07861) + 5.4535e-36 * np.exp(-n / 0.01543)
    brightness = np.sqrt(0.241 * means[0] ** 2 + 0.691 * means[1] ** 2 + 0.068 * means[2] ** 2)
    return np.array([colorfulness, contrast, -cct, brightness])


def _masks(height: int, width: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    edge = np.zeros((height, width), bool)
    edge[:, 0] = edge[:, -1] = True  # neighbours only through the wrap-around
    corner = np.zeros((height, width), bool)
    corner[0, 0] = True  # one pixel: no valid pair at all
    return np.stack(
        [
            np.ones((height, width), bool),
            rng.random((height, width)) > 0.6,
            edge,
            corner,
            np.zeros((height, width), bool),
        ]
    )


def test_every_metric_equals_its_literal_definition_on_small_arrays() -> None:
    image = np.random.default_rng(0).integers(0, 256, (9, 11, 3)).astype(np.float32)
    masks = _masks(9, 11)
    measured = reference_raw_metrics(image, masks)
    for mask, row in zip(masks, measured, strict=True):
        np.testing.assert_allclose(row, literal_metrics(image, mask), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(measured[-1], 0.0)  # the empty mask measures 0


def test_literal_equality_holds_on_a_real_photo(chelsea: np.ndarray) -> None:
    view = measurement_view(chelsea)
    masks = np.zeros((3, 512, 512), bool)
    masks[0] = True
    masks[1, 100:300, 50:450] = True
    masks[2] = view[..., 0] > view[..., 2]  # the warm pixels: a ragged region
    measured = reference_raw_metrics(view, masks)
    for mask, row in zip(masks, measured, strict=True):
        np.testing.assert_allclose(row, literal_metrics(view, mask), rtol=1e-9)
    assert measured[2, 2] > measured[0, 2]  # the warm pixels are warmer than the whole


def test_contrast_is_capped_at_20000() -> None:
    checker = (np.indices((8, 8)).sum(axis=0) % 2 * 255).astype(np.float32)
    image = np.repeat(checker[..., None], 3, axis=2)  # 3 x 255² per pair: 195,075 before the cap
    assert reference_raw_metrics(image, np.ones((1, 8, 8), bool))[0, 1] == CONTRAST_CAP


def test_temperature_matches_colour_science() -> None:
    colour = pytest.importorskip("colour")
    means = np.array(
        [[200.0, 120.0, 60.0], [90.0, 110.0, 200.0], [128.0, 128.0, 128.0], [0, 0, 255]]
    )
    for mean, ours in zip(means, temperature_of_means(means), strict=True):
        rgb = np.clip(mean / 255.0, 1e-3, 0.999)
        xy = colour.XYZ_to_xy(colour.sRGB_to_XYZ(rgb))
        expected = -colour.temperature.xy_to_CCT(xy, "hernandez1999")
        np.testing.assert_allclose(ours, expected, rtol=1e-9)
    assert (
        temperature_of_means(means[0])
        > temperature_of_means(means[2])
        > temperature_of_means(means[1])
    )


def test_the_second_formula_takes_over_above_50000_kelvin() -> None:
    x, y = np.array([0.24]), np.array([0.23])  # a deep blue: the first formula passes 50,000 K
    n = (x - 0.3356) / (y - 0.1691)
    second = 36284.48953 + 0.00228 * np.exp(-n / 0.07861) + 5.4535e-36 * np.exp(-n / 0.01543)
    np.testing.assert_allclose(cct_hernandez_andres(x, y), second)


def test_the_view_is_opencvs_default_stretch(coffee: np.ndarray) -> None:
    expected = cv2.resize(coffee, (512, 512)).astype(np.float32)
    np.testing.assert_array_equal(measurement_view(coffee), expected)
    deep = measurement_view(coffee.astype(np.uint16) * 257)
    assert deep.shape == (512, 512, 3) and np.abs(deep - expected).max() <= 1.0
