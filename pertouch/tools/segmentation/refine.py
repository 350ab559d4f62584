"""Edge-aware refinement: masks computed on a small view follow the full-resolution photo's edges.

Every mask is estimated on a working view (long side ~512 px) and brought to full resolution by a
fast colour guided filter (He, Sun & Tang; He & Sun 2015): inside each small window the mask is
modelled as a linear function of the RGB guide, the model's coefficients are fitted and smoothed on
the small view, upsampled, and applied to the full-resolution photo. Where the photo has an edge
the mask gets one; flat areas keep the mask's own smoothness. The filter is linear in the mask, so
masks that sum to one (shadows + midtones + highlights) still do after refinement, up to clipping.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]


def _box(array: FloatArray, radius: int) -> FloatArray:
    size = (2 * radius + 1, 2 * radius + 1)
    return np.asarray(
        cv2.boxFilter(array, -1, size, borderType=cv2.BORDER_REFLECT), dtype=np.float32
    )


def guided_coefficients(
    guide: FloatArray, mask: FloatArray, radius: int, eps: float
) -> tuple[FloatArray, FloatArray]:
    """Fit the colour guided filter's linear model on a small view.

    Args:
        guide: ``(h, w, 3)`` float32 RGB in [0, 1].
        mask: ``(h, w)`` float32.
        radius: window radius in pixels of this view.
        eps: regularisation; larger smooths more and follows edges less (1e-4 sharp, 1e-1 soft).

    Returns:
        ``(a, b)``: window-averaged coefficients, ``a`` of shape ``(h, w, 3)``, ``b`` ``(h, w)``, so
        that ``mask ≈ sum(a * guide, axis=2) + b``.
    """
    mean_i = _box(guide, radius)
    mean_p = _box(mask, radius)
    cov_ip = _box(guide * mask[..., None], radius) - mean_i * mean_p[..., None]
    rows: list[list[NDArray[np.floating[Any]]]] = []
    for i in range(3):
        row = []
        for j in range(3):
            if j < i:
                row.append(rows[j][i])
                continue
            var = _box(guide[..., i] * guide[..., j], radius) - mean_i[..., i] * mean_i[..., j]
            row.append(var + (eps if i == j else 0.0))
        rows.append(row)
    sigma = np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)  # (h, w, 3, 3)
    a = np.linalg.solve(sigma.astype(np.float64), cov_ip[..., None].astype(np.float64))[..., 0]
    a = a.astype(np.float32)
    b = mean_p - np.einsum("hwc,hwc->hw", a, mean_i)
    return _box(a, radius), _box(b.astype(np.float32), radius)


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
        eps: edge sensitivity (see :func:`guided_coefficients`).

    Returns:
        ``(H, W)`` float32 mask in [0, 1].
    """
    if mask.shape != guide_small.shape[:2]:
        raise ValueError(f"mask {mask.shape} and guide {guide_small.shape[:2]} differ in shape")
    if not mask.any():
        return np.zeros(guide_full.shape[:2], dtype=np.float32)
    a, b = guided_coefficients(guide_small, mask.astype(np.float32), radius, eps)
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
