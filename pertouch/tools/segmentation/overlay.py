"""A picture of a region map: each region tinted in its own colour, outlined, with a legend.

Used by ``pertouch segment --propose --overlay``, by people checking what propose found, and by
the app and MCP to show which regions a retouch used (:func:`region_overlay`).
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.metrics import to_float_rgb
from pertouch.tools.segmentation.types import ProposedRegion, RegionMap

#: Tints per class (RGB); unknown labels (SAM3 regions) cycle through the palette.
COLOURS = {
    "sky": (70, 140, 255),
    "vegetation": (40, 200, 60),
    "water": (0, 210, 210),
    "ground": (170, 120, 60),
    "architecture": (170, 0, 255),
    "person": (255, 80, 200),
    "face": (255, 220, 0),
    "hair": (150, 60, 255),
    "subject": (255, 60, 60),
}
_PALETTE = [
    (230, 25, 75),
    (60, 180, 75),
    (255, 225, 25),
    (0, 130, 200),
    (245, 130, 48),
    (145, 30, 180),
    (70, 240, 240),
    (240, 50, 230),
    (210, 245, 60),
    (250, 190, 212),
    (0, 128, 128),
    (170, 110, 40),
]


def region_colour(label: str, index: int) -> tuple[int, int, int]:
    """The tint of a region: its class colour, or a palette colour by index."""
    return COLOURS.get(label, _PALETTE[(index - 1) % len(_PALETTE)])


def draw_overlay(
    image: NDArray[np.generic], region_map: RegionMap, alpha: float = 0.45
) -> NDArray[np.uint8]:
    """Render ``region_map`` over ``image`` as an ``(H, W, 3)`` uint8 RGB picture with a legend."""
    rgb = (to_float_rgb(image) * 255).astype(np.float32)
    out = rgb.copy()
    thickness = max(1, round(max(rgb.shape[:2]) / 400))
    for region in region_map.regions:
        inside = region_map.labels == region.index
        colour = np.array(region_colour(region.label, region.index), np.float32)
        out[inside] = (1 - alpha) * out[inside] + alpha * colour
        contours, _ = cv2.findContours(
            inside.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
        )
        cv2.drawContours(out, contours, -1, tuple(float(c) for c in colour), thickness)
    picture = np.clip(out, 0, 255).astype(np.uint8)
    scale = max(rgb.shape[:2]) / 900
    line = int(28 * scale) + 4
    for k, region in enumerate(region_map.regions):
        text = f"{region.label} {region.area:.0%} ({region.confidence:.2f})"
        origin = (int(10 * scale) + 4, line * (k + 1))
        cv2.putText(
            picture,
            text,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            0.8 * scale + 0.2,
            (0, 0, 0),
            thickness + 2,
            cv2.LINE_AA,
        )
        text_colour = region_colour(region.label, region.index)
        cv2.putText(
            picture,
            text,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            0.8 * scale + 0.2,
            text_colour,
            thickness,
            cv2.LINE_AA,
        )
    return picture


def region_overlay(
    picture: NDArray[np.uint8], masks: Mapping[str, NDArray[np.generic]]
) -> NDArray[np.uint8] | None:
    """``picture`` with each region in ``masks`` tinted and named; None when there are no masks.

    Masks are at any resolution (resized to the picture); where regions overlap, the one named
    later wins, as the agent's more specific regions (a face in a person) come later.
    """
    if not masks:
        return None
    height, width = picture.shape[:2]
    labels = np.zeros((height, width), np.uint16)
    regions = []
    for index, (name, mask) in enumerate(masks.items(), start=1):
        weight = to_float_rgb(mask)[..., 0] if mask.ndim == 2 else to_float_rgb(mask).mean(-1)
        inside = cv2.resize(weight, (width, height), interpolation=cv2.INTER_AREA) > 0.5
        labels[inside] = index
        regions.append(ProposedRegion(index, name, float(inside.mean()), 1.0))
    return draw_overlay(picture, RegionMap(labels, tuple(regions)))
