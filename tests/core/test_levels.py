import json

import numpy as np
import pytest
from PIL import Image

from pertouch.core.errors import ScaleError
from pertouch.core.levels import (
    LevelScale,
    default_scale,
    fit_scale,
    fit_scale_from_folder,
    measure_samples,
)
from pertouch.core.metrics import MCCAMY_LIMITS, measure_raw


def test_default_scale_is_monotone_and_invertible():
    scale = default_scale()
    assert (np.diff(scale.knots, axis=1) > 0).all()
    raw = np.linspace(scale.knots[:, 0] * 1.5 - 1, scale.knots[:, -1] * 1.5 + 1, 200)
    levels = scale.to_level(raw, clip=False)
    assert (np.diff(levels, axis=0) > 0).all()
    np.testing.assert_allclose(scale.to_raw(levels), raw, rtol=1e-9, atol=1e-9)


def test_public_levels_stay_in_range():
    scale = default_scale()
    extreme = np.array([[1e3, 1e3, 0.0, 1e3], [-1e3, -1e3, -1e6, -1e3]])
    levels = scale.to_level(extreme)
    assert levels.min() >= -1 and levels.max() <= 1


def test_real_photos_land_inside_the_scale(astronaut, coffee, rocket, chelsea):
    scale = default_scale()
    for photo in (astronaut, coffee, rocket, chelsea):
        levels = scale.to_level(measure_raw(photo)["global"], clip=False)
        assert np.all(np.abs(levels) < 1.2), levels


def test_fit_puts_the_median_at_zero_and_percentiles_at_the_ends():
    rng = np.random.default_rng(0)
    samples = rng.normal(size=(5000, 4)) * [1, 2, 3, 4] + [10, 20, -5000, 0.5]
    scale = fit_scale(samples)
    median = np.median(samples, axis=0)
    np.testing.assert_allclose(scale.to_level(median), 0, atol=0.01)
    np.testing.assert_allclose(scale.to_level(np.percentile(samples, 99, axis=0)), 1, atol=0.01)
    np.testing.assert_allclose(scale.to_level(np.percentile(samples, 1, axis=0)), -1, atol=0.01)


def test_fit_survives_constant_samples():
    scale = fit_scale(np.ones((50, 4)))
    assert (np.diff(scale.knots, axis=1) > 0).all()


def test_json_round_trip(tmp_path):
    scale = default_scale()
    path = tmp_path / "scale.json"
    scale.save(path)
    again = LevelScale.load(path)
    np.testing.assert_array_equal(again.knots, scale.knots)
    assert again.source == scale.source


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        json.dumps({"knots": {"colorfulness": [1, 2, 3]}}),
        json.dumps(
            {
                "knots": {
                    a: [3, 2, 1] for a in ("colorfulness", "contrast", "temperature", "brightness")
                }
            }
        ),
    ],
)
def test_malformed_scales_are_refused(text):
    with pytest.raises(ScaleError):
        LevelScale.from_json(text)


def test_refit_from_a_folder_of_photos(tmp_path, astronaut, coffee, rocket, chelsea):
    for name, photo in {"a": astronaut, "b": coffee, "c": rocket, "d": chelsea}.items():
        Image.fromarray(photo).save(tmp_path / f"{name}.png")
    (tmp_path / "notes.txt").write_text("not a photo")
    scale = fit_scale_from_folder(tmp_path)
    assert "4 photos" in scale.source
    samples = np.concatenate([measure_samples(p) for p in (astronaut, coffee, rocket, chelsea)])
    # temperatures at the CCT formula's clamps are left out of the fit (saturated colours)
    lo, hi = MCCAMY_LIMITS
    measurable = samples[(samples[:, 2] < -lo - 1) & (samples[:, 2] > -hi + 1)]
    medians = np.r_[
        np.median(samples[:, :2], axis=0), np.median(measurable[:, 2]), np.median(samples[:, 3])
    ]
    np.testing.assert_allclose(scale.to_level(medians), 0, atol=0.06)


def test_refit_from_an_empty_folder_says_so(tmp_path):
    with pytest.raises(ScaleError, match="No readable photos"):
        fit_scale_from_folder(tmp_path)
    with pytest.raises(ScaleError, match="not a folder"):
        fit_scale_from_folder(tmp_path / "missing")
