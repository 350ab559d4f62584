"""What the learned landscape labeller sees of each superpixel: one row of numbers per cell.

The rules of :mod:`sky` and :mod:`landscape` decide each kind from a few hand-set thresholds; the
learned labeller (:mod:`cell_classifier`) reads the same cues and more, and learns from outlines
drawn by hand how they combine. Per cell (:data:`FEATURE_NAMES` in order):

* colour: mean CIE Lab, chroma, the hue as a direction, and the spread of a and b inside the cell;
* texture: lightness spread, median local deviation, fine detail (mean absolute Laplacian),
  gradient energy split by direction (facades and boards have much more of one direction; leaves,
  clouds and gravel have both), and how much the gradients inside the cell share one orientation
  (the coherence of the structure tensor: ripples, boards and panned streaks are coherent, foliage
  and gravel are not);
* colour against the photo: a and b less the photo's median a and b (a colour-graded photo's green
  sky is green only against a neutral grey), and the cell's lightness rank in the photo;
* straight lines: short and long segment density (:mod:`superpixels`);
* position: mean, top and bottom row, distance from the frame's vertical middle line, area, and the
  rows relative to the horizon the sky rules find;
* reflection: how well the cell matches its mirror image across the horizon (water mirrors what
  stands above it) and how close its colour is to the sky above the horizon;
* the rules' own verdicts (sky, water, vegetation, architecture, ground), so the learner keeps
  them where they hold and overrules them where the outlines say they fail;
* context: the same colour and texture averaged over the cell's neighbours and over their
  neighbours (a meadow's yellow cell sits among green ones, a sky's among sky). Whole-photo
  values were tried and left out: with a score of photos to learn from, they let the trees
  recognise the photo instead of the region.

Everything is vectorised over cells; the whole table costs a few milliseconds on the working view.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation.superpixels import Superpixels

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
RULE_KINDS = ("sky", "water", "vegetation", "architecture", "ground")
#: Mirror difference given to cells with no mirror image (no horizon, or above it).
NO_MIRROR = 60.0
_OWN = (
    "L",
    "a",
    "b",
    "chroma",
    "hue_cos",
    "hue_sin",
    "a_spread",
    "b_spread",
    "light_spread",
    "texture",
    "detail",
    "gradient",
    "vertical_edges",
    "lines",
    "structure",
    "coherence",
    "cast_a",
    "cast_b",
    "light_rank",
)
_CONTEXT = ("L", "a", "b", "chroma", "texture", "detail", "vertical_edges", "structure")
FEATURE_NAMES: tuple[str, ...] = (
    *_OWN,
    "row",
    "top",
    "bottom",
    "off_centre",
    "area",
    "has_horizon",
    "row_below_horizon",
    "top_below_horizon",
    "mirror",
    "sky_distance",
    *(f"rule_{k}" for k in RULE_KINDS),
    *(f"near_{k}" for k in _CONTEXT),
    *(f"far_{k}" for k in _CONTEXT),
    *(f"near_rule_{k}" for k in RULE_KINDS),
)


def _per_cell(c: Superpixels, values: FloatArray) -> FloatArray:
    return c.mean_of(np.asarray(values, np.float32))


def neighbour_mean(c: Superpixels, values: FloatArray) -> FloatArray:
    """Contact-weighted mean of ``values`` (``(n, k)``) over each cell's neighbours."""
    i, j = c.pairs[:, 0], c.pairs[:, 1]
    total = np.zeros_like(values, dtype=np.float64)
    weight = np.zeros(c.count, np.float64)
    np.add.at(total, i, values[j] * c.contact[:, None])
    np.add.at(total, j, values[i] * c.contact[:, None])
    np.add.at(weight, i, c.contact)
    np.add.at(weight, j, c.contact)
    lonely = weight == 0
    out = total / np.maximum(weight, 1e-9)[:, None]
    out[lonely] = values[lonely]
    return out.astype(np.float32)


def _mirror_difference(c: Superpixels, lab: FloatArray, horizon: float | None) -> FloatArray:
    """Per cell, mean Lab distance between the (blurred) photo and its mirror across the horizon."""
    height = lab.shape[0]
    if horizon is None:
        return np.full(c.count, NO_MIRROR, np.float32)
    blurred = cv2.GaussianBlur(lab, (0, 0), 2.0)
    line = horizon * height
    rows = np.arange(height)
    source = np.round(2 * line - rows - 1).astype(np.int64)
    valid = (rows > line) & (source >= 0) & (source < height)
    difference = np.full(lab.shape[:2], NO_MIRROR, np.float32)
    if valid.any():
        mirrored = blurred[source[valid]]
        gap = np.sqrt(((blurred[valid] - mirrored) ** 2).sum(axis=-1))
        difference[valid] = np.minimum(gap, NO_MIRROR)
    return _per_cell(c, difference)


