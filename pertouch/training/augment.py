"""The paper's two augmentations of training pairs, as pure functions of arrays and a generator.

*Semantic replacement*: one region of a sample (chosen with probability proportional to its area
among regions of at least ``min_area`` pixels) takes the version of the expert whose parameters over
that region differ most (L2) from the current expert's; image and map change together, so the pair
stays consistent and the model learns that regions can be edited independently.

*Parameter perturbation*: the conditioning map is blurred (Gaussian, sigma 5, odd kernel 5 to 19)
and each channel shifted by up to 20 px with border padding, so the model does not learn to trace
region edges from the map: the image decides where the edges are.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]


def choose_region(
    labels: NDArray[np.integer], rng: np.random.Generator, min_area: int = 1024
) -> int | None:
    """A region label drawn with probability proportional to its area, or None if none is large enough.

    Label 0 (no named region) is never chosen.
    """
    counts = np.bincount(labels.reshape(-1).astype(np.int64))
    candidates = np.flatnonzero(counts >= min_area)
    candidates = candidates[candidates != 0]
    if candidates.size == 0:
        return None
    areas = counts[candidates].astype(np.float64)
    return int(rng.choice(candidates, p=areas / areas.sum()))


def most_different(current: F32, others: Sequence[F32], mask: NDArray[np.bool_]) -> int:
    """Index in ``others`` of the ``(4, H, W)`` map whose mean over ``mask`` is farthest (L2) from ``current``'s."""
    if not others:
        raise ValueError("most_different needs at least one other map")
    mine = current[:, mask].mean(axis=1)
    distances = [float(np.linalg.norm(other[:, mask].mean(axis=1) - mine)) for other in others]
    return int(np.argmax(distances))


def replace_region(
    image: F32, parameter_map: F32, other_image: F32, other_map: F32, mask: NDArray[np.bool_]
) -> tuple[F32, F32]:
    """Copies of ``image`` ``(3, H, W)`` and ``parameter_map`` ``(4, H, W)`` with ``mask`` taken from the others."""
    image, parameter_map = image.copy(), parameter_map.copy()
    image[:, mask] = other_image[:, mask]
    parameter_map[:, mask] = other_map[:, mask]
    return image, parameter_map


def perturb_map(
    parameter_map: F32,
    rng: np.random.Generator,
    sigma: float = 5.0,
    kernel_sizes: tuple[int, int] = (5, 19),
    max_shift: int = 20,
) -> F32:
    """Blur a ``(C, H, W)`` map with a random odd kernel, then shift each channel at random.

    Args:
        parameter_map: ``(C, H, W)`` float32 levels.
        rng: the generator all randomness comes from.
        sigma: the Gaussian's standard deviation in pixels.
        kernel_sizes: smallest and largest kernel side (both odd, inclusive).
        max_shift: largest shift in pixels along each axis, per channel.

    Returns:
        ``(C, H, W)`` float32; values stay within the input's range (blur and shift only average
        and move values).

    Example:
        >>> out = perturb_map(np.zeros((4, 64, 64), np.float32), np.random.default_rng(0))
        >>> out.shape, out.dtype.name
        ((4, 64, 64), 'float32')
    """
    if parameter_map.ndim != 3:
        raise ValueError(f"expected a (C, H, W) map, got shape {parameter_map.shape}")
    low, high = kernel_sizes
    kernel = 2 * int(rng.integers(low // 2, high // 2 + 1)) + 1
    blurred = np.stack(
        [
            cv2.GaussianBlur(channel, (kernel, kernel), sigma, borderType=cv2.BORDER_REPLICATE)
            for channel in parameter_map.astype(np.float32)
        ]
    )
    shifts = rng.integers(-max_shift, max_shift + 1, size=(parameter_map.shape[0], 2))
    return np.stack(
        [shift(c, int(dy), int(dx)) for c, (dy, dx) in zip(blurred, shifts, strict=True)]
    )


def shift(channel: F32, dy: int, dx: int) -> F32:
    """Move an ``(H, W)`` array by ``(dy, dx)`` pixels, repeating the border into the gap."""
    h, w = channel.shape
    pad_y, pad_x = min(abs(dy), h), min(abs(dx), w)
    padded = np.pad(channel, ((pad_y, pad_y), (pad_x, pad_x)), mode="edge")
    top, left = pad_y - np.sign(dy) * pad_y, pad_x - np.sign(dx) * pad_x
    return np.ascontiguousarray(padded[top : top + h, left : left + w])
