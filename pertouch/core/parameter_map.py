"""Parameter maps: the absolute target level of every pixel, ``(H, W, 4)``.

This is what the diffusion backbone is conditioned on. Regions are composited in order of
decreasing area, each *over* the ones before under its soft mask, so a face inside a person takes
the face's targets while the rest of the person keeps the person's. Pixels no region covers take
the ``global`` target.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import GLOBAL
from pertouch.core.attributes import NUM_ATTRIBUTES
from pertouch.core.errors import MaskError
from pertouch.core.metrics import mask_to_float


def build_parameter_map(
    targets: Mapping[str, NDArray[np.floating]],
    masks: Mapping[str, NDArray[np.generic]],
    shape: tuple[int, int],
) -> NDArray[np.float32]:
    """Paint region targets into an ``(H, W, 4)`` float32 map of levels in [-1, 1].

    Args:
        targets: region name to its target levels (4,); must include ``global``.
        masks: region name to ``(H, W)`` soft mask; regions without a target are ignored.
        shape: ``(H, W)`` of the map.

    Raises:
        MaskError: if a mask does not have ``shape``, or ``global`` has no target.
    """
    if GLOBAL not in targets:
        raise MaskError("A parameter map needs a 'global' target for pixels no region covers.")
    out = np.empty((*shape, NUM_ATTRIBUTES), dtype=np.float32)
    out[:] = np.asarray(targets[GLOBAL], dtype=np.float32)
    layers = []
    for name, mask in masks.items():
        if name == GLOBAL or name not in targets:
            continue
        if mask.shape != tuple(shape):
            raise MaskError(
                f"The mask for region {name!r} is {mask.shape}, expected {tuple(shape)}."
            )
        weights = mask_to_float(mask)
        layers.append((float(weights.sum()), name, weights))
    for _, name, weights in sorted(layers, key=lambda item: -item[0]):
        target = np.asarray(targets[name], dtype=np.float32)
        out += weights[..., None] * (target - out)
    return out
