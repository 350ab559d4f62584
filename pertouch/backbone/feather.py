"""Edge-aware feathering of region masks with the colour guided filter (He et al.).

The guided filter's output is locally linear in the guide, ``q = a . I + b`` with ``I`` the RGB
colour. Its coefficients are smooth, so they can be computed on a small proxy and upsampled, then
combined with the full-resolution photo: a mask edge snaps to the real image edge at full
resolution (no halo) while all the filtering happens on a few hundred thousand pixels. A colour
guide separates edges a grey one cannot see (a grey rocket against a blue sky of the same
brightness). Because ``q`` is linear in the mask, a weighted sum of feathered masks is one set of
coefficient maps: the renderer's strength fields cost the same for one region or ten.
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
    """Smoothed colour-guided-filter coefficients of each mask.

    Args:
        guide: ``(h, w, 3)`` float32 RGB guide in [0, 1].
        masks: ``(R, h, w)`` float32 masks in [0, 1].
        radius: box radius in pixels; edges not in the guide are feathered over about this width.
        eps: regularisation; colour edges with a contrast above ``sqrt(eps)`` are followed.

    Returns:
        ``(A, B)``: ``A`` is ``(R, h, w, 3)`` and ``B`` is ``(R, h, w)``; the feathered mask is
        ``(A * guide).sum(-1) + B``.
    """
    mean_i = _box(guide, radius)  # (h, w, 3)
    # per-pixel covariance of the guide, regularised, and its inverse (shared by every mask)
    var = {}
    for i, j in ((0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)):
        var[i, j] = _box(guide[..., i] * guide[..., j], radius) - mean_i[..., i] * mean_i[..., j]
    for i in range(3):
        var[i, i] += np.float32(eps)
    inv = _inverse_symmetric_3x3(var)

    h, w, _ = guide.shape
    coeff_a = np.empty((len(masks), h, w, 3), np.float32)
    coeff_b = np.empty((len(masks), h, w), np.float32)
    for r, mask in enumerate(masks):
        mean_p = _box(mask, radius)
        cross = _box(guide * mask[..., None], radius) - mean_i * mean_p[..., None]
        a = np.empty((h, w, 3), np.float32)
        for i in range(3):
            a[..., i] = sum(inv[min(i, j), max(i, j)] * cross[..., j] for j in range(3))
        coeff_a[r] = _box(a, radius)
        coeff_b[r] = _box(mean_p - (a * mean_i).sum(axis=-1), radius)
    return coeff_a, coeff_b


def _inverse_symmetric_3x3(m: dict[tuple[int, int], F32]) -> dict[tuple[int, int], F32]:
    """Per-pixel inverse of a symmetric 3x3 matrix given by its upper entries, by cofactors.

    ``np.linalg.inv`` on a stack of small matrices loops in C per matrix and is ~100x slower.
    """
    a, b, c, d, e, f = m[0, 0], m[0, 1], m[0, 2], m[1, 1], m[1, 2], m[2, 2]
    c00 = d * f - e * e
    c01 = c * e - b * f
    c02 = b * e - c * d
    det = a * c00 + b * c01 + c * c02
    inv_det = np.float32(1.0) / det  # positive definite: eps is added to the diagonal
    return {
        (0, 0): c00 * inv_det,
        (0, 1): c01 * inv_det,
        (0, 2): c02 * inv_det,
        (1, 1): (a * f - c * c) * inv_det,
        (1, 2): (b * c - a * e) * inv_det,
        (2, 2): (a * d - b * b) * inv_det,
    }


def apply_coefficients(coeff_a: F32, coeff_b: F32, guide: F32) -> F32:
    """Feathered masks ``(R, h, w)`` from coefficients and a guide of the same size (unclipped)."""
    return np.einsum("rhwc,hwc->rhw", coeff_a, guide) + coeff_b


def feather(guide: F32, masks: F32, radius: int, eps: float) -> F32:
    """Feathered masks ``(R, h, w)`` at the guide's resolution, clipped to [0, 1]."""
    coeff_a, coeff_b = guided_coefficients(guide, masks, radius, eps)
    return np.clip(apply_coefficients(coeff_a, coeff_b, guide), 0.0, 1.0)
