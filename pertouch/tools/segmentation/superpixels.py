"""Superpixels and what each one looks like: the units that landscape regions are labelled in.

A photo's working view is cut into ~500 compact superpixels (OpenCV's SLICO, which adapts its
compactness per superpixel so flat sky and busy foliage both get sensible cells). Each superpixel
gets the measurements the labeller (:mod:`landscape`) reasons with:

* colour: mean CIE Lab, chroma and hue angle (Lab hue: 0 magenta-red, 90 yellow, 180 green-cyan,
  270 blue), and the spread of lightness;
* texture: the *median* over the cell of the local lightness deviation, so a few stars, birds or
  cable pixels do not make a smooth sky look busy, while foliage and gravel stay busy;
* straightness: the length of straight line segments (OpenCV's fast line detector) per pixel,
  which man-made things (boards, facades, decks, railings) have and leaves, clouds and water lack;
  counted twice, for segments of 12 px and more (any edge: a sky has none) and for segments of
  25 px and more (structure: on the dev photos 0.04-0.07 px per px on buildings, under 0.02 on
  rock, hills and trees; grass blades have them too, but grass is told by its colour first);
* edge direction: the mean horizontal and vertical lightness gradient, so a part whose edges all
  run one way (the streaks of a panned shot) can be told from a facade, which has both;
* position: mean, top and bottom row, left and right column, in fractions of the frame;
* neighbours: which cells touch, and the colour difference across each contact.

All values are plain arrays indexed by superpixel, so rules run vectorised over the photo.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int32]
BoolArray = NDArray[np.bool_]
#: Side in pixels of a superpixel on the working view (512 px long side: about 500 cells).
REGION_SIZE = 18
#: Shortest straight segment counted as an edge (working-view pixels): shorter ones are texture...
MIN_LINE = 12
#: ...and the shortest counted as structure (boards, beams, facades).
MIN_STRUCTURE = 25


@dataclass(frozen=True)
class Superpixels:
    """A superpixel partition of the working view and per-cell measurements (see module doc)."""

    labels: IntArray  # (h, w) cell index per pixel
    count: int
    area: FloatArray  # (n,) share of the photo
    lab: FloatArray  # (n, 3) mean L (0-100), a, b
    chroma: FloatArray  # (n,)
    hue: FloatArray  # (n,) Lab hue angle in degrees [0, 360)
    light_spread: FloatArray  # (n,) standard deviation of L inside the cell
    texture: FloatArray  # (n,) median local deviation of L
    lines: FloatArray  # (n,) straight-line pixels per cell pixel
    structure: FloatArray  # (n,) pixels of long straight lines per cell pixel
    edges_x: FloatArray  # (n,) mean |dL/dx| (Sobel): edges that run up and down
    edges_y: FloatArray  # (n,) mean |dL/dy|: edges that run across
    row: FloatArray  # (n,) mean row, 0 top .. 1 bottom
    top: FloatArray  # (n,) topmost row
    bottom: FloatArray  # (n,) lowest row
    left: FloatArray  # (n,) leftmost column
    right: FloatArray  # (n,) rightmost column
    pairs: IntArray  # (m, 2) touching cells i < j
    contact: FloatArray  # (m,) shared boundary length in pixels
    structure_map: FloatArray  # (h, w) 1 on long straight lines

    @property
    def shape(self) -> tuple[int, int]:
        height, width = self.labels.shape
        return height, width

    def paint(self, values: NDArray[np.generic]) -> FloatArray:
        """A per-cell value (or boolean) spread over the working view, ``(h, w)`` float32."""
        return np.asarray(values, np.float32)[self.labels]

    def mean_of(self, values: FloatArray) -> FloatArray:
        """The mean of an ``(h, w)`` map over each cell, ``(n,)`` float32."""
        return _per_cell(self.labels, self.count, values.astype(np.float32))

    @cached_property
    def adjacency(self) -> list[list[int]]:
        """Adjacency lists, cell index to the cells it touches (computed once)."""
        return self.neighbours()

    def neighbours(self) -> list[list[int]]:
        """Adjacency lists, cell index to the cells it touches."""
        adjacency: list[list[int]] = [[] for _ in range(self.count)]
        for i, j in self.pairs:
            adjacency[int(i)].append(int(j))
            adjacency[int(j)].append(int(i))
        return adjacency

    def colour_distance(self, i: IntArray, j: IntArray) -> FloatArray:
        """CIE76 distance between the mean colours of cells ``i`` and ``j``."""
        return np.sqrt(((self.lab[i] - self.lab[j]) ** 2).sum(axis=-1)).astype(np.float32)


def hue_in(hue: FloatArray, start: float, end: float) -> BoolArray:
    """Lab hue angle within [start, end] degrees (the window may wrap past 360)."""
    if start <= end:
        return (hue >= start) & (hue <= end)
    return (hue >= start) | (hue <= end)


def touching(c: Superpixels, cells: BoolArray) -> BoolArray:
    """Cells sharing a boundary with any of ``cells``."""
    near = np.zeros(c.count, bool)
    i, j = c.pairs[:, 0], c.pairs[:, 1]
    near[j[cells[i]]] = True
    near[i[cells[j]]] = True
    return near


def parts(c: Superpixels, cells: BoolArray) -> list[NDArray[np.int64]]:
    """Connected components of the selected cells, as index arrays."""
    neighbours = c.adjacency
    seen = ~cells.copy()
    parts = []
    for start in np.flatnonzero(cells):
        if seen[start]:
            continue
        seen[start] = True
        part, queue = [start], deque([start])
        while queue:
            i = queue.popleft()
            for j in neighbours[i]:
                if not seen[j]:
                    seen[j] = True
                    part.append(j)
                    queue.append(j)
        parts.append(np.array(part))
    return parts


def _per_cell(labels: IntArray, count: int, values: FloatArray) -> FloatArray:
    sums = np.bincount(labels.ravel(), weights=values.ravel(), minlength=count)
    sizes = np.bincount(labels.ravel(), minlength=count)
    return (sums / np.maximum(sizes, 1)).astype(np.float32)


def _median_per_cell(labels: IntArray, count: int, values: FloatArray) -> FloatArray:
    """Per-cell medians of non-negative values, from histograms on a square-root scale.

    128 bins up to 16 give a resolution of about 0.04 near 0.5 and 0.25 near 16, plenty for
    texture thresholds, at a fraction of the cost of sorting every pixel.
    """
    bins = np.minimum((np.sqrt(np.maximum(values, 0.0)) * 32.0).astype(np.int64), 127)
    histogram = np.bincount(
        labels.ravel().astype(np.int64) * 128 + bins.ravel(), minlength=count * 128
    ).reshape(count, 128)
    cumulative = np.cumsum(histogram, axis=1)
    middle = np.argmax(cumulative >= (cumulative[:, -1:] + 1) // 2, axis=1)
    return (((middle + 0.5) / 32.0) ** 2).astype(np.float32)


def line_maps(rgb: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``(h, w)`` float32 maps of straight segments: all of them, and the long ones only."""
    grey = np.round(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) * 255).astype(np.uint8)
    detector = cv2.ximgproc.createFastLineDetector(length_threshold=MIN_LINE)
    found = detector.detect(grey)
    every = np.zeros(grey.shape, np.uint8)
    long = np.zeros(grey.shape, np.uint8)
    if found is not None:
        for x0, y0, x1, y1 in found.reshape(-1, 4):
            ends = (int(x0), int(y0)), (int(x1), int(y1))
            cv2.line(every, *ends, (1,), 1)
            if np.hypot(x1 - x0, y1 - y0) >= MIN_STRUCTURE:
                cv2.line(long, *ends, (1,), 1)
    return every.astype(np.float32), long.astype(np.float32)


