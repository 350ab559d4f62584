"""Edge-aware refinement: masks computed on a small view follow the full-resolution photo's edges.

Every mask is estimated on a working view (long side ~512 px) and brought to full resolution by a
fast colour guided filter (He, Sun & Tang; He & Sun 2015), the same one the renderer feathers its
masks with (:mod:`pertouch.backbone.feather`): inside each small window the mask is modelled as a
linear function of the RGB guide, the model's coefficients are fitted and smoothed on the small
view, upsampled, and applied to the full-resolution photo. Where the photo has an edge
the mask gets one; flat areas keep the mask's own smoothness. The filter is linear in the mask, so
masks that sum to one (shadows + midtones + highlights) still do after refinement, up to clipping.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.feather import guided_coefficients

FloatArray = NDArray[np.float32]


def refine_mask(
    mask: FloatArray,
    guide_small: FloatArray,
    guide_full: FloatArray,
    radius: int = 4,
    eps: float = 1e-3,
) -> FloatArray:
    """Refine a small-view mask and bring it to full resolution along the photo's edges.

    Args:
        mask: ``(h, w)`` float32 in [0, 1] on the working view.
        guide_small: ``(h, w, 3)`` float32 RGB of the working view.
        guide_full: ``(H, W, 3)`` float32 RGB of the photo at full resolution.
        radius: filter window radius, in working-view pixels.
        eps: edge sensitivity: larger smooths more and follows edges less (1e-4 sharp, 1e-1 soft).

    Returns:
        ``(H, W)`` float32 mask in [0, 1].
    """
    if mask.shape != guide_small.shape[:2]:
        raise ValueError(f"mask {mask.shape} and guide {guide_small.shape[:2]} differ in shape")
    if not mask.any():
        return np.zeros(guide_full.shape[:2], dtype=np.float32)
    coeff_a, coeff_b = guided_coefficients(guide_small, mask[None].astype(np.float32), radius, eps)
    a, b = coeff_a[0], coeff_b[0]
    height, width = guide_full.shape[:2]
    if (height, width) != mask.shape:
        a = np.asarray(
            cv2.resize(a, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.float32
        )
        b = np.asarray(
            cv2.resize(b, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.float32
        )
    out = b
    for c in range(3):
        out += a[..., c] * guide_full[..., c]
    return np.clip(out, 0.0, 1.0, out=out)


def upsample_mask(mask: FloatArray, shape: tuple[int, int]) -> FloatArray:
    """Plain bilinear upsampling, for masks that are smooth by design (spatial gradients)."""
    if mask.shape == shape:
        return mask.astype(np.float32, copy=True)
    out = cv2.resize(mask.astype(np.float32), (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.asarray(out, dtype=np.float32)
