"""The reference profile's conditioning and image handling, as the published weights expect them.

- The parameter map is ``size x size`` (512). Masks are resized nearest-neighbour and made binary
  at one half. Pixels in no region take the global value where it is set, else 0; regions are then
  painted channel by channel, in order, each writing only the attributes it sets, as
  ``old * (1 - mask) + value * mask``.
- How a state becomes that painting: with the ``as_shot`` baseline the global values are all set
  (the photo's measured levels plus global edits) and every masked region first paints all four of
  its levels, in the masks' order: the photo as a training map pictures it. Then, with either
  baseline, each region an edit names paints the attributes its own edits name, in the order the
  edits first name the regions. With ``auto`` only global edits set global values. So a face inside
  an edited person keeps the person's new brightness unless the face's own edits say otherwise.
- Levels are the reference's metrics (:mod:`pertouch.core.reference_metrics`) through its
  quantile normalisation (:mod:`.quantile`).
- The model sees the photo stretched to ``size x size`` with PIL's bicubic filter; its output is
  quantised to 8 bits and resized back with Lanczos, as the reference pipeline returns it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from pertouch.backbone.diffusion.quantile import QuantileScale
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import NUM_ATTRIBUTES
from pertouch.core.errors import MaskError
from pertouch.core.metrics import mask_to_float
from pertouch.core.reference_metrics import measurement_view, reference_raw_metrics

F32 = NDArray[np.float32]
#: One painting step: a region's ``(H, W)`` weights and the values it writes, by channel.
Layer = tuple[F32, dict[int, float]]


def paint(shape: tuple[int, int], base: Mapping[int, float], layers: Sequence[Layer]) -> F32:
    """The ``(H, W, 4)`` map: ``base`` channels filled (others 0), then each layer blended in order."""
    out = np.zeros((*shape, NUM_ATTRIBUTES), dtype=np.float32)
    for channel, value in base.items():
        out[..., channel] = value
    for weights, values in layers:
        for channel, value in values.items():
            out[..., channel] = out[..., channel] * (1 - weights) + np.float32(value) * weights
    return out


def nearest_mask(mask: NDArray[np.generic], size: int) -> F32:
    """A mask resized nearest-neighbour to ``size x size`` and made binary (0 or 1) at one half."""
    native: NDArray[np.uint8] | NDArray[np.uint16] | NDArray[np.float32]
    if mask.dtype in (np.bool_, np.uint8, np.uint16, np.float32):
        native = mask.view(np.uint8) if mask.dtype == np.bool_ else mask  # type: ignore[assignment]
    else:
        native = mask.astype(np.float32)
    small = cv2.resize(native, (size, size), interpolation=cv2.INTER_NEAREST)
    weights = mask_to_float(small) if mask.dtype != np.bool_ else small.astype(np.float32)
    return (weights >= 0.5).astype(np.float32)


def painting_plan(
    state: AdjustmentState,
    targets: Mapping[str, NDArray[np.floating]],
    names: Sequence[str],
) -> tuple[dict[int, float], list[tuple[str, dict[int, float]]]]:
    """What is painted, in order: the global values set, then ``(region, values it sets)`` layers.

    Args:
        state: the adjustment state (its baseline decides what is set before the edits).
        targets: target levels (4,) per region and ``global``, from ``state.targets``.
        names: the masked regions, in the caller's order.
    """
    as_shot = state.baseline == "as_shot"
    named: dict[str, set[int]] = {}
    for edit in state.edits:
        named.setdefault(edit.region, set()).add(edit.attribute.channel)
    global_channels = range(NUM_ATTRIBUTES) if as_shot else sorted(named.get(GLOBAL, ()))
    base = {c: float(targets[GLOBAL][c]) for c in global_channels}
    canvas = [(r, range(NUM_ATTRIBUTES)) for r in names] if as_shot else []
    edits = [(r, sorted(named[r])) for r in state.regions if r in names]
    layers = [
        (region, {c: float(targets[region][c]) for c in channels})
        for region, channels in [*canvas, *edits]
    ]
    return base, layers


def reference_parameter_map(
    image: NDArray[np.generic],
    state: AdjustmentState,
    masks: Mapping[str, NDArray[np.generic]],
    scale: QuantileScale,
    size: int = 512,
) -> F32:
    """The ``(size, size, 4)`` map of ``state`` for this photo, built as the reference builds it.

    Raises:
        MaskError: a mask does not have the photo's size.
        StateError: an edit names a region without a mask.
    """
    regions = {name: mask for name, mask in masks.items() if name != GLOBAL}
    for name, mask in regions.items():
        if mask.shape != image.shape[:2]:
            raise MaskError(
                f"The mask for region {name!r} has shape {mask.shape} but the photo is "
                f"{image.shape[1]}x{image.shape[0]}; give a single-channel mask of the photo's size."
            )
    small = {name: nearest_mask(mask, size) for name, mask in regions.items()}
    binary = np.stack([np.ones((size, size), bool), *(m > 0 for m in small.values())])
    raw = reference_raw_metrics(measurement_view(image, size), binary)
    levels = dict(zip([GLOBAL, *small], scale.to_level(raw), strict=True))
    if state.baseline == "auto":
        # the reference's conditioning is absolute: with "auto", edits set their own values
        # (the project's auto look belongs to the fast profile's measured baseline)
        levels = {name: np.zeros_like(values) for name, values in levels.items()}
        state = replace(state, auto=None)
    base, layers = painting_plan(state, state.targets(levels), list(small))
    return paint((size, size), base, [(small[name], values) for name, values in layers])


def stretch_bicubic(image: NDArray[np.generic], size: int) -> F32:
    """``(size, size, 3)`` float32 in [0, 1]: PIL's bicubic resize, aspect ignored, as the model saw it.

    uint8 photos go through PIL exactly as the reference's transform does; uint16 photos are resized
    per channel in 32-bit float, so their extra precision is not thrown away.
    """
    if image.dtype == np.uint8:
        resized = Image.fromarray(np.ascontiguousarray(image[..., :3])).resize(
            (size, size), Image.Resampling.BICUBIC
        )
        return np.asarray(resized, dtype=np.float32) / np.float32(255)
    planes = np.asarray(image[..., :3], dtype=np.float32) / np.float32(65535)
    return np.clip(_resize_planes(planes, (size, size), Image.Resampling.BICUBIC), 0.0, 1.0)


def resize_back(
    low: F32, shape: tuple[int, int], dtype: np.dtype[np.generic]
) -> NDArray[np.generic]:
    """The model's ``(h, w, 3)`` output in [0, 1] at ``shape`` with Lanczos, in ``dtype``.

    For uint8, the output is first quantised to 8 bits (``round(255 x)``), as diffusers hands the
    reference its PIL image; uint16 is resized in 32-bit float and quantised once, at the end.
    """
    height, width = shape
    if dtype == np.uint8:
        pixels = (low * np.float32(255)).round().astype(np.uint8)
        image = Image.fromarray(np.ascontiguousarray(pixels))
        return np.asarray(image.resize((width, height), Image.Resampling.LANCZOS))
    resized = np.clip(_resize_planes(low, shape, Image.Resampling.LANCZOS), 0.0, 1.0)
    return (resized * np.float32(65535) + np.float32(0.5)).astype(np.uint16)


def _resize_planes(planes: F32, shape: tuple[int, int], method: Image.Resampling) -> F32:
    size = (shape[1], shape[0])
    channels = [
        np.asarray(Image.fromarray(np.ascontiguousarray(planes[..., c])).resize(size, method))
        for c in range(planes.shape[2])
    ]
    return np.stack(channels, axis=-1).astype(np.float32)
