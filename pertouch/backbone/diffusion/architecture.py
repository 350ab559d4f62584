"""Model shapes as diffusers configs: the Stable Diffusion 2.1 family, and a tiny one for tests.

With these, the benchmark can time the real architecture and the tests can exercise every code path
on a CPU in seconds, both with random weights; real weights come from :mod:`.loading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel

from pertouch.backbone.diffusion.conditioning import DEFAULT_WIDTHS
from pertouch.backbone.diffusion.controlnet import PerTouchControlNet
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline

#: The reference sampler: DDIM on SD 2.1's noise schedule, predicting velocity.
SD21_SCHEDULER: dict[str, Any] = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "clip_sample": False,
    "set_alpha_to_one": False,
    "steps_offset": 1,
    "prediction_type": "v_prediction",
}


@dataclass(frozen=True)
class Architecture:
    """Configs of the UNet, the VAE and the ControlNet's conditioning path, plus the text width."""

    unet: dict[str, Any]
    vae: dict[str, Any]
    conditioning_widths: tuple[int, ...] = DEFAULT_WIDTHS
    text_width: int = 1024
    scheduler: dict[str, Any] = field(default_factory=lambda: dict(SD21_SCHEDULER))


SD21 = Architecture(
    unet={
        "sample_size": 96,
        "in_channels": 4,
        "out_channels": 4,
        "down_block_types": ("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        "up_block_types": ("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        "block_out_channels": (320, 640, 1280, 1280),
        "layers_per_block": 2,
        "cross_attention_dim": 1024,
        "attention_head_dim": (5, 10, 20, 20),
        "use_linear_projection": True,
    },
    vae={
        "in_channels": 3,
        "out_channels": 3,
        "down_block_types": ("DownEncoderBlock2D",) * 4,
        "up_block_types": ("UpDecoderBlock2D",) * 4,
        "block_out_channels": (128, 256, 512, 512),
        "layers_per_block": 2,
        "latent_channels": 4,
        "sample_size": 768,
        "scaling_factor": 0.18215,
    },
)

TINY = Architecture(
    unet={
        "sample_size": 8,
        "in_channels": 4,
        "out_channels": 4,
        "down_block_types": ("CrossAttnDownBlock2D", "DownBlock2D"),
        "up_block_types": ("UpBlock2D", "CrossAttnUpBlock2D"),
        "block_out_channels": (16, 32),
        "layers_per_block": 1,
        "cross_attention_dim": 16,
        "attention_head_dim": (2, 4),
        "use_linear_projection": True,
        "norm_num_groups": 8,
    },
    vae={
        "in_channels": 3,
        "out_channels": 3,
        "down_block_types": ("DownEncoderBlock2D",) * 4,
        "up_block_types": ("UpDecoderBlock2D",) * 4,
        "block_out_channels": (8, 8, 16, 16),
        "layers_per_block": 1,
        "latent_channels": 4,
        "norm_num_groups": 4,
        "sample_size": 64,
        "scaling_factor": 0.18215,
    },
    conditioning_widths=(4, 8, 8, 16),
    text_width=16,
)


def build_random(arch: Architecture, seed: int = 0) -> PerTouchPipeline:
    """A float32 CPU pipeline of ``arch`` with seeded random weights (DDIM, v-prediction).

    The ControlNet starts from the UNet's weights and its zero convolutions, as training does, and
    the head starts as the UNet's own ``conv_out``; the empty-prompt embedding is random noise.
    """
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(**arch.unet)
    vae = AutoencoderKL(**arch.vae)
    controlnet = PerTouchControlNet.from_unet(
        unet, conditioning_channels=4, conditioning_embedding_out_channels=arch.conditioning_widths
    )
    prompt_embeds = torch.randn(1, 77, arch.text_width)
    return PerTouchPipeline(vae, unet, controlnet, DDIMScheduler(**arch.scheduler), prompt_embeds)
