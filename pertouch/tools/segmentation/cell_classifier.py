"""The learned landscape labeller: boosted decision trees over superpixel features.

``benchmarks/fit_regions.py`` fits scikit-learn's gradient boosting on the cells of the dev
photos' hand-drawn outlines (:mod:`cell_features` gives each cell's row of numbers; the outline
gives its label) and writes the fitted trees as plain arrays to ``data/landscape_trees.json``:
no pickles, no scikit-learn at run time. Here the trees are evaluated with numpy, all trees and
cells at once, one tree level per step.

Each cell's class probabilities are then smoothed over its neighbours (a lone "water" cell in a
meadow is likely a shadow). The learner does not replace the rules (:mod:`landscape`): with a
score of outlined photos, the kinds that few of them hold (water, buildings, ground) are learned
too thinly to stand alone (leave-one-photo-out, the learner alone found almost no buildings), so
it checks the rules instead: a rule's label the learner finds improbable is dropped, and
(:attr:`TreeModel.fill`) cells the rules leave unlabelled may take the learner's class.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation.cell_features import FEATURE_NAMES, neighbour_mean
from pertouch.tools.segmentation.superpixels import Superpixels

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int32]
#: The classes the trees tell apart, in the order of their outputs.
CLASSES = ("none", "sky", "water", "vegetation", "architecture", "ground")
MODEL_FILE = "landscape_trees.json"


class LandscapeModelError(RuntimeError):
    """The bundled landscape model does not fit this version of the features (our bug, refit)."""


@dataclass(frozen=True)
class TreeModel:
    """A fitted multi-class gradient-boosted tree ensemble, as arrays.

    Attributes:
        feature: ``(T, N)`` feature index tested at each node; -1 at leaves.
        threshold: ``(T, N)`` go left when ``x[feature] <= threshold``.
        left, right: ``(T, N)`` child node indices.
        value: ``(T, N)`` leaf outputs (raw scores).
        tree_class: ``(T,)`` the class each tree adds to.
        init: ``(K,)`` raw scores before any tree.
        learning_rate: the shrinkage each tree's output is scaled by.
        smoothing: weight of the neighbours' probabilities in each smoothing pass.
        passes: number of smoothing passes.
        depth: deepest leaf of any tree.
        veto: ``(K,)`` per class, a rule's label is dropped where its learned probability is
            under this (0: never).
        fill: ``(K,)`` per class, whether cells the rules leave unlabelled may take it when it
            is the learner's most probable class.
        presence: ``(K,)`` per class, the area-weighted mean learned probability a whole region
            needs over its cells to be kept (0: always kept): the yellow "vegetation" of a flower
            close-up or the lined "building" of a motorcycle is dropped as one piece.
    """

    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    value: FloatArray
    tree_class: IntArray
    init: FloatArray
    learning_rate: float
    smoothing: float
    passes: int
    depth: int
    veto: FloatArray = field(default_factory=lambda: np.zeros(len(CLASSES), np.float32))
    fill: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(len(CLASSES), bool))
    presence: FloatArray = field(default_factory=lambda: np.zeros(len(CLASSES), np.float32))

    def to_json(self, features: tuple[str, ...] = FEATURE_NAMES) -> dict[str, object]:
        return {
            "features": list(features),
            "classes": list(CLASSES),
            "learning_rate": self.learning_rate,
            "smoothing": self.smoothing,
            "passes": self.passes,
            "depth": self.depth,
            "veto": [float(v) for v in self.veto],
            "fill": [bool(v) for v in self.fill],
            "presence": [float(v) for v in self.presence],
            "init": [round(float(v), 6) for v in self.init],
            "tree_class": self.tree_class.tolist(),
            "feature": self.feature.tolist(),
            "threshold": [[round(float(v), 5) for v in row] for row in self.threshold],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": [[round(float(v), 6) for v in row] for row in self.value],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TreeModel:
        if tuple(data["features"]) != FEATURE_NAMES or tuple(data["classes"]) != CLASSES:
            raise LandscapeModelError(
                "The landscape model was fitted on other features; refit it with "
                "benchmarks/fit_regions.py."
            )
        return cls(
            feature=np.asarray(data["feature"], np.int32),
            threshold=np.asarray(data["threshold"], np.float32),
            left=np.asarray(data["left"], np.int32),
            right=np.asarray(data["right"], np.int32),
            value=np.asarray(data["value"], np.float32),
            tree_class=np.asarray(data["tree_class"], np.int32),
            init=np.asarray(data["init"], np.float32),
            learning_rate=float(data["learning_rate"]),
            smoothing=float(data["smoothing"]),
            passes=int(data["passes"]),
            depth=int(data["depth"]),
            veto=np.asarray(data["veto"], np.float32),
            fill=np.asarray(data["fill"], bool),
            presence=np.asarray(data.get("presence", [0.0] * len(CLASSES)), np.float32),
        )

    def raw_scores(self, x: FloatArray) -> FloatArray:
        """``(n, K)`` raw class scores of the rows of ``x`` (``(n, F)``)."""
        trees, cells = len(self.tree_class), len(x)
        node = np.zeros((trees, cells), np.int64)
        tree_index = np.arange(trees)[:, None]
        cell_index = np.arange(cells)[None, :]
        for _ in range(self.depth):
            feature = self.feature[tree_index, node]
            leaf = feature < 0
            goes_left = x[cell_index, np.maximum(feature, 0)] <= self.threshold[tree_index, node]
            child = np.where(goes_left, self.left[tree_index, node], self.right[tree_index, node])
            node = np.where(leaf, node, child)
        outputs = self.value[tree_index, node]  # (T, n)
        scores = np.zeros((len(self.init), cells), np.float64)
        np.add.at(scores, self.tree_class, outputs)
        return (self.init[:, None] + self.learning_rate * scores).T.astype(np.float32)

    def probabilities(self, x: FloatArray) -> FloatArray:
        """``(n, K)`` class probabilities (softmax of the raw scores)."""
        raw = self.raw_scores(x)
        raw = raw - raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def smooth_probabilities(
    c: Superpixels, probabilities: FloatArray, weight: float, passes: int
) -> FloatArray:
    """Blend each cell's probabilities with its neighbours' (contact-weighted), ``passes`` times."""
    out = probabilities
    for _ in range(passes):
        out = (1.0 - weight) * out + weight * neighbour_mean(c, out)
    return out.astype(np.float32)


def classify_cells(c: Superpixels, features: FloatArray, model: TreeModel) -> FloatArray:
    """``(n, K)`` smoothed class probabilities of every cell (classes in :data:`CLASSES`)."""
    return smooth_probabilities(c, model.probabilities(features), model.smoothing, model.passes)


def combine(
    rules: IntArray, probabilities: FloatArray, veto: FloatArray, fill: NDArray[np.bool_]
) -> IntArray:
    """Cell labels from the rules' labels (``(n,)`` indices into :data:`CLASSES`) and the
    learned ``(n, K)`` probabilities: a rule label whose learned probability is under its
    class's ``veto`` is dropped (the rules' yellow "grass" that is a sunlit rock), and cells left
    unlabelled take the learner's most probable class where ``fill`` allows that class.
    """
    rules = rules.astype(np.int64)
    kept = np.take_along_axis(probabilities, rules[:, None], axis=1)[:, 0] >= veto[rules]
    out = np.where(kept, rules, 0)
    best = np.argmax(probabilities, axis=1)
    out = np.where((out == 0) & fill[best], best, out)
    return out.astype(np.int32)


def present(
    labels: IntArray, probabilities: FloatArray, area: FloatArray, presence: FloatArray
) -> IntArray:
    """``labels`` with every class whose region the learner doubts as a whole set to "none".

    A region is doubted when the area-weighted mean of its class's learned probability over its
    cells is under ``presence`` for that class. Single cells are judged by :func:`combine`; this
    judges the region, so a close-up's yellow petals, each a little grass-like, are not kept as
    "vegetation" because the rules and the learner half agree on every one of them.
    """
    out = labels.copy()
    for k in range(1, len(presence)):
        cells = labels == k
        if presence[k] <= 0 or not cells.any():
            continue
        weights = area[cells]
        belief = float((probabilities[cells, k] * weights).sum() / max(float(weights.sum()), 1e-9))
        if belief < presence[k]:
            out[cells] = 0
    return out.astype(np.int32)


@cache
def bundled_model() -> TreeModel:
    """The model shipped with PerTouch (read once)."""
    text = (
        resources.files("pertouch.tools.segmentation")
        .joinpath("data", MODEL_FILE)
        .read_text(encoding="utf-8")
    )
    return TreeModel.from_json(json.loads(text))
