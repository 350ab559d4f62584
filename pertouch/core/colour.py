"""CIELAB views of photos and the CIEDE2000 colour difference, for judging what an edit did.

The four attributes say what the renderer aimed at; CIELAB says what a person sees: L* is
lightness, a* green to red, b* blue to yellow, and one unit is about the smallest step anyone can
tell apart. Everything here works on the analysis view (long side
:data:`pertouch.core.metrics.ANALYSIS_SIZE`), so figures do not depend on the photo's size.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from pertouch.core.metrics import ANALYSIS_SIZE, analysis_view

F32 = NDArray[np.float32]


def lab_view(
    image: NDArray[np.generic],
    masks: Mapping[str, NDArray[np.generic]] | None = None,
    size: int = ANALYSIS_SIZE,
) -> tuple[F32, dict[str, F32]]:
    """CIELAB (D65) of the photo's analysis view, and its masks at the same size.

    Args:
        image: ``(H, W, 3)`` sRGB, uint8, uint16 or float in [0, 1].
        masks: region name to ``(H, W)`` mask (any dtype :func:`analysis_view` accepts).

    Returns:
        ``(h, w, 3)`` float32 L*, a*, b*, and each mask as ``(h, w)`` float32 weights in [0, 1].
    """
    rgb, small = analysis_view(image, dict(masks or {}), size)
    return lab_of_rgb(rgb), small


def lab_of_rgb(rgb: NDArray[np.floating]) -> F32:
    """CIELAB (D65) of ``(h, w, 3)`` sRGB floats in [0, 1]."""
    from skimage.color import rgb2lab

    return np.asarray(rgb2lab(rgb), dtype=np.float32)


def delta_e00(lab1: F32, lab2: F32) -> F32:
    """CIEDE2000 difference per pixel of two ``(h, w, 3)`` CIELAB images, ``(h, w)``.

    About 1 is the smallest difference people notice between two patches side by side.
    """
    from skimage.color import deltaE_ciede2000

    return np.asarray(deltaE_ciede2000(lab1, lab2), dtype=np.float32)


def chroma(lab: F32) -> F32:
    """C*ab, ``(h, w)``: distance from the neutral axis."""
    return np.asarray(np.hypot(lab[..., 1], lab[..., 2]), dtype=np.float32)


def mean_hue(lab: F32, weights: F32) -> tuple[float, float]:
    """Weighted mean hue angle (degrees, 0-360) and mean chroma of a region.

    The hue is the angle of the mean (a*, b*) vector, so near-grey pixels (short vectors) weigh
    little and hues do not wrap around 0/360 badly.
    """
    total = float(weights.sum())
    if total <= 0:
        return 0.0, 0.0
    a = float((lab[..., 1] * weights).sum() / total)
    b = float((lab[..., 2] * weights).sum() / total)
    mean_chroma = float((chroma(lab) * weights).sum() / total)
    return float(np.degrees(np.arctan2(b, a)) % 360.0), mean_chroma


def hue_distance(first: float, second: float) -> float:
    """Smallest angle between two hues in degrees (0-180)."""
    gap = abs(first - second) % 360.0
    return min(gap, 360.0 - gap)


def lightness_of_luminance(luminance: NDArray[np.floating]) -> NDArray[np.float64]:
    """CIE L* of relative luminance Y in [0, 1]."""
    y = np.asarray(luminance, dtype=np.float64)
    return np.where(y > (6 / 29) ** 3, 116.0 * np.cbrt(y) - 16.0, y * (29 / 3) ** 3)


def luminance_of_lightness(lightness: NDArray[np.floating] | float) -> NDArray[np.float64]:
    """Relative luminance Y in [0, 1] of CIE L* (the inverse of :func:`lightness_of_luminance`)."""
    value = np.asarray(lightness, dtype=np.float64)
    f = (value + 16.0) / 116.0
    return np.where(f > 6 / 29, f**3, (value / (29 / 3) ** 3))
