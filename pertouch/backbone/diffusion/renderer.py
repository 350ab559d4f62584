"""The diffusion renderer: the PerTouch model at its working size, the edit lifted to full size.

1. Measure every region's levels (the same analysis view the parametric renderer uses), turn the
   adjustment state into target levels and paint them into a parameter map.
2. Resize the photo to the working size (long side 512 by default, sides multiples of 64, aspect
   kept) and sample the retouched version from the map.
3. Fit a local colour transform from the working-size pair and apply it to the full-resolution
   photo (:mod:`.lift`): the output keeps the input's resolution and every one of its details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from numpy.typing import NDArray

from pertouch.backbone.diffusion.errors import DiffusionOptionError
from pertouch.backbone.diffusion.lift import lift_edit
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.auto_look import resolve_auto
from pertouch.core.errors import MaskError
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.metrics import mask_to_float, measure_raw, resize_area, to_float_rgb
from pertouch.core.parameter_map import build_parameter_map

F32 = NDArray[np.float32]


@dataclass(frozen=True)
class DiffusionConfig:
    """Sampling and lifting options.

    ``steps=20`` with DPM-Solver++(2M) replaces the reference's 50 DDIM steps (2.5x fewer UNet
    and ControlNet evaluations); ``benchmarks/bench_diffusion.py`` measures the speed. The lift's
    radius is in working-size pixels: edits may change over about 8 px of a 512 px view.
    """

    size: int = 512
    steps: int = 20
    seed: int = 0
    conditioning_scale: float = 1.0
    lift_radius: int = 8
    lift_eps: float = 1e-3

    def __post_init__(self) -> None:
        if self.size < 64:
            raise DiffusionOptionError(f"The working size must be at least 64 px, got {self.size}.")
        if not 1 <= self.steps <= 1000:
            raise DiffusionOptionError(
                f"The number of steps must be between 1 and 1000, got {self.steps}."
            )


def working_shape(height: int, width: int, size: int, multiple: int) -> tuple[int, int]:
    """``(h, w)`` with long side near ``size``, both multiples of ``multiple``, aspect kept."""
    scale = size / max(height, width)
    return tuple(  # type: ignore[return-value]
        max(multiple, round(side * scale / multiple) * multiple) for side in (height, width)
    )


class DiffusionRenderer:
    """Renders adjustment states with the PerTouch diffusion model; a :class:`Renderer`.

    Args:
        pipeline: a loaded (or test-built) pipeline, already on its device and dtype.
        scale: the level scale that turns measurements into levels (default: the bundled one).
        config: sampling and lifting options.
    """

    def __init__(
        self,
        pipeline: PerTouchPipeline,
        scale: LevelScale | None = None,
        config: DiffusionConfig | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.scale = scale or default_scale()
        self.config = config or DiffusionConfig()

    def render(
        self,
        image: NDArray[np.uint8] | NDArray[np.uint16],
        state: AdjustmentState,
        masks: Mapping[str, NDArray[np.generic]],
    ) -> NDArray[np.uint8] | NDArray[np.uint16]:
        """Retouch at full resolution; see :class:`pertouch.backbone.base.Renderer`."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype not in (np.uint8, np.uint16):
            raise ValueError(
                f"the renderer takes (H, W, 3) uint8 or uint16 RGB, got {image.shape} {image.dtype}"
            )
        if image.shape[0] == 0 or image.shape[1] == 0:
            raise ValueError("the renderer got an image with no pixels")
        multiple = self.pipeline.factor * 2 ** (
            len(self.pipeline.unet.config.block_out_channels) - 1
        )
        shape = working_shape(image.shape[0], image.shape[1], self.config.size, multiple)
        parameter_map = self.parameter_map(image, state, masks, shape)
        full = to_float_rgb(image)
        shrinking = shape[0] * shape[1] < image.shape[0] * image.shape[1]
        interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
        low_in = np.asarray(
            cv2.resize(full, (shape[1], shape[0]), interpolation=interpolation), dtype=np.float32
        )
        low_out = self.sample(low_in, parameter_map)
        out = lift_edit(full, low_in, low_out, self.config.lift_radius, self.config.lift_eps)
        peak = np.float32(65535.0 if image.dtype == np.uint16 else 255.0)
        return (out * peak + np.float32(0.5)).astype(image.dtype)  # type: ignore[return-value]

    def parameter_map(
        self,
        image: NDArray[np.generic],
        state: AdjustmentState,
        masks: Mapping[str, NDArray[np.generic]],
        shape: tuple[int, int],
    ) -> F32:
        """The ``(h, w, 4)`` target levels of ``state`` for this photo at ``shape``.

        Raises:
            MaskError: a mask does not fit the photo or is empty.
            StateError: an edit names a region without a mask.
        """
        regions = {name: mask for name, mask in masks.items() if name != GLOBAL}
        for name, mask in regions.items():
            if mask.shape != image.shape[:2]:
                raise MaskError(
                    f"The mask for region {name!r} has shape {mask.shape} but the photo is "
                    f"{image.shape[1]}x{image.shape[0]}; give a single-channel mask of the photo's size."
                )
        state = resolve_auto(state, image, regions, self.scale)
        everything = np.full(image.shape[:2], 255, dtype=np.uint8)
        raw = measure_raw(image, {GLOBAL: everything, **regions})
        levels = {name: self.scale.to_level(values) for name, values in raw.items()}
        targets = state.targets(levels)
        small = {name: resize_area(mask_to_float(mask), shape) for name, mask in regions.items()}
        return build_parameter_map(targets, small, shape)

    def sample(self, low_in: F32, parameter_map: F32) -> F32:
        """Run the pipeline on a working-size ``(h, w, 3)`` photo in [0, 1]; same shape out."""
        image = torch.from_numpy(np.ascontiguousarray(low_in.transpose(2, 0, 1)))[None] * 2.0 - 1.0
        control = torch.from_numpy(np.ascontiguousarray(parameter_map.transpose(2, 0, 1)))[None]
        generator = torch.Generator().manual_seed(self.config.seed)
        out = self.pipeline(
            image,
            control,
            num_inference_steps=self.config.steps,
            generator=generator,
            conditioning_scale=self.config.conditioning_scale,
        )
        result = ((out[0].cpu().numpy().transpose(1, 2, 0) + 1.0) * 0.5).clip(0.0, 1.0)
        return np.ascontiguousarray(result, dtype=np.float32)
