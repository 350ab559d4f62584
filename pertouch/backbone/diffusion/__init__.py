"""The diffusion backbone: Stable Diffusion 2.1 + the PerTouch ControlNet, at full resolution.

Importing this package is light; torch and diffusers load when a renderer is built. Modules:
``conditioning`` (parameter map + latent -> first features), ``controlnet``, ``head`` (the UNet's
trained output convolution), ``pipeline`` (sampling), ``lift`` (full-resolution transfer),
``loading`` (local weights), ``architecture`` (configs for tests and benchmarks), ``renderer``;
``options`` (the ``fast`` and ``reference`` profiles and their flags), ``reference`` and
``quantile`` (the reference's conditioning and normalisation).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from pertouch.backbone.diffusion.options import (
    DiffusionOptions,
    add_diffusion_arguments,
    options_from_args,
)

if TYPE_CHECKING:
    from pertouch.backbone.diffusion.quantile import QuantileScale
    from pertouch.backbone.diffusion.renderer import DiffusionRenderer
    from pertouch.core.levels import LevelScale

__all__ = [
    "DiffusionOptions",
    "add_diffusion_arguments",
    "build_diffusion_renderer",
    "options_from_args",
]


def build_diffusion_renderer(
    base_model: str | Path,
    checkpoint: str | Path,
    scale: LevelScale | None = None,
    options: DiffusionOptions | None = None,
    quantiles: QuantileScale | None = None,
    device: str | None = None,
) -> DiffusionRenderer:
    """Load the PerTouch model from local directories and wrap it as a renderer.

    Args:
        base_model: Stable Diffusion 2.1 in diffusers layout.
        checkpoint: the PerTouch checkpoint (``controlnet/`` and ``unet_conv_out.pth``); for the
            ``reference`` profile also ``quantile_scale.json`` (see :mod:`.quantile`).
        scale: the ``fast`` profile's level scale (default: the bundled one).
        options: profile, sampler, steps, seed, dtype, device, output (default: ``fast``).
        quantiles: the ``reference`` profile's normalisation; default: read from ``checkpoint``.
        device: where to run, over ``options.device`` (a deployment setting that segmentation
            shares, so surfaces pass it apart from the profile); ``None`` keeps the options'.

    Raises:
        WeightsError: a file is missing or the weights do not fit.
        ScaleError: the reference profile's ``quantile_scale.json`` is missing or malformed.
        DiffusionOptionError: a device torch cannot use.
    """
    from pertouch.backbone.diffusion.loading import load_pipeline
    from pertouch.backbone.diffusion.pipeline import configure
    from pertouch.backbone.diffusion.quantile import QuantileScale
    from pertouch.backbone.diffusion.renderer import DiffusionRenderer

    options = options or DiffusionOptions()
    if device:
        options = dataclasses.replace(options, device=device)
    if options.profile == "reference" and quantiles is None:
        quantiles = QuantileScale.from_checkpoint(checkpoint)
    pipeline = configure(load_pipeline(base_model, checkpoint, options.scheduler), options)
    return DiffusionRenderer(pipeline, scale=scale, options=options, quantiles=quantiles)
