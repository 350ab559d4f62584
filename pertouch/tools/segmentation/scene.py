"""Landscape regions and saliency from colour, brightness, texture and position.

Each detector scores pixels by what the region looks like (sky: blue, white-grey, sunset-warm or
dusk-blue, and smooth; vegetation: green; water: blue-grey below the horizon; ground: like the
bottom edge of the frame), then keeps only connected parts that sit where such a region lives (sky
reaching the top of the frame, ground rising from the bottom and stopping below the top third).
A detector that finds too little says so with ``confidence == 0`` rather than return scraps.
All functions work on the small working view; :mod:`refine` brings masks to full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from pertouch.tools.segmentation.ranges import hue_distance, smoothstep

FloatArray = NDArray[np.float32]
#: Smallest share of the photo a landscape region may have before it counts as absent.
MIN_AREA = 0.02
#: Sky needs more: small bright smooth patches at the top are as often walls, posters or windows.
MIN_SKY_AREA = 0.04


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


def _finish(score: FloatArray, keep: NDArray[np.bool_], quality: float) -> Detection:
    """Soft mask = score inside the kept area (slightly dilated so edges stay soft)."""
    area = float(keep.mean())
    if area < MIN_AREA:
        h, w = keep.shape
        return Detection.absent((h, w))
    grown = cv2.dilate(keep.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    mask = np.where(grown, np.maximum(score, keep.astype(np.float32)), 0.0).astype(np.float32)
    mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), 1.0), dtype=np.float32)
    confidence = float(np.clip(quality * min(1.0, area / 0.05), 0.0, 1.0))
    return Detection(mask, confidence)


def sky_score(f: SceneFeatures) -> FloatArray:
    """How much each pixel looks like sky by colour and smoothness alone."""
    chroma = smoothstep(0.12, 0.25, f.saturation)
    blue = (
        (1.0 - smoothstep(25.0, 45.0, hue_distance(f.hue, 215.0)))
        * chroma
        * smoothstep(0.10, 0.2, f.value)
    )
    grey = (1.0 - smoothstep(0.12, 0.25, f.saturation)) * smoothstep(0.55, 0.7, f.value)
    sunset_hue = np.maximum(
        1.0 - smoothstep(40.0, 60.0, hue_distance(f.hue, 20.0)),
        1.0 - smoothstep(30.0, 50.0, hue_distance(f.hue, 320.0)),
    )
    # A warm sky is lit by the sun, so it is among the brightest things in the frame; without that
    # test, sunlit wood and skin pass for a sunset.
    light = f.lab[..., 0]
    brightest = smoothstep(-12.0, -4.0, light - float(np.percentile(light, 95)))
    sunset = sunset_hue * chroma * smoothstep(0.8, 0.9, f.value) * brightest
    smooth = 1.0 - smoothstep(1.5, 4.0, f.texture)
    return (np.maximum(np.maximum(blue, grey), sunset) * smooth).astype(np.float32)


def detect_sky(f: SceneFeatures, exclude: FloatArray | None = None) -> Detection:
    """Sky: smooth sky-coloured parts reaching the top of the frame, plus matching gaps below.

    Gaps (sky between branches or through a lattice) join when their colour is within the main
    sky's own spread and they lie no lower than it reaches.
    """
    score = sky_score(f)
    if exclude is not None:
        score = score * (1.0 - exclude)
    h, w = score.shape
    count, labels, stats = _components(score > 0.5)
    top_band = max(1, int(0.05 * h))
    keep_ids = [
        i
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_TOP] < top_band and stats[i, cv2.CC_STAT_AREA] >= 0.01 * h * w
    ]
    if not keep_ids:
        return Detection.absent((h, w))
    main = np.isin(labels, keep_ids)
    if main.mean() < MIN_SKY_AREA:
        return Detection.absent((h, w))
    lab = f.lab[main]
    mean, spread = lab.mean(axis=0), lab.std(axis=0) + np.array([4.0, 2.0, 2.0], np.float32)
    distance = np.sqrt((((f.lab - mean) / spread) ** 2).sum(axis=2))
    lowest = np.percentile(np.nonzero(main)[0], 98) / h
    gaps = (distance < 2.5) & (score > 0.3) & (f.row <= lowest)
    keep = main | gaps
    quality = float(score[keep].mean())
    return _finish(score, keep, quality)


def detect_vegetation(f: SceneFeatures, exclude: FloatArray | None = None) -> Detection:
    """Vegetation: green to yellow-green pixels, in parts of at least 0.5 % of the photo."""
    green = 1.0 - smoothstep(35.0, 60.0, hue_distance(f.hue, 105.0))
    score = green * smoothstep(0.12, 0.25, f.saturation) * smoothstep(0.06, 0.12, f.value)
    if exclude is not None:
        score = score * (1.0 - exclude)
    h, w = score.shape
    count, labels, stats = _components(score > 0.5)
    ids = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 0.005 * h * w]
    if not ids:
        return Detection.absent((h, w))
    keep = np.isin(labels, ids)
    return _finish(score.astype(np.float32), keep, float(score[keep].mean()))


def detect_water(f: SceneFeatures, exclude: FloatArray | None = None) -> Detection:
    """Water: a wide, fairly smooth blue-to-grey area that starts below the top third.

    Water is the least certain offline class (it takes the colour of what it reflects), so its
    confidence is capped at 0.6.
    """
    blue = 1.0 - smoothstep(40.0, 60.0, hue_distance(f.hue, 200.0))
    score = blue * smoothstep(0.08, 0.18, f.saturation) * smoothstep(0.1, 0.2, f.value)
    score = score * (1.0 - smoothstep(3.0, 8.0, f.texture))
    if exclude is not None:
        score = score * (1.0 - exclude)
    h, w = score.shape
    count, labels, stats = _components(score > 0.5)
    ids = [
        i
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_TOP] > h / 3
        and stats[i, cv2.CC_STAT_WIDTH] > 0.4 * w
        and stats[i, cv2.CC_STAT_AREA] >= MIN_AREA * h * w
    ]
    if not ids:
        return Detection.absent((h, w))
    keep = np.isin(labels, ids)
    return _finish(score.astype(np.float32), keep, 0.6 * float(score[keep].mean()))


def detect_ground(f: SceneFeatures, exclude: FloatArray | None = None) -> Detection:
    """Ground: what looks like the frame's bottom edge, rising from it and ending below a third.

    A surface that fills the frame up to its top (a table-top close-up, a wall) is not ground.
    """
    h, w = f.row.shape
    free = np.ones((h, w), bool) if exclude is None else exclude < 0.5
    band = free.copy()
    band[: int(0.9 * h)] = False
    if band.sum() < 0.02 * h * w:
        return Detection.absent((h, w))
    sample = f.lab[band]
    median = np.median(sample, axis=0)
    spread = np.median(np.abs(sample - median), axis=0) * 1.4826 + np.array(
        [5.0, 3.0, 3.0], np.float32
    )
    distance = np.sqrt((((f.lab - median) / spread) ** 2).sum(axis=2))
    score = ((1.0 - smoothstep(2.0, 3.5, distance)) * free).astype(np.float32)
    count, labels, stats = _components(score > 0.5)
    ids = [
        i
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_TOP] + stats[i, cv2.CC_STAT_HEIGHT] >= h - 1
        and stats[i, cv2.CC_STAT_AREA] >= 0.03 * h * w
    ]
    if not ids:
        return Detection.absent((h, w))
    keep = np.isin(labels, ids)
    top = np.percentile(np.nonzero(keep)[0], 5) / h
    if top < 0.33:
        return Detection.absent((h, w))
    return _finish(score, keep, 0.7 * float(score[keep].mean()))


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
