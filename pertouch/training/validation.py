"""Periodic validation renders: original | expert | model, one row per pair, saved as a PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from pertouch.core.imageio import save_photo
from pertouch.training.config import TrainConfig


def render_validation(
    frozen: Any, trainee: Any, dataset: Any, config: TrainConfig, step: int, output: Path
) -> Path:
    """Render the first ``num_validation`` pairs (unaugmented) and save ``validation/step-STEP.png``."""
    from diffusers import DDIMScheduler

    from pertouch.backbone.diffusion.pipeline import PerTouchPipeline

    pipeline = PerTouchPipeline(
        frozen.vae,
        trainee.unet,
        trainee.controlnet,
        DDIMScheduler.from_config(frozen.noise_scheduler.config),
        frozen.prompt_embeds,
    )
    rows = []
    for index in range(min(config.num_validation, len(dataset))):
        item = dataset.sample(index, augment=False)
        rendered = pipeline(
            item["input"][None],
            item["map"][None],
            num_inference_steps=config.validation_steps,
            generator=torch.Generator().manual_seed(config.seed),
        )[0].cpu()
        rows.append(torch.cat([item["input"], item["target"], rendered], dim=2))
    grid = torch.cat(rows, dim=1)
    pixels = ((grid.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(1, 2, 0).numpy()
    path = output / "validation" / f"step-{step:07d}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_photo(path, np.ascontiguousarray(pixels))
    return path
