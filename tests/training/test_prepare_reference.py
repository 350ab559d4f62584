"""Data preparation with the reference's metric set: its stretch, its metrics, its quantile scale."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from pertouch.backbone.diffusion.quantile import FILE_NAME, QuantileScale
from pertouch.core.imageio import load_photo
from pertouch.core.levels import default_scale
from pertouch.core.reference_metrics import reference_raw_metrics
from pertouch.training.config import PrepareConfig
from pertouch.training.layout import DataError, map_file, read_manifest, read_map, region_file
from pertouch.training.prepare import prepare
from pertouch.training.train import train
from tests.training.conftest import EXPERT_EDITS, MAP_SIZE, PairSet
from tests.training.test_train import _config


@pytest.fixture(scope="module")
def reference_prepared(pairs: PairSet, segmenter, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("reference") / "prepared"
    config = PrepareConfig(
        data=str(pairs.data),
        output=str(out),
        map_size=MAP_SIZE,
        progress=False,
        metrics="reference",
    )
    prepare(config, segmenter=segmenter)
    return out


def test_regions_are_measured_on_the_bilinear_stretch_with_the_reference_metrics(
    pairs: PairSet, reference_prepared: Path
) -> None:
    for expert in EXPERT_EDITS:
        photo = load_photo(pairs.data / expert / "rocket.png").pixels
        with np.load(region_file(reference_prepared, expert, "rocket.png")) as regions:
            labels, indices, raw = regions["labels"], regions["indices"], regions["raw"]
            assert str(regions["metrics"]) == "reference"
        view = cv2.resize(photo, (MAP_SIZE, MAP_SIZE)).astype(
            np.float32
        )  # OpenCV's default: bilinear
        expected = reference_raw_metrics(view, np.stack([labels == i for i in indices]))
        np.testing.assert_allclose(raw, expected, rtol=1e-12)


def test_maps_are_the_quantile_levels_of_each_pixels_region(reference_prepared: Path) -> None:
    manifest = read_manifest(reference_prepared)
    assert manifest["metrics"] == "reference" and not (reference_prepared / "scale.json").exists()
    scale = QuantileScale.load(reference_prepared / FILE_NAME)
    pixels = []
    for expert in manifest["experts"]:
        for name in manifest["names"]:
            with np.load(region_file(reference_prepared, expert, name)) as regions:
                labels, indices, raw = regions["labels"], regions["indices"], regions["raw"]
            stored = read_map(map_file(reference_prepared, expert, name))
            levels = 2 * scale.to_unit(raw) - 1
            expected = np.moveaxis(levels[np.searchsorted(indices, labels)], -1, 0)
            np.testing.assert_array_equal(stored, expected.astype(np.float16))
            pixels.append(stored.reshape(4, -1).astype(np.float32))
    # fitted on these very maps, the transform spreads their pixels evenly over [-1, 1]
    below_zero = (np.concatenate(pixels, axis=1) < 0).mean(axis=1)
    assert np.all(np.abs(below_zero - 0.5) < 0.2), below_zero


def test_switching_metrics_measures_again_and_a_mismatched_scale_is_refused(
    pairs: PairSet,
    reference_prepared: Path,
    segmenter,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "prepared"
    shutil.copytree(reference_prepared, out)
    config = PrepareConfig(data=str(pairs.data), output=str(out), map_size=MAP_SIZE, progress=False)
    with pytest.raises(DataError, match="metrics=reference expresses maps in a QuantileScale"):
        prepare(dataclasses.replace(config, metrics="reference"), scale=default_scale())
    prepare(config, scale=default_scale(), segmenter=segmenter)
    with np.load(region_file(out, "expertA", "coffee.png")) as regions:
        assert str(regions["metrics"]) == "project"
    assert json.loads((out / "manifest.json").read_text())["metrics"] == "project"


def test_training_on_reference_maps_ships_their_quantile_scale(
    pairs: PairSet, reference_prepared: Path, tmp_path: Path
) -> None:
    config = dataclasses.replace(
        _config(pairs, tmp_path, max_steps=1, checkpoint_every=100), data=str(reference_prepared)
    )
    train(config)
    shipped = QuantileScale.from_checkpoint(tmp_path / "final")
    np.testing.assert_array_equal(
        shipped.quantiles, QuantileScale.load(reference_prepared / FILE_NAME).quantiles
    )
    assert not (tmp_path / "final" / "scale.json").exists()
