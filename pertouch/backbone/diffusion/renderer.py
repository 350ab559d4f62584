"""The diffusion renderer: the PerTouch model at its working size, the result at full size.

1. Measure every region's levels, turn the adjustment state into target levels and paint them
   into a parameter map: with the project's metrics, level scale and soft-mask compositing
   (``fast``), or exactly as the reference builds training maps (``reference``, :mod:`.reference`).
2. Resize the photo to the working size (``fast``: long side 512, sides multiples of 64, aspect
   kept; ``reference``: a 512 x 512 bicubic stretch) and sample the retouched version.
3. Return it at the photo's size: ``lift`` fits a local colour transform from the working-size pair
   and applies it to the full-resolution photo (:mod:`.lift`), keeping every detail; ``model``
   resizes the model's own pixels back with Lanczos, as the reference does.
"""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np
import torch
from numpy.typing import NDArray

from pertouch.backbone.diffusion.errors import DiffusionOptionError
from pertouch.backbone.diffusion.lift import lift_edit
from pertouch.backbone.diffusion.options import DiffusionOptions
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline, make_generator
from pertouch.backbone.diffusion.quantile import QuantileScale
from pertouch.backbone.diffusion.reference import (
    reference_parameter_map,
    resize_back,
    stretch_bicubic,
)
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.auto_look import resolve_auto
from pertouch.core.errors import MaskError
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.metrics import mask_to_float, measure_raw, resize_area, to_float_rgb
from pertouch.core.parameter_map import build_parameter_map

F32 = NDArray[np.float32]


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
        scale: the level scale of the ``fast`` profile (default: the bundled one).
        options: profile, sampling and output options (default: the ``fast`` profile).
        quantiles: the reference's quantile normalisation; the ``reference`` profile needs it.

    Raises:
        DiffusionOptionError: the ``reference`` profile without ``quantiles``, or a working size
            the model cannot take.
    """

    def __init__(
        self,
        pipeline: PerTouchPipeline,
        scale: LevelScale | None = None,
        options: DiffusionOptions | None = None,
        quantiles: QuantileScale | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.scale = scale or default_scale()
        self.options = options or DiffusionOptions()
        self.quantiles = quantiles
        if self.options.profile == "reference":
            self._reference_quantiles()
            if self.options.size % pipeline.multiple:
                raise DiffusionOptionError(
                    f"The reference profile's square side must be a multiple of {pipeline.multiple} "
                    f"for this model, got {self.options.size}."
                )

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
        options = self.options
        if options.profile == "reference":
            quantiles, size = self._reference_quantiles(), options.size
            parameter_map = reference_parameter_map(image, state, masks, quantiles, size)
            low_in = stretch_bicubic(image, size)
        else:
            height, width = image.shape[:2]
            shape = working_shape(height, width, options.size, self.pipeline.multiple)
            parameter_map = self.parameter_map(image, state, masks, shape)
            low_in = self.working_image(image, shape)
        low_out = self.sample(low_in, parameter_map)
        if options.output == "model":
            return resize_back(low_out, (image.shape[0], image.shape[1]), image.dtype)  # type: ignore[return-value]
        full = to_float_rgb(image)
        out = lift_edit(full, low_in, low_out, options.lift_radius, options.lift_eps)
        peak = np.float32(65535.0 if image.dtype == np.uint16 else 255.0)
        return (out * peak + np.float32(0.5)).astype(image.dtype)  # type: ignore[return-value]

    def _reference_quantiles(self) -> QuantileScale:
        if self.quantiles is None:
            raise DiffusionOptionError(
                "The reference profile needs the quantile scale its weights were trained with; "
                "load it with QuantileScale.from_checkpoint(checkpoint)."
            )
        return self.quantiles

    @staticmethod
    def working_image(image: NDArray[np.generic], shape: tuple[int, int]) -> F32:
        """The photo at the fast profile's working ``shape``: area when shrinking, else bilinear."""
        full = to_float_rgb(image)
        shrinking = shape[0] * shape[1] < image.shape[0] * image.shape[1]
        interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
        resized = cv2.resize(full, (shape[1], shape[0]), interpolation=interpolation)
        return np.asarray(resized, dtype=np.float32)

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
        """Run the pipeline on a working-size ``(h, w, 3)`` photo in [0, 1]; same shape out.

        The output is mapped to [0, 1] as diffusers' ``denormalize`` does (``x / 2 + 0.5``,
        clamped), so 8-bit quantisation rounds exactly as the reference's does.
        """
        options = self.options
        image = torch.from_numpy(np.ascontiguousarray(low_in.transpose(2, 0, 1)))[None] * 2.0 - 1.0
        control = torch.from_numpy(np.ascontiguousarray(parameter_map.transpose(2, 0, 1)))[None]
        out = self.pipeline(
            image,
            control,
            num_inference_steps=options.steps,
            generator=make_generator(options, self.pipeline.device),
            conditioning_scale=options.conditioning_scale,
            latent=options.latent,
        )
        result = (out[0] * 0.5 + 0.5).clamp(0.0, 1.0).permute(1, 2, 0).cpu().numpy()
        return np.ascontiguousarray(result, dtype=np.float32)
