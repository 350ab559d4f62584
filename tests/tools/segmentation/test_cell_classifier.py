"""The learned landscape labeller: tree evaluation, smoothing, the bundled model on real photos."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.corpus import CORPUS, load
from pertouch.tools.segmentation.cell_classifier import (
    CLASSES,
    TreeModel,
    bundled_model,
    present,
    smooth_probabilities,
)
from pertouch.tools.segmentation.cell_features import FEATURE_NAMES, NO_MIRROR, cell_features
from pertouch.tools.segmentation.landscape import rule_labels
from pertouch.tools.segmentation.scene import SceneFeatures
from pertouch.tools.segmentation.superpixels import superpixels


def _stumps() -> TreeModel:
    """One stump per class: class k scores +2 when feature k exceeds 0.5, else -1."""
    k = len(CLASSES)
    return TreeModel(
        feature=np.array([[c, -1, -1] for c in range(k)], np.int32),
        threshold=np.full((k, 3), 0.5, np.float32),
        left=np.array([[1, 0, 0]] * k, np.int32),
        right=np.array([[2, 0, 0]] * k, np.int32),
        value=np.array([[0.0, -1.0, 2.0]] * k, np.float32),
        tree_class=np.arange(k, dtype=np.int32),
        init=np.zeros(k, np.float32),
        learning_rate=1.0,
        smoothing=0.0,
        passes=0,
        depth=1,
    )


def test_trees_follow_their_thresholds():
    x = np.zeros((3, len(CLASSES)), np.float32)
    x[0, 2], x[1, 4], x[2, [1, 5]] = 1.0, 0.7, 0.9
    raw = _stumps().raw_scores(x)
    assert raw[0].tolist() == [-1, -1, 2, -1, -1, -1]
    assert np.argmax(raw, axis=1).tolist()[:2] == [2, 4]
    probabilities = _stumps().probabilities(x)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities[2, 1] == pytest.approx(probabilities[2, 5]) and probabilities[2, 1] > 0.4


def test_the_bundled_model_reads_todays_features_and_round_trips():
    model = bundled_model()
    data = model.to_json()
    assert tuple(data["features"]) == FEATURE_NAMES  # type: ignore[arg-type]
    again = TreeModel.from_json(data)
    x = np.random.default_rng(0).normal(size=(20, len(FEATURE_NAMES))).astype(np.float32)
    assert np.allclose(again.probabilities(x), model.probabilities(x), atol=1e-4)


def _photo(name: str) -> np.ndarray:
    photo = next(p for p in CORPUS if p.name == name)
    if not photo.available:
        pytest.skip(f"{name} is not installed here ({photo.source})")
    return load(photo)


def _cells_of(name: str):
    from pertouch.core.metrics import analysis_shape, resize_area, to_float_rgb

    full = to_float_rgb(_photo(name))
    small = resize_area(full, analysis_shape(*full.shape[:2], 512))
    features = SceneFeatures.of(small)
    return superpixels(small, features.lab), features.lab


def test_smoothing_pulls_a_lone_cell_towards_its_neighbours():
    cells, _ = _cells_of("dune")
    probabilities = np.tile(np.array([[0, 0, 0, 1, 0, 0]], np.float32), (cells.count, 1))
    lone = int(np.argmax(cells.row))  # a bottom cell
    probabilities[lone] = [0, 0, 1, 0, 0, 0]
    smoothed = smooth_probabilities(cells, probabilities, 0.5, 1)
    assert np.allclose(smoothed.sum(axis=1), 1.0)
    assert smoothed[lone, 2] == pytest.approx(0.5) and smoothed[lone, 3] == pytest.approx(0.5)


def test_features_see_the_mirror_of_the_sky_in_a_lake():
    cells, lab = _cells_of("china")
    rules, horizon, _ = rule_labels(cells, np.zeros(cells.count, bool))
    table = cell_features(cells, lab, horizon, rules)
    assert table.shape == (cells.count, len(FEATURE_NAMES)) and np.isfinite(table).all()
    mirror = table[:, FEATURE_NAMES.index("mirror")]
    assert horizon is not None
    above = cells.bottom < horizon
    assert above.any() and np.allclose(mirror[above], NO_MIRROR)  # nothing mirrors above it
    mirrored = (cells.top > horizon) & (cells.bottom < 2 * horizon)  # their mirror is in frame
    assert mirrored.any() and (mirror[mirrored] < NO_MIRROR).mean() > 0.5


def test_a_region_the_learner_doubts_is_dropped_whole():
    labels = np.array([3, 3, 3, 1, 1, 0], np.int32)
    probabilities = np.zeros((6, len(CLASSES)), np.float32)
    probabilities[:3, 3] = [0.4, 0.1, 0.05]  # vegetation believed 0.15 on average by area
    probabilities[3:5, 1] = [0.05, 0.1]  # sky doubted too, but sky has no gate
    area = np.array([0.1, 0.2, 0.1, 0.3, 0.2, 0.1], np.float32)
    gate = np.zeros(len(CLASSES), np.float32)
    gate[3] = 0.2
    assert present(labels, probabilities, area, gate).tolist() == [0, 0, 0, 1, 1, 0]
    gate[3] = 0.1
    assert present(labels, probabilities, area, gate).tolist() == labels.tolist()
