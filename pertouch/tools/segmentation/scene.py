"""Pixel features of the working view, the main subject, objects against the sky, and skin.

Landscape regions are labelled on superpixels (:mod:`landscape`); what needs single pixels lives
here. The subject is, in this order: the people; an object against the sky (a kite, a bird, a
balloon: pixels inside the sky whose colour none of the sky's colours explain, in blobs the sky
surrounds); or else what differs most from the colours around the frame's border. All functions
work on the small working view; :mod:`refine` brings masks to full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from pertouch.tools.segmentation.ranges import smoothstep

FloatArray = NDArray[np.float32]
#: Share of the photo an object against the sky needs (smaller blobs are stars and specks)...
MIN_SKY_OBJECT = 0.0004
#: ...and the most it may have (larger non-sky parts are landscape, not an object in the sky).
MAX_SKY_OBJECT = 0.15


@dataclass(frozen=True)
class SceneFeatures:
    """Per-pixel features of the working view, each ``(h, w)`` float32."""

    hue: FloatArray  # degrees
    saturation: FloatArray
    value: FloatArray
    lab: FloatArray  # (h, w, 3): L in [0, 100], a and b around 0
    texture: FloatArray  # local standard deviation of L, in L units
    row: FloatArray  # 0 at the top, 1 at the bottom

    @classmethod
    def of(cls, rgb: FloatArray) -> SceneFeatures:
        hsv = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV), dtype=np.float32)
        lab = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab), dtype=np.float32)
        light = lab[..., 0]
        size = (7, 7)
        mean = cv2.blur(light, size)
        texture = np.sqrt(np.maximum(cv2.blur(light * light, size) - mean * mean, 0.0))
        h, w = light.shape
        row = np.broadcast_to(((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None], (h, w))
        return cls(hsv[..., 0], hsv[..., 1], hsv[..., 2], lab, texture.astype(np.float32), row)


@dataclass(frozen=True)
class Detection:
    """A soft mask on the working view and how sure the detector is (0 means absent)."""

    mask: FloatArray
    confidence: float

    @classmethod
    def absent(cls, shape: tuple[int, int]) -> Detection:
        return cls(np.zeros(shape, np.float32), 0.0)


def _components(binary: NDArray[np.bool_]) -> tuple[int, NDArray[np.int32], NDArray[np.int32]]:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        binary.astype(np.uint8), connectivity=8
    )
    return count, np.asarray(labels, dtype=np.int32), np.asarray(stats, dtype=np.int32)


def detect_salient(f: SceneFeatures, exclude: FloatArray | None = None) -> Detection:
    """The main subject when there are no people: what differs most from the frame's border colours.

    Border pixels are clustered in Lab; a pixel's saliency is its distance to the nearest border
    cluster, weighted towards the centre. Confidence grows with how cleanly the subject separates.
    """
    h, w = f.row.shape
    border = max(2, int(0.06 * min(h, w)))
    ring = np.ones((h, w), bool)
    ring[border:-border, border:-border] = False
    samples = f.lab[ring][:: max(1, int(ring.sum()) // 3000)].astype(np.float32)
    samples = samples * np.array([0.5, 1.0, 1.0], np.float32)
    k = min(5, len(samples))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0)
    # OpenCV's stubs require bestLabels, but None (no initial labels) is valid at runtime.
    _, _, centres = cv2.kmeans(  # type: ignore[call-overload]
        samples, k, None, criteria, 2, cv2.KMEANS_PP_CENTERS
    )
    pixels = (f.lab * np.array([0.5, 1.0, 1.0], np.float32)).reshape(-1, 1, 3)
    distance = np.sqrt(((pixels - centres[None]) ** 2).sum(axis=2)).min(axis=1).reshape(h, w)
    y = f.row
    x = np.broadcast_to(((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :], (h, w))
    centre = np.exp(-(((x - 0.5) / 0.35) ** 2 + ((y - 0.5) / 0.35) ** 2) / 2)
    saliency = (distance * centre).astype(np.float32)
    if exclude is not None:  # sky, vegetation, water and ground are never the subject
        saliency *= 1.0 - exclude
    saliency = cv2.GaussianBlur(saliency, (0, 0), 2.0)
    scale = float(np.percentile(saliency, 99)) or 1.0
    saliency = np.clip(saliency / scale, 0.0, 1.0)
    threshold, _ = cv2.threshold(
        (saliency * 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    binary = saliency > max(threshold / 255.0, 0.25)
    count, labels, stats = _components(binary)
    ids = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 0.01 * h * w]
    if not ids:
        return Detection.absent((h, w))
    keep = ndimage.binary_fill_holes(np.isin(labels, ids))  # a subject has no holes
    area = float(keep.mean())
    if area > 0.8:
        return Detection.absent((h, w))
    separation = float(saliency[keep].mean() - saliency[~keep].mean())
    mask = cv2.GaussianBlur(keep.astype(np.float32), (0, 0), 1.5)
    return Detection(mask, float(np.clip(separation, 0.0, 0.9)))


def skin_likelihood(f: SceneFeatures, face: FloatArray, exclude: FloatArray) -> FloatArray:
    """How much each pixel looks like the skin of the faces in ``face`` (colour learnt there).

    Falls back to a generic skin range in (a, b) when no face gives enough pixels.
    """
    sample_area = (face > 0.9) & (exclude < 0.1)
    if sample_area.sum() >= 50:
        ab = f.lab[sample_area][:, 1:]
        mean = np.median(ab, axis=0)
        spread = np.median(np.abs(ab - mean), axis=0) * 1.4826 + 2.5
        light_ok = smoothstep(15.0, 25.0, f.lab[..., 0])
    else:
        mean, spread = np.array([15.0, 18.0], np.float32), np.array([7.0, 8.0], np.float32)
        light_ok = smoothstep(20.0, 30.0, f.lab[..., 0])
    distance = np.sqrt((((f.lab[..., 1:] - mean) / spread) ** 2).sum(axis=2))
    return ((1.0 - smoothstep(2.0, 3.5, distance)) * light_ok).astype(np.float32)


def sky_objects(f: SceneFeatures, sky: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    """Objects seen against the sky, and the sky without them; both ``(h, w)`` float32.

    ``sky`` is the sky found on superpixels. An object pixel lies inside the sky's outline (the
    sky with its holes filled) and is more than 18 Lab units from every one of the sky's own
    colours (eight k-means centres of its pixels). A blob of such pixels is an object when it
    sits in a hole of the sky (non-sky cells the sky encloses: a kite, a balloon), or, inside sky
    cells, when a ring around it is sky-coloured sky and it stands out in hue or lightness (a
    bird; not the shaded side of a cloud). The tip of a tower or tree reaching into the sky is
    not enclosed, so it is not an object, nor is a thin diagonal (a blob whose filled silhouette
    covers under 30 % of its bounding box: a bridge stay, a wire). The sun and bright stars stay sky: pale blobs brighter
    than the sky's brightest tenth. Sky-coloured pixels of a hole are given back to the sky.
    """
    h, w = sky.shape
    if not sky.any():
        return np.zeros((h, w), np.float32), sky.astype(np.float32)
    outline = ndimage.binary_fill_holes(sky)
    holes = outline & ~sky
    samples = f.lab[sky][:: max(1, int(sky.sum()) // 4000)].astype(np.float32)
    k = min(8, len(samples))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 15, 0.5)
    cv2.setRNGSeed(0)
    _, _, centres = cv2.kmeans(  # type: ignore[call-overload]
        samples, k, None, criteria, 1, cv2.KMEANS_PP_CENTERS
    )
    inside = f.lab[outline]
    gaps = np.sqrt(((inside[:, None, :] - centres[None]) ** 2).sum(axis=2))
    nearest = np.zeros((h, w, 3), np.float32)
    nearest[outline] = centres[np.argmin(gaps, axis=1)]
    odd = np.zeros((h, w), bool)
    odd[outline] = gaps.min(axis=1) > 18.0
    bright = float(np.percentile(f.lab[..., 0][sky], 90))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (odd | holes).astype(np.uint8), connectivity=8
    )
    objects = np.zeros((h, w), bool)
    for i in range(1, count):
        blob = labels == i
        core = blob & odd
        area = core.sum() / (h * w)
        if not MIN_SKY_OBJECT <= area <= MAX_SKY_OBJECT:
            continue
        x, y = int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_TOP])
        bw, bh = int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT])
        silhouette = ndimage.binary_fill_holes(blob[y : y + bh, x : x + bw])
        if silhouette.sum() < 0.3 * bw * bh:
            continue  # a thin diagonal (a stay, a wire, a branch): not a thing in the sky
        pixels = f.lab[core]
        # Chroma per pixel, then averaged: a many-coloured kite's mean colour is grey.
        if pixels[:, 0].mean() > bright and np.hypot(pixels[:, 1], pixels[:, 2]).mean() < 15.0:
            continue  # the sun, a bright star: part of the sky
        if not (blob & holes).any() and not _stands_alone(f, sky & ~odd, core, nearest, stats[i]):
            continue
        objects |= ndimage.binary_fill_holes(core)
    clean = (sky | (holes & ~odd)) & ~objects
    return objects.astype(np.float32), clean.astype(np.float32)


def _stands_alone(
    f: SceneFeatures,
    clear_sky: NDArray[np.bool_],
    core: NDArray[np.bool_],
    nearest: FloatArray,
    box: NDArray[np.int32],
) -> bool:
    """A blob inside sky cells: ringed by clear sky, and distinct in hue or lightness from it."""
    x, y, bw, bh = (int(v) for v in box[:4])
    pad = max(2, (bw + bh) // 8)
    window = (slice(max(0, y - pad), y + bh + pad), slice(max(0, x - pad), x + bw + pad))
    ring = ndimage.binary_dilation(core[window], iterations=pad) & ~core[window]
    if clear_sky[window][ring].mean() < 0.95:
        return False
    difference = f.lab[core] - nearest[core]
    chroma = float(np.hypot(f.lab[core][:, 1], f.lab[core][:, 2]).mean())
    return chroma >= 12.0 or abs(float(difference[:, 0].mean())) >= 30.0


def main_objects(objects: FloatArray) -> FloatArray:
    """The largest object against the sky and any nearly as large (the subject)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (objects > 0.5).astype(np.uint8), connectivity=8
    )
    if count <= 1:
        return np.zeros_like(objects)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.flatnonzero(areas >= 0.75 * areas.max()) + 1
    return np.isin(labels, keep).astype(np.float32)
