"""The reference's quantile normalisation: scikit-learn's transform exactly, saved without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pertouch.backbone.diffusion.quantile import FILE_NAME, QuantileScale, stored_raw
from pertouch.core.errors import ScaleError
from pertouch.core.levels import sample_regions
from pertouch.core.reference_metrics import measurement_view, reference_raw_metrics


def _photo_samples(*photos: np.ndarray) -> np.ndarray:
    """Raw reference metrics of grid tiles of real photos: ``(N, 4)``."""
    masks = np.stack([m > 0 for m in sample_regions(512, 512, (1, 2, 3, 4, 5, 6))])
    return np.concatenate([reference_raw_metrics(measurement_view(p), masks) for p in photos])


def test_stored_raw_is_the_float16_store_read_back_and_clipped() -> None:
    raw = np.array([1234.567, -6543.21, np.nan, 25_000.0, -1e300, 0.1])
    literal = np.clip(
        np.nan_to_num(np.clip(raw, -30000, 30000).astype(np.float16).astype(np.float32)),
        -20000,
        20000,
    )
    np.testing.assert_array_equal(stored_raw(raw), literal)
    assert stored_raw(raw)[0] == np.float32(1235.0)  # float16 holds 1234.567 as 1235


@pytest.mark.filterwarnings("ignore:n_quantiles .* is greater than the total number of samples")
def test_levels_are_twice_sklearns_transform_minus_one(
    astronaut: np.ndarray, coffee: np.ndarray, chelsea: np.ndarray, rocket: np.ndarray
) -> None:
    from sklearn.preprocessing import QuantileTransformer

    samples = _photo_samples(astronaut, coffee, chelsea)
    scale = QuantileScale.fit([samples[:, c] for c in range(4)])
    probe = np.concatenate([_photo_samples(rocket), samples[:7], scale.quantiles.T[[0, -1]]])
    ours = scale.to_level(probe)
    for c in range(4):
        qt = QuantileTransformer(output_distribution="uniform", random_state=0)
        qt.fit(stored_raw(samples[:, c]).reshape(-1, 1))
        expected = 2 * qt.transform(stored_raw(probe[:, c]).reshape(-1, 1))[:, 0] - 1
        np.testing.assert_array_equal(ours[:, c], expected.astype(np.float32))
    assert ours.min() == -1.0 and ours.max() == 1.0
    assert np.all(np.abs(np.median(scale.to_level(samples), axis=0)) < 0.05)


def test_repeated_values_map_to_the_middle_of_their_span() -> None:
    values = np.repeat(np.arange(10.0), 50)  # 500 samples: the quantiles are the sorted values
    scale = QuantileScale.fit([values] * 4)
    level = scale.to_level(np.full((1, 4), 5.0))[0]
    # 5 fills sorted places 250 to 299 of 0..499: its level is the middle of that span (an
    # interpolation one way alone would give one end of it)
    np.testing.assert_allclose(level, 2 * (275 / 499) - 1, atol=2 / 499)


def test_saved_scale_reloads_exactly_and_bad_files_are_refused(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    scale = QuantileScale.fit(
        [rng.normal(size=500) * s for s in (10, 100, 1000, 50)], source="test"
    )
    scale.save(tmp_path / FILE_NAME)
    again = QuantileScale.from_checkpoint(tmp_path)
    np.testing.assert_array_equal(again.quantiles, scale.quantiles)
    assert again.source == "test"
    (tmp_path / "bad.json").write_text('{"knots": {}}')
    with pytest.raises(ScaleError, match="not a PerTouch quantile scale"):
        QuantileScale.load(tmp_path / "bad.json")
    with pytest.raises(ScaleError, match="4 attributes"):
        QuantileScale.fit([np.arange(5.0)] * 4)


def test_a_missing_scale_is_explained(tmp_path: Path) -> None:
    with pytest.raises(
        ScaleError, match=r"quantile_scale\.json is missing: run `pertouch prepare-data"
    ) as info:
        QuantileScale.from_checkpoint(tmp_path)
    assert str(info.value).count(".") >= 1 and "\n" not in str(info.value)