def _sky_distance(c: Superpixels, sky: BoolArray, horizon: float | None) -> FloatArray:
    """Per cell, the smallest a-b distance to a sky cell above the horizon (60 without a sky)."""
    upper = sky & (c.row < (horizon if horizon is not None else 1.0))
    if not upper.any():
        return np.full(c.count, NO_MIRROR, np.float32)
    reference = c.lab[upper][:, 1:]
    gaps = np.sqrt(((c.lab[:, None, 1:] - reference[None]) ** 2).sum(axis=2)).min(axis=1)
    return np.minimum(gaps, NO_MIRROR).astype(np.float32)


def cell_features(
    c: Superpixels,
    lab: FloatArray,
    horizon: float | None,
    rules: dict[str, BoolArray],
) -> FloatArray:
    """The ``(n, len(FEATURE_NAMES))`` float32 table of ``c``'s cells (see the module doc).

    Args:
        c: the superpixels of the working view.
        lab: ``(h, w, 3)`` CIE Lab of the working view (L in [0, 100]).
        horizon: the horizon row in [0, 1] from :func:`sky.find_horizon`, or None.
        rules: per kind of :data:`RULE_KINDS`, the ``(n,)`` cells the rules label that kind.
    """
    light = lab[..., 0]
    energy_x, energy_y = c.edges_x, c.edges_y
    gradient = energy_x + energy_y
    vertical_edges = (energy_x - energy_y) / np.maximum(gradient, 1e-3)
    detail = _per_cell(c, np.abs(cv2.Laplacian(light, cv2.CV_32F, ksize=3)))
    a_mean, b_mean = c.lab[:, 1], c.lab[:, 2]
    a_spread = np.sqrt(np.maximum(_per_cell(c, lab[..., 1] ** 2) - a_mean**2, 0.0))
    b_spread = np.sqrt(np.maximum(_per_cell(c, lab[..., 2] ** 2) - b_mean**2, 0.0))
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = _per_cell(c, gx * gx), _per_cell(c, gy * gy), _per_cell(c, gx * gy)
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / np.maximum(jxx + jyy, 1e-3)
    order = np.argsort(c.lab[:, 0], kind="stable")
    rank = np.empty(c.count, np.float32)
    rank[order] = np.cumsum(c.area[order]) - c.area[order] / 2
    hue = np.radians(c.hue)
    weight = np.minimum(c.chroma / 10.0, 1.0)  # a grey cell's hue is noise
    own = np.stack(
        [
            *(c.lab[:, k] for k in range(3)),
            c.chroma,
            np.cos(hue) * weight,
            np.sin(hue) * weight,
            a_spread,
            b_spread,
            c.light_spread,
            c.texture,
            detail,
            np.log1p(gradient),
            vertical_edges,
            c.lines,
            c.structure,
            coherence,
            a_mean - float(np.median(lab[..., 1])),
            b_mean - float(np.median(lab[..., 2])),
            rank,
        ],
        axis=1,
    ).astype(np.float32)
    context = own[:, [_OWN.index(k) for k in _CONTEXT]]
    near = neighbour_mean(c, context)
    far = neighbour_mean(c, near)
    rule = np.stack([rules[k] for k in RULE_KINDS], axis=1).astype(np.float32)
    has_horizon = horizon is not None
    level = horizon if horizon is not None else 0.5
    columns = np.broadcast_to(
        ((np.arange(c.shape[1]) + 0.5) / c.shape[1])[None, :], c.shape
    ).astype(np.float32)
    table = np.concatenate(
        [
            own,
            np.stack(
                [
                    c.row,
                    c.top,
                    c.bottom,
                    np.abs(_per_cell(c, columns) - 0.5),
                    c.area * c.count,  # relative to an average cell
                    np.full(c.count, float(has_horizon)),
                    (c.row - level) * has_horizon,
                    (c.top - level) * has_horizon,
                    _mirror_difference(c, lab, horizon),
                    _sky_distance(c, rules["sky"], horizon),
                ],
                axis=1,
            ),
            rule,
            near,
            far,
            neighbour_mean(c, rule),
        ],
        axis=1,
    )
    return np.asarray(table, np.float32)
