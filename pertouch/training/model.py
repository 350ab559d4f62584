"""What training fits and how its loss is computed.

The VAE, the UNet body and the text encoder are frozen; the empty-prompt embedding is computed once
when the base model loads. Trained: the PerTouch ControlNet and the UNet head (its ``conv_out``).
The target is the noise (epsilon) or the velocity, as the base model's scheduler predicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel

from pertouch.backbone.diffusion.controlnet import PerTouchControlNet

RANDOM_PREFIX = "random:"


@dataclass
class FrozenParts:
    """The frozen base model: VAE, noise schedule and the empty-prompt embedding ``(1, 77, D)``."""

    vae: AutoencoderKL
    noise_scheduler: DDPMScheduler
    prompt_embeds: torch.Tensor

    @property
    def prediction_type(self) -> str:
        return str(self.noise_scheduler.config.prediction_type)


class Trainee(torch.nn.Module):
    """The UNet (frozen but for its head) and the ControlNet, as one module for ``accelerate``."""

    def __init__(self, unet: UNet2DConditionModel, controlnet: PerTouchControlNet) -> None:
        super().__init__()
        self.unet = unet
        self.controlnet = controlnet
        unet.requires_grad_(False)
        unet.conv_out.requires_grad_(True)
        controlnet.requires_grad_(True)

    def forward(
        self,
        noisy: torch.Tensor,
        timesteps: torch.Tensor,
        embeds: torch.Tensor,
        parameter_map: torch.Tensor,
        image_latent: torch.Tensor,
    ) -> torch.Tensor:
        """The model's prediction (noise or velocity) ``(B, 4, h, w)``."""
        down, mid = self.controlnet(noisy, timesteps, embeds, parameter_map, image_latent)
        return self.unet(
            noisy,
            timesteps,
            encoder_hidden_states=embeds,
            down_block_additional_residuals=down,
            mid_block_additional_residual=mid,
        ).sample

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self.parameters() if p.requires_grad]


def build_models(
    base_model: str, init_checkpoint: str = "", seed: int = 0
) -> tuple[FrozenParts, Trainee]:
    """Load (or, for ``random:tiny`` / ``random:sd21``, build) the models training starts from.

    Without ``init_checkpoint`` the ControlNet is copied from the UNet with zero convolutions, and
    the head starts as the UNet's own ``conv_out``, as in the reference.
    """
    from pertouch.backbone.diffusion.head import attach_head, read_head

    if base_model.startswith(RANDOM_PREFIX):
        from pertouch.backbone.diffusion.architecture import SD21, TINY, build_random

        arches = {"tiny": TINY, "sd21": SD21}
        key = base_model[len(RANDOM_PREFIX) :]
        if key not in arches:
            from pertouch.training.config import ConfigError

            raise ConfigError(
                f"Unknown random base model {base_model!r}; use random:tiny or random:sd21."
            )
        pipe = build_random(arches[key], seed)
        vae, unet, controlnet = pipe.vae, pipe.unet, pipe.controlnet
        scheduler_config: Any = pipe.scheduler.config
        embeds = pipe.prompt_embeds
    else:
        from pertouch.backbone.diffusion.conditioning import DEFAULT_WIDTHS
        from pertouch.backbone.diffusion.loading import load_base_model

        base = load_base_model(base_model)
        vae, unet, scheduler_config, embeds = (
            base.vae,
            base.unet,
            base.scheduler_config,
            base.prompt_embeds,
        )
        controlnet = PerTouchControlNet.from_unet(
            unet, conditioning_channels=4, conditioning_embedding_out_channels=DEFAULT_WIDTHS
        )
    if init_checkpoint:
        from pertouch.backbone.diffusion.loading import head_path, load_controlnet

        controlnet = load_controlnet(init_checkpoint)
        head = head_path(init_checkpoint)
        attach_head(unet, read_head(head), source=str(head))
    vae.requires_grad_(False).eval()
    frozen = FrozenParts(vae, DDPMScheduler.from_config(scheduler_config), embeds.detach())
    return frozen, Trainee(unet, controlnet).train()


def training_loss(
    frozen: FrozenParts,
    model: torch.nn.Module,
    batch: dict[str, torch.Tensor],
    generator: torch.Generator,
) -> torch.Tensor:
    """Mean squared error of the prediction on one batch, all randomness from ``generator``.

    The expert photo is noised (latent sampled from the VAE posterior); the original is given as the
    mean of its posterior, as at sampling time. ``generator`` lives on the CPU so that a step draws the
    same numbers on every device.
    """
    vae = frozen.vae
    device, dtype = vae.device, vae.dtype
    scaling = vae.config.scaling_factor
    with torch.no_grad():
        target_latent = vae.encode(batch["target"].to(device, dtype)).latent_dist
        latents = _draw(target_latent.mean, generator) * target_latent.std + target_latent.mean
        latents = latents.float() * scaling
        image_latent = (
            vae.encode(batch["input"].to(device, dtype)).latent_dist.mode().float() * scaling
        )
    steps = frozen.noise_scheduler.config.num_train_timesteps
    timesteps = torch.randint(0, steps, (latents.shape[0],), generator=generator).to(device)
    noise = _draw(latents, generator)
    noisy = frozen.noise_scheduler.add_noise(latents, noise, timesteps)
    if frozen.prediction_type == "v_prediction":
        target = frozen.noise_scheduler.get_velocity(latents, noise, timesteps)
    else:
        target = noise
    embeds = frozen.prompt_embeds.to(device).expand(latents.shape[0], -1, -1)
    control = batch["map"].to(device)
    prediction = model(noisy, timesteps, embeds, control, image_latent)
    return torch.nn.functional.mse_loss(prediction.float(), target.float())


def _draw(like: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    return torch.randn(like.shape, generator=generator, dtype=torch.float32).to(
        like.device, like.dtype
    )
