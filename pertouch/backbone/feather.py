"""Edge-aware feathering of region masks with the guided filter (He et al.).

The guided filter's output is locally linear in the guide, ``q = a * I + b``. Its coefficients are
smooth, so they can be computed on a small proxy and upsampled, then combined with the
full-resolution guide: a mask edge snaps to the real image edge at full resolution (no halo) while
all the filtering happens on a few hundred thousand pixels. Because ``q`` is linear in the mask,
a weighted sum of feathered masks is one pair of coefficient maps: the renderer's strength fields
cost the same for one region or ten.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]


def _box(x: F32, radius: int) -> F32:
    size = 2 * radius + 1
    return np.asarray(cv2.blur(x, (size, size), borderType=cv2.BORDER_REFLECT), dtype=np.float32)


def guided_coefficients(guide: F32, masks: F32, radius: int, eps: float) -> tuple[F32, F32]:
    """Smoothed guided-filter coefficients of each mask.

    Args:
        guide: ``(h, w)`` float32 grey guide in [0, 1].
        masks: ``(R, h, w)`` float32 masks in [0, 1].
        radius: box radius in pixels; edges not in the guide are feathered over about this width.
        eps: regularisation; guide edges with a contrast above ``sqrt(eps)`` are followed.

    Returns:
        ``(A, B)``, each ``(R, h, w)``: the feathered mask is ``A * guide + B``.
    """
    mean_i = _box(guide, radius)
    var_i = _box(guide * guide, radius) - mean_i * mean_i
    inv = np.float32(1.0) / (var_i + np.float32(eps))
    coeff_a = np.empty_like(masks)
    coeff_b = np.empty_like(masks)
    for r, mask in enumerate(masks):
        mean_p = _box(mask, radius)
        cov = _box(guide * mask, radius) - mean_i * mean_p
        a = cov * inv
        coeff_a[r] = _box(a, radius)
        coeff_b[r] = _box(mean_p - a * mean_i, radius)
    return coeff_a, coeff_b


def feather(guide: F32, masks: F32, radius: int, eps: float) -> F32:
    """Feathered masks ``(R, h, w)`` at the guide's resolution, clipped to [0, 1]."""
    coeff_a, coeff_b = guided_coefficients(guide, masks, radius, eps)
    return np.clip(coeff_a * guide[None] + coeff_b, 0.0, 1.0)
