"""Variants of the corpus photos that keep their kind of scene: mirror, crops, exposure, white balance.

Scene similarity is calibrated on these (never on synthetic scenes): each real photo of
:mod:`benchmarks.corpus` stands for itself and for the small changes a person's next photo of the
same kind of scene would show: a mirror image, a tighter or off-centre framing that keeps the
subject, a third of a stop brighter or darker, a warmer or cooler white balance.

    from benchmarks.scene_variants import VARIANTS, variant
    for name in VARIANTS:
        pixels = variant(load(photo), name)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pertouch.core.metrics import srgb_to_linear

VARIANTS = ("original", "mirror", "crop", "crop-left", "brighter", "darker", "warmer", "cooler")
_EXPOSURE = {"brighter": 1.3, "darker": 0.75}  # linear gain: about +0.4 and -0.4 stop
_WHITE_BALANCE = {"warmer": (1.08, 1.0, 0.92), "cooler": (0.92, 1.0, 1.08)}


def variant(pixels: NDArray[np.uint8], name: str) -> NDArray[np.uint8]:
    """``pixels`` (``(H, W, 3)`` uint8) changed as ``name`` says; the kind of scene stays."""
    h, w = pixels.shape[:2]
    if name == "original":
        return pixels
    if name == "mirror":
        return np.ascontiguousarray(pixels[:, ::-1])
    if name == "crop":  # 80 % of each side, centred: keeps a centred subject and the horizon
        dy, dx = h // 10, w // 10
        return np.ascontiguousarray(pixels[dy : h - dy, dx : w - dx])
    if name == "crop-left":  # 85 % of the width from the left, full height
        return np.ascontiguousarray(pixels[:, : int(w * 0.85)])
    if name in _EXPOSURE or name in _WHITE_BALANCE:
        linear = srgb_to_linear(pixels.astype(np.float32) / 255.0)
        gain = _EXPOSURE.get(name, 1.0) * np.asarray(_WHITE_BALANCE.get(name, (1.0, 1.0, 1.0)))
        return _to_srgb8(np.clip(linear * gain, 0.0, 1.0))
    raise ValueError(f"unknown variant {name!r}; use one of {', '.join(VARIANTS)}")


def _to_srgb8(linear: NDArray[np.floating]) -> NDArray[np.uint8]:
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.round(np.clip(srgb, 0.0, 1.0) * 255.0).astype(np.uint8)
