from __future__ import annotations

import cv2
import numpy as np
import pytest

from pertouch.backbone.diffusion.lift import apply_colour_transform, fit_colour_transform, lift_edit
from pertouch.core.metrics import measure_raw


@pytest.fixture(scope="module")
def full(astronaut: np.ndarray) -> np.ndarray:
    """A 768 x 768 photo with real detail, and its 192 x 192 working view."""
    return (
        np.clip(cv2.resize(astronaut, (768, 768), interpolation=cv2.INTER_CUBIC), 0, 255).astype(
            np.float32
        )
        / 255
    )


def _small(image: np.ndarray, side: int = 192) -> np.ndarray:
    return cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA)


def test_identity_edit_returns_the_full_resolution_photo(full: np.ndarray) -> None:
    low = _small(full)
    out = lift_edit(full, low, low)
    assert out.shape == full.shape and out.dtype == np.float32
    assert np.abs(out - full).max() < 1e-4


def test_global_brightness_edit_lands_at_full_resolution(full: np.ndarray) -> None:
    low = _small(full)
    brighter = np.clip(low**0.8, 0, 1).astype(np.float32)
    out = lift_edit(full, low, brighter)

    def brightness(image: np.ndarray) -> float:
        return float(measure_raw(image)["global"][3])

    low_gain = brightness(brighter) - brightness(low)
    assert low_gain > 0.03
    assert brightness(out) - brightness(full) == pytest.approx(low_gain, abs=0.003)


def test_detail_survives_where_resizing_the_output_would_blur_it(full: np.ndarray) -> None:
    low = _small(full)
    warmer = np.clip(low * np.array([1.1, 1.0, 0.9], np.float32), 0, 1)
    lifted = lift_edit(full, low, warmer)
    resized = cv2.resize(warmer, full.shape[1::-1], interpolation=cv2.INTER_CUBIC)
    truth = np.clip(full * np.array([1.1, 1.0, 0.9], np.float32), 0, 1)
    assert np.abs(lifted - truth).mean() < 0.2 * np.abs(resized - truth).mean()


def test_a_regional_edit_stays_in_its_region(full: np.ndarray) -> None:
    low = _small(full)
    edited = low.copy()
    edited[:, :96] = np.clip(edited[:, :96] * 0.7, 0, 1)
    out = lift_edit(full, low, edited)
    left, right = np.s_[:, :320], np.s_[:, 448:]
    assert (out[left] - full[left]).mean() < -0.05
    assert np.abs(out[right] - full[right]).mean() < 0.005


def test_coefficients_are_twelve_maps_and_any_size_applies(full: np.ndarray) -> None:
    low = _small(full)
    coeffs = fit_colour_transform(low, low)
    assert coeffs.shape == (192, 192, 12)
    odd = np.ascontiguousarray(full[:301, :457])
    assert apply_colour_transform(odd, coeffs).shape == (301, 457, 3)


def test_bad_input_raises(full: np.ndarray) -> None:
    low = _small(full)
    with pytest.raises(ValueError, match="two"):
        fit_colour_transform(low, low[:10])
    with pytest.raises(ValueError, match="radius"):
        fit_colour_transform(low, low, radius=0)
    with pytest.raises(ValueError, match="non-empty"):
        lift_edit(full[:0], low, low)