def superpixels(rgb: FloatArray, lab: FloatArray, region_size: int = REGION_SIZE) -> Superpixels:
    """Cut ``rgb`` (``(h, w, 3)`` float32 in [0, 1]) into superpixels and measure each one.

    ``lab`` is the same view in CIE Lab (L in [0, 100]); it is passed in because the caller has it.
    """
    height, width = rgb.shape[:2]
    lab8 = cv2.cvtColor(np.round(rgb * 255).astype(np.uint8), cv2.COLOR_RGB2LAB)
    engine = cv2.ximgproc.createSuperpixelSLIC(
        cv2.GaussianBlur(lab8, (3, 3), 0), cv2.ximgproc.SLICO, region_size
    )
    engine.iterate(4)
    engine.enforceLabelConnectivity(25)
    labels = np.asarray(engine.getLabels(), np.int32)
    count = int(labels.max()) + 1
    sizes = np.bincount(labels.ravel(), minlength=count).astype(np.float32)
    means = np.stack([_per_cell(labels, count, lab[..., c]) for c in range(3)], axis=1)
    light = lab[..., 0]
    spread = np.sqrt(np.maximum(_per_cell(labels, count, light * light) - means[:, 0] ** 2, 0.0))
    box = cv2.blur(light, (5, 5))
    local = np.sqrt(np.maximum(cv2.blur(light * light, (5, 5)) - box * box, 0.0))
    rows = np.broadcast_to(((np.arange(height) + 0.5) / height)[:, None], (height, width))
    cols = np.broadcast_to(((np.arange(width) + 0.5) / width)[None, :], (height, width))
    flat, row_flat, col_flat = labels.ravel(), rows.ravel(), cols.ravel()
    top = np.full(count, 1.0, np.float32)
    bottom = np.zeros(count, np.float32)
    left = np.full(count, 1.0, np.float32)
    right = np.zeros(count, np.float32)
    np.minimum.at(top, flat, row_flat.astype(np.float32))
    np.maximum.at(bottom, flat, row_flat.astype(np.float32))
    np.minimum.at(left, flat, col_flat.astype(np.float32))
    np.maximum.at(right, flat, col_flat.astype(np.float32))
    pairs, contact = _adjacency(labels, count)
    a, b = means[:, 1], means[:, 2]
    every, long = line_maps(rgb)
    gx = np.abs(cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3))
    gy = np.abs(cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3))
    return Superpixels(
        labels=labels,
        count=count,
        area=(sizes / labels.size).astype(np.float32),
        lab=means.astype(np.float32),
        chroma=np.hypot(a, b).astype(np.float32),
        hue=(np.degrees(np.arctan2(b, a)) % 360.0).astype(np.float32),
        light_spread=spread.astype(np.float32),
        texture=_median_per_cell(labels, count, local.astype(np.float32)),
        lines=_per_cell(labels, count, every),
        structure=_per_cell(labels, count, long),
        edges_x=_per_cell(labels, count, gx),
        edges_y=_per_cell(labels, count, gy),
        row=_per_cell(labels, count, rows.astype(np.float32)),
        top=top - 0.5 / height,
        bottom=bottom + 0.5 / height,
        left=left - 0.5 / width,
        right=right + 0.5 / width,
        pairs=pairs,
        contact=contact,
        structure_map=long,
    )


def _adjacency(labels: IntArray, count: int) -> tuple[IntArray, FloatArray]:
    """Touching cell pairs (i < j) and their shared boundary length."""
    horizontal = np.stack([labels[:, :-1].ravel(), labels[:, 1:].ravel()], axis=1)
    vertical = np.stack([labels[:-1, :].ravel(), labels[1:, :].ravel()], axis=1)
    both = np.concatenate([horizontal, vertical])
    both = both[both[:, 0] != both[:, 1]]
    both.sort(axis=1)
    keys, counts = np.unique(both[:, 0].astype(np.int64) * count + both[:, 1], return_counts=True)
    pairs = np.stack([keys // count, keys % count], axis=1).astype(np.int32)
    return pairs, counts.astype(np.float32)
