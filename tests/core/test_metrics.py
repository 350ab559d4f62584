import colour
import numpy as np
import pytest

from pertouch.core.errors import MaskError
from pertouch.core.metrics import (
    ANALYSIS_SIZE,
    analysis_shape,
    cct_from_xy,
    cct_of_linear_rgb,
    measure_raw,
    raw_metrics,
    srgb_to_linear,
    to_float_rgb,
)


def direct_metrics(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The four metrics written out literally for a hard mask, as a reference."""
    sel = mask > 0.5
    r, g, b = (rgb[..., c][sel].astype(np.float64) for c in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    colorfulness = np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(
        rg.mean() ** 2 + yb.mean() ** 2
    )
    luma = rgb.astype(np.float64) @ [0.299, 0.587, 0.114]
    diffs = []
    h, w = sel.shape
    for y in range(h):
        for x in range(w):
            if not sel[y, x]:
                continue
            if x + 1 < w and sel[y, x + 1]:
                diffs.append((luma[y, x + 1] - luma[y, x]) ** 2)
            if y + 1 < h and sel[y + 1, x]:
                diffs.append((luma[y + 1, x] - luma[y, x]) ** 2)
    contrast = np.mean(diffs)
    brightness = np.sqrt(0.241 * r**2 + 0.691 * g**2 + 0.068 * b**2).mean()
    mean_linear = srgb_to_linear(np.stack([r, g, b], axis=1)).mean(axis=0)
    xyz = colour.RGB_to_XYZ(mean_linear, colour.RGB_COLOURSPACES["sRGB"], apply_cctf_decoding=False)
    cct = colour.temperature.xy_to_CCT(colour.XYZ_to_xy(xyz), method="McCamy 1992")
    return np.array([colorfulness, contrast, -cct, brightness])


def test_metrics_match_the_formulas_on_a_real_photo(coffee):
    rgb = to_float_rgb(coffee[100:160, 200:280])
    mask = np.zeros(rgb.shape[:2], np.float32)
    mask[10:50, 5:60] = 1
    ours = raw_metrics(rgb, mask[None])[0]
    ref = direct_metrics(rgb, mask)
    np.testing.assert_allclose(ours, ref, rtol=2e-3)


@pytest.mark.parametrize(
    "xy",
    [
        (0.3127, 0.3290),
        (0.4476, 0.4074),
        (0.3457, 0.3585),
        (0.2800, 0.2900),
        (0.5000, 0.4150),
        (0.3800, 0.3770),
    ],
)
def test_mccamy_matches_colour_science(xy):
    ours = cct_from_xy(np.array(xy[0]), np.array(xy[1]), "mccamy")
    ref = colour.temperature.xy_to_CCT(np.array(xy), method="McCamy 1992")
    assert ours == pytest.approx(ref, rel=1e-4)


@pytest.mark.parametrize(
    "xy", [(0.3127, 0.3290), (0.2900, 0.3000), (0.2700, 0.2800), (0.3200, 0.3300)]
)
def test_hernandez_andres_matches_colour_science(xy):
    ours = cct_from_xy(np.array(xy[0]), np.array(xy[1]), "hernandez-andres")
    ref = colour.temperature.xy_to_CCT(np.array(xy), method="Hernandez 1999")
    assert ours == pytest.approx(ref, rel=1e-4)


@pytest.mark.parametrize(
    "rgb", [(1.0, 1.0, 1.0), (1.0, 0.8, 0.6), (0.7, 0.8, 1.0), (0.9, 0.85, 0.7), (0.5, 0.5, 0.45)]
)
def test_temperature_of_uniform_patches_matches_colour_science(rgb):
    patch = np.broadcast_to(np.array(rgb, np.float32), (8, 8, 3)).copy()
    measured = -raw_metrics(patch, np.ones((1, 8, 8), np.float32))[0, 2]
    xyz = colour.RGB_to_XYZ(
        np.array(rgb), colour.RGB_COLOURSPACES["sRGB"], apply_cctf_decoding=True
    )
    ref = colour.temperature.xy_to_CCT(colour.XYZ_to_xy(xyz), method="McCamy 1992")
    assert measured == pytest.approx(ref, rel=2e-3)


def test_warmer_colours_have_higher_temperature_metric():
    colours = [(0.7, 0.8, 1.0), (1.0, 1.0, 1.0), (1.0, 0.9, 0.8), (1.0, 0.8, 0.6)]
    temps = [
        raw_metrics(np.full((4, 4, 3), c, np.float32), np.ones((1, 4, 4), np.float32))[0, 2]
        for c in colours
    ]
    assert temps == sorted(temps)


def test_cct_of_black_is_daylight_not_nan():
    assert np.isfinite(cct_of_linear_rgb(np.zeros(3)))


def test_soft_mask_weights_pixels(coffee):
    rgb = to_float_rgb(coffee)
    left = np.zeros(rgb.shape[:2], np.float32)
    left[:, : rgb.shape[1] // 2] = 1
    half = left * 0.5
    np.testing.assert_allclose(
        raw_metrics(rgb, left[None]), raw_metrics(rgb, half[None]), rtol=1e-5
    )
    blend = left + 0.25 * (1 - left)
    b_left, b_blend = raw_metrics(rgb, np.stack([left, blend]))[:, 3]
    b_right = raw_metrics(rgb, (1 - left)[None])[0, 3]
    expected = (b_left * left.sum() + 0.25 * b_right * (1 - left).sum()) / blend.sum()
    assert b_blend == pytest.approx(expected, rel=1e-5)


def test_16_bit_and_8_bit_measure_alike(astronaut):
    wide = astronaut.astype(np.uint16) * 257
    a = measure_raw(astronaut)["global"]
    b = measure_raw(wide)["global"]
    np.testing.assert_allclose(a, b, rtol=1e-4)


def test_grey_image_has_no_colour(astronaut):
    grey = astronaut.mean(axis=2).astype(np.uint8)
    colorfulness = measure_raw(grey)["global"][0]
    assert colorfulness < 1e-6


def test_measurement_is_resolution_independent(chelsea):
    import cv2

    big = cv2.resize(
        chelsea, (chelsea.shape[1] * 4, chelsea.shape[0] * 4), interpolation=cv2.INTER_CUBIC
    )
    small = measure_raw(chelsea)["global"]
    large = measure_raw(big)["global"]
    assert max(analysis_shape(*big.shape[:2])) == ANALYSIS_SIZE
    np.testing.assert_allclose(small[[0, 2, 3]], large[[0, 2, 3]], rtol=0.02)
    # neighbour contrast is defined at the analysis scale: the same ballpark, not 16x smaller
    assert 0.5 < large[1] / small[1] < 2.0


def test_mask_of_wrong_size_is_refused(coffee):
    with pytest.raises(MaskError, match="photo's size"):
        measure_raw(coffee, {"cup": np.ones((10, 10), np.float32)})


def test_empty_mask_is_refused(coffee):
    with pytest.raises(MaskError, match="empty"):
        measure_raw(coffee, {"cup": np.zeros(coffee.shape[:2], np.float32)})
