"""Lift an edit from a low-resolution pair to the full-resolution photo.

The diffusion model works at about 512 px; resizing its output back up would blur every photo. The
edit is lifted instead of the pixels: a local colour transform ``out = W(x)^T in + b(x)`` (3x3 plus
offset) is fitted over every window of the low-resolution pair, as in He et al.'s colour guided
filter, and its smooth coefficient maps are upsampled and applied to the full-resolution photo, so
every full-resolution detail passes through the (locally affine) edit.

The ridge term pulls each window's transform towards the pair's *global* transform rather than
towards zero: flat windows, where colours say little, take the photo-wide edit, and an identity
pair returns the photo exactly.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
_UPPER = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)]


def fit_colour_transform(low_in: F32, low_out: F32, radius: int = 8, eps: float = 1e-3) -> F32:
    """Fit per-pixel affine colour transforms mapping ``low_in`` onto ``low_out``.

    Args:
        low_in: ``(h, w, 3)`` float32 RGB in [0, 1], the photo as the model saw it.
        low_out: ``(h, w, 3)`` float32 RGB in [0, 1], the model's result.
        radius: box radius in low-resolution pixels; the edit may vary over about this distance.
        eps: ridge strength (a colour variance): windows with less variance lean on the global fit.

    Returns:
        ``(h, w, 12)`` float32: per pixel the 3x3 matrix ``W[i, c]`` (row-major, input channel ``i``
        to output ``c``) followed by the offset ``b[c]``.
    """
    if low_in.shape != low_out.shape or low_in.ndim != 3 or low_in.shape[2] != 3:
        raise ValueError(
            f"the low-resolution pair must be two (h, w, 3) images, got {low_in.shape} and {low_out.shape}"
        )
    if radius < 1 or eps <= 0:
        raise ValueError(f"radius must be >= 1 and eps > 0, got {radius} and {eps}")
    x = low_in.astype(np.float32)
    y = low_out.astype(np.float32)
    global_w, _ = _global_fit(x, y)

    products = [x[..., i] * x[..., j] for i, j in _UPPER]
    products += [x[..., i] * y[..., c] for i in range(3) for c in range(3)]
    means = _box(np.dstack([x, y, *products]), radius)
    mean_x, mean_y = means[..., 0:3], means[..., 3:6]
    sigma = np.empty((*x.shape[:2], 3, 3), dtype=np.float32)
    for k, (i, j) in enumerate(_UPPER):
        sigma[..., i, j] = sigma[..., j, i] = means[..., 6 + k] - mean_x[..., i] * mean_x[..., j]
    cov = (
        means[..., 12:21].reshape(*x.shape[:2], 3, 3) - mean_x[..., :, None] * mean_y[..., None, :]
    )
    sigma += np.float32(eps) * np.eye(3, dtype=np.float32)
    weights = np.linalg.solve(sigma, cov + np.float32(eps) * global_w).astype(np.float32)
    offset = mean_y - np.einsum("hwic,hwi->hwc", weights, mean_x)
    coeffs = np.dstack([weights.reshape(*x.shape[:2], 9), offset]).astype(np.float32)
    return _box(coeffs, radius)


def apply_colour_transform(image: F32, coeffs: F32, strip_rows: int = 256) -> F32:
    """Apply coefficient maps (bilinearly upsampled) to a full-resolution photo.

    Args:
        image: ``(H, W, 3)`` float32 RGB in [0, 1].
        coeffs: ``(h, w, 12)`` from :func:`fit_colour_transform`, any ``h, w``.
        strip_rows: rows per work item; bounds the temporaries to ``strip_rows x W x 12``.

    Returns:
        ``(H, W, 3)`` float32, clipped to [0, 1].
    """
    height, width = image.shape[:2]
    h, w = coeffs.shape[:2]
    map_x = ((np.arange(width, dtype=np.float32) + 0.5) * (w / width) - 0.5).astype(np.float32)
    out = np.empty(image.shape, dtype=np.float32)

    def work(y0: int) -> None:
        y1 = min(height, y0 + strip_rows)
        rows = ((np.arange(y0, y1, dtype=np.float32) + 0.5) * (h / height) - 0.5).astype(np.float32)
        grid_x, grid_y = np.meshgrid(map_x, rows)
        up = np.dstack(
            [
                cv2.remap(
                    coeffs[..., c : c + 4],
                    grid_x,
                    grid_y,
                    cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_REPLICATE,
                )
                for c in range(0, 12, 4)
            ]
        )
        rgb = image[y0:y1]
        result: F32 = np.array(up[..., 9:12], dtype=np.float32)
        for i in range(3):
            result += rgb[..., i : i + 1] * up[..., 3 * i : 3 * i + 3]
        np.clip(result, 0.0, 1.0, out=out[y0:y1])

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(work, range(0, height, strip_rows)))
    return out


def lift_edit(image: F32, low_in: F32, low_out: F32, radius: int = 8, eps: float = 1e-3) -> F32:
    """The full-resolution photo with the edit that turned ``low_in`` into ``low_out``.

    Args:
        image: ``(H, W, 3)`` float32 RGB in [0, 1] at full resolution.
        low_in: ``(h, w, 3)`` the same photo as the model saw it (any aspect; resized is fine).
        low_out: ``(h, w, 3)`` the model's result.

    Example:
        >>> photo = np.full((300, 400, 3), 0.5, np.float32)
        >>> small = np.full((48, 64, 3), 0.5, np.float32)
        >>> lifted = lift_edit(photo, small, np.clip(small * 1.1, 0, 1))  # brightened by 10%
        >>> lifted.shape, round(float(lifted.mean()), 2)
        ((300, 400, 3), 0.55)
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
        raise ValueError(f"the photo must be a non-empty (H, W, 3) image, got {image.shape}")
    return apply_colour_transform(image, fit_colour_transform(low_in, low_out, radius, eps))


def _global_fit(x: F32, y: F32) -> tuple[F32, F32]:
    """Least-squares ``y ≈ x @ W + b`` over all pixels; ``W`` is ``(3, 3)``, ``b`` is ``(3,)``."""
    design = np.concatenate(
        [x.reshape(-1, 3), np.ones((x.shape[0] * x.shape[1], 1), np.float32)], 1
    )
    gram = design.T.astype(np.float64) @ design + 1e-6 * np.eye(4)
    solution = np.linalg.solve(gram, design.T.astype(np.float64) @ y.reshape(-1, 3))
    return solution[:3].astype(np.float32), solution[3].astype(np.float32)


def _box(array: F32, radius: int) -> F32:
    size = 2 * radius + 1
    out = cv2.blur(array, (size, size), borderType=cv2.BORDER_REFLECT)
    return np.asarray(out, dtype=np.float32).reshape(array.shape)
