"""Measured statistics of a photo that tell scenes apart: content, people, light, colour, layout.

Every number here is a plain, named measurement of the pixels and of the regions a segmenter
proposed, computed on a small view (long side :data:`VIEW_SIZE`) so it does not depend on the
photo's size. They are chosen to survive what does not change a scene's kind: a mirror image
(nothing depends on left and right), a crop that keeps the subject, a small exposure or white
balance nudge (light and colour are a few of many numbers). :mod:`pertouch.memory.space` turns them
into the vector the memory compares.
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.metrics import resize_area, to_float_rgb

FloatArray = NDArray[np.float32]
#: Long side of the view every measurement is taken on.
VIEW_SIZE = 256
#: Region classes whose share of the frame is measured (a segmenter's ``propose`` names them).
CONTENT = ("sky", "water", "vegetation", "ground", "architecture", "subject")
PEOPLE = ("person", "face", "hair")
_HSP = np.array([0.241, 0.691, 0.068], dtype=np.float32)
_BANDS = 4
_HUES = 6

#: Every measurement, by group; the vector's layout follows this order.
GROUPS: dict[str, tuple[str, ...]] = {
    "content": tuple(f"{name}_share" for name in CONTENT),
    "people": ("people_share", "face_share", "face_count", "largest_face"),
    "light": (
        "brightness", "dark_share", "bright_share", "luma_p05", "luma_p95", "luma_spread",
        "top_minus_bottom", "sky_lightness", "sky_blue_yellow",
    ),
    "colour": (
        "mean_a", "mean_b", "chroma", "colourfulness", "saturated_share",
        *(f"hue_{i}" for i in range(_HUES)),
    ),
    "layout": tuple(f"band{i}_{c}" for i in range(_BANDS) for c in ("lightness", "a", "b")),
    "structure": (
        "fine_detail", "coarse_detail", "detail_ratio", "level_share", "plumb_share", "flat_share",
        "blur_share", "detail_spread", "centre_sharpness",
        *(f"band{i}_detail" for i in range(_BANDS)),
    ),
    "cues": ("horizon", "straight_lines", "defocus"),
}  # fmt: skip
FEATURES: tuple[str, ...] = tuple(name for names in GROUPS.values() for name in names)


def measure(
    image: NDArray[np.generic], regions: Mapping[str, NDArray[np.generic]]
) -> dict[str, float]:
    """Every measurement of :data:`FEATURES` for one photo.

    Args:
        image: ``(H, W, 3)`` RGB photo, uint8, uint16 or float in [0, 1].
        regions: region class to ``(H, W)`` mask of the photo's size (a segmenter's proposals);
            classes outside :data:`CONTENT` and :data:`PEOPLE` are ignored.

    Returns:
        Measurement name to value; shares are fractions of the frame, lightness and colour are
        CIELAB divided by 100, detail is mean gradient magnitude.
    """
    h, w = image.shape[:2]
    scale = min(1.0, VIEW_SIZE / max(h, w))
    shape = (max(8, round(h * scale)), max(8, round(w * scale)))
    rgb = np.clip(resize_area(to_float_rgb(image), shape), 0.0, 1.0)
    masks = {
        name: np.clip(resize_area(np.asarray(mask, dtype=np.float32), shape), 0.0, 1.0)
        for name, mask in regions.items()
        if name in CONTENT or name in PEOPLE
    }
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB) / np.float32(100.0)  # L in [0,1], a/b ~ [-1.3,1.3]
    out: dict[str, float] = {}
    out.update(_content(masks))
    out.update(_people(masks, regions.get("face")))
    out.update(_light(rgb, lab, masks.get("sky")))
    out.update(_colour(rgb, lab))
    out.update(_layout(lab))
    out.update(_structure(lab[..., 0]))
    out.update(_cues(lab[..., 0]))
    return {name: float(out[name]) for name in FEATURES}


def _content(masks: Mapping[str, FloatArray]) -> dict[str, float]:
    return {
        f"{name}_share": float(masks[name].mean()) if name in masks else 0.0 for name in CONTENT
    }


def _people(masks: Mapping[str, FloatArray], face: NDArray[np.generic] | None) -> dict[str, float]:
    people = sum((masks[name] for name in PEOPLE if name in masks), np.zeros(1, np.float32))
    out = {
        "people_share": float(np.clip(people, 0, 1).mean()),
        "face_share": float(masks["face"].mean()) if "face" in masks else 0.0,
        "face_count": 0.0,
        "largest_face": 0.0,
    }
    if face is None or "face" not in masks or out["face_share"] <= 0:
        return out
    count, _, stats, _ = cv2.connectedComponentsWithStats((masks["face"] > 0.5).astype(np.uint8))
    areas = stats[1:count, cv2.CC_STAT_AREA] / masks["face"].size
    areas = areas[areas >= 0.001]  # specks of a downscaled mask are not faces
    out["face_count"] = min(len(areas), 4) / 4.0
    out["largest_face"] = float(areas.max()) if len(areas) else 0.0
    return out


def _light(rgb: FloatArray, lab: FloatArray, sky: FloatArray | None) -> dict[str, float]:
    hsp = np.sqrt(rgb**2 @ _HSP)
    p05, p95 = np.percentile(hsp, [5, 95])
    third = max(1, hsp.shape[0] // 3)
    if sky is not None and sky.mean() > 0.02:
        weights = sky
    else:  # no sky found: the top band of the frame stands in for it
        weights = np.zeros(hsp.shape, np.float32)
        weights[: max(1, hsp.shape[0] // 5)] = 1.0
    sky_lab = (lab * weights[..., None]).sum(axis=(0, 1)) / max(float(weights.sum()), 1e-6)
    return {
        "brightness": float(hsp.mean()),
        "dark_share": float((hsp < 0.15).mean()),
        "bright_share": float((hsp > 0.85).mean()),
        "luma_p05": float(p05),
        "luma_p95": float(p95),
        "luma_spread": float(p95 - p05),
        "top_minus_bottom": float(hsp[:third].mean() - hsp[-third:].mean()),
        "sky_lightness": float(sky_lab[0]),
        "sky_blue_yellow": float(sky_lab[2]),
    }


def _colour(rgb: FloatArray, lab: FloatArray) -> dict[str, float]:
    a, b = lab[..., 1], lab[..., 2]
    chroma = np.hypot(a, b)
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    rg, yb = red - green, 0.5 * (red + green) - blue
    hasler = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    hue = (np.degrees(np.arctan2(b, a)) % 360.0) / 360.0
    coloured = chroma > 0.08
    weights = np.where(coloured, chroma, 0.0)
    histogram = np.bincount(
        np.minimum((hue * _HUES).astype(int), _HUES - 1).ravel(),
        weights=weights.ravel(),
        minlength=_HUES,
    )
    shares = histogram / max(float(histogram.sum()), 1e-6)
    out = {
        "mean_a": float(a.mean()),
        "mean_b": float(b.mean()),
        "chroma": float(chroma.mean()),
        "colourfulness": float(hasler),
        "saturated_share": float(coloured.mean()),
    }
    out.update({f"hue_{i}": float(v) for i, v in enumerate(shares)})
    return out


def _layout(lab: FloatArray) -> dict[str, float]:
    out = {}
    for i, band in enumerate(np.array_split(lab, _BANDS, axis=0)):
        mean = band.reshape(-1, 3).mean(axis=0)
        out.update({f"band{i}_lightness": mean[0], f"band{i}_a": mean[1], f"band{i}_b": mean[2]})
    return {k: float(v) for k, v in out.items()}


def _structure(lightness: FloatArray) -> dict[str, float]:
    gx = cv2.Sobel(lightness, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(lightness, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = np.hypot(gx, gy)
    small = cv2.resize(lightness, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    coarse = np.hypot(
        cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    )
    fine, rough = float(magnitude.mean()), float(coarse.mean())
    strong = magnitude > max(0.05, float(np.percentile(magnitude, 75)))
    angle = np.degrees(np.arctan2(gy, gx)) % 180.0
    # A gradient pointing up or down is a level edge (horizon, shore); sideways, a plumb one.
    level = np.abs(angle - 90.0) < 10.0
    plumb = np.minimum(angle, 180.0 - angle) < 10.0
    blocks = _block_means(magnitude, 6)
    laplace = np.abs(cv2.Laplacian(lightness, cv2.CV_32F, ksize=3))
    sharpness = _block_means(laplace, 8)
    rows = [band.mean() / max(fine, 1e-6) for band in np.array_split(magnitude, _BANDS, axis=0)]
    h, w = magnitude.shape
    centre = magnitude[h // 4 : h - h // 4, w // 4 : w - w // 4].mean()
    border = (magnitude.sum() - centre * (h - 2 * (h // 4)) * (w - 2 * (w // 4))) / max(
        1.0, magnitude.size - (h - 2 * (h // 4)) * (w - 2 * (w // 4))
    )
    return {
        "fine_detail": fine,
        "coarse_detail": rough,
        "detail_ratio": rough / max(fine, 1e-6),
        "level_share": float(level[strong].mean()) if strong.any() else 0.0,
        "plumb_share": float(plumb[strong].mean()) if strong.any() else 0.0,
        "flat_share": float((blocks < 0.03).mean()),
        # Out-of-focus blocks, against the sharpest: large for close-ups on a blurred background.
        "blur_share": float(
            (sharpness < 0.2 * max(float(np.percentile(sharpness, 90)), 1e-6)).mean()
        ),
        **{f"band{i}_detail": float(v) for i, v in enumerate(rows)},
        "detail_spread": float(blocks.std() / max(blocks.mean(), 1e-6)),
        "centre_sharpness": float(centre / max(border, 1e-6)),
    }


def _block_means(values: FloatArray, n: int) -> NDArray[np.float64]:
    rows = np.array_split(values, n, axis=0)
    return np.array([[c.mean() for c in np.array_split(r, n, axis=1)] for r in rows])


def _cues(lightness: FloatArray) -> dict[str, float]:
    """What tells open, built and close scenes apart: a horizon, straight lines, out-of-focus areas.

    Straight segments come from OpenCV's line segment detector. ``horizon`` is the longest level
    segment (within 8 degrees) as a share of the width: a shore, a skyline or the sea's edge runs
    across most of an open view. ``straight_lines`` is the total length of long (a quarter of the
    diagonal or more) segments that are not level, in diagonals: towers, cables and walls draw
    them; grass, petals and branches are curved or short. ``defocus`` is the share of the lower
    three quarters of the frame (8 x 8 blocks) whose Laplacian energy is under 15 % of the
    sharpest blocks': a blurred background around a close subject, which a sky at the top is not.
    """
    h, w = lightness.shape
    # A detector per call (it costs microseconds): one shared across threads is not safe.
    found = cv2.createLineSegmentDetector().detect(
        np.round(np.clip(lightness, 0.0, 1.0) * 255).astype(np.uint8)
    )[0]
    lines = np.zeros((0, 4), np.float32) if found is None else found.reshape(-1, 4)
    dx, dy = lines[:, 2] - lines[:, 0], lines[:, 3] - lines[:, 1]
    length = np.hypot(dx, dy)
    angle = np.degrees(np.arctan2(dy, dx)) % 180.0
    level = np.minimum(angle, 180.0 - angle) < 8.0
    diagonal = float(np.hypot(h, w))
    laplace = _block_means(np.abs(cv2.Laplacian(lightness, cv2.CV_32F, ksize=3)), 8)
    soft = laplace < 0.15 * max(float(np.percentile(laplace, 90)), 1e-6)
    return {
        "horizon": float(length[level].max() / w) if level.any() else 0.0,
        "straight_lines": float(length[(length >= diagonal / 4) & ~level].sum() / diagonal),
        "defocus": float(soft[2:].mean()),
    }
