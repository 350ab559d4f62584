"""The PerTouch ControlNet: diffusers' ControlNetModel with the PerTouch conditioning embedding.

Everything but the conditioning embedding is diffusers' own ``ControlNetModel``, so its config and
weights are a plain diffusers ControlNet directory (``conditioning_channels=4``) and
``save_pretrained`` / ``from_pretrained`` work unchanged. The forward pass is written here because
the embedding takes two inputs (parameter map and the original's latent) where diffusers' takes one,
and because PerTouch needs only the Stable Diffusion path: no class, text-time or guess-mode inputs.
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from diffusers.models.controlnets import ControlNetModel

from pertouch.backbone.diffusion.conditioning import PerTouchConditioningEmbedding
from pertouch.backbone.diffusion.errors import WeightsError

Residuals = tuple[tuple[torch.Tensor, ...], torch.Tensor]


class PerTouchControlNet(ControlNetModel):
    """A ControlNet conditioned on a parameter map and the VAE latent of the original photo.

    Takes exactly ``ControlNetModel``'s configuration (its ``__init__`` signature is reused, so
    diffusers reads and writes the same ``config.json``); only the SD 2.1-style options are allowed.

    Example:
        >>> from pertouch.backbone.diffusion.architecture import TINY, build_random
        >>> controlnet = build_random(TINY, 0).controlnet   # or from_unet(unet, ...)
        >>> controlnet.config.conditioning_channels, isinstance(controlnet, PerTouchControlNet)
        (4, True)
    """

    # Reusing the parent's signature keeps diffusers' config handling (it reads __init__'s
    # parameters) identical to ControlNetModel's, so the published config.json loads unchanged.
    @functools.wraps(ControlNetModel.__init__)  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        config = self.config
        unsupported = {
            "class_embed_type": config.class_embed_type,
            "addition_embed_type": config.addition_embed_type,
            "encoder_hid_dim_type": config.encoder_hid_dim_type,
            "global_pool_conditions": config.global_pool_conditions or None,
        }
        named = [f"{k}={v!r}" for k, v in unsupported.items() if v is not None]
        if named or config.controlnet_conditioning_channel_order != "rgb":
            raise WeightsError(
                "The ControlNet configuration sets "
                f"{', '.join(named) or 'controlnet_conditioning_channel_order=bgr'}, which the "
                "PerTouch ControlNet (Stable Diffusion 2.1 family) does not use; check that "
                "controlnet/config.json belongs to a PerTouch checkpoint."
            )
        self.controlnet_cond_embedding = PerTouchConditioningEmbedding(
            out_channels=config.block_out_channels[0],
            map_channels=config.conditioning_channels,
            latent_channels=config.in_channels,
            widths=tuple(config.conditioning_embedding_out_channels),
        )

    def forward(
        self,
        sample: torch.Tensor,
        timestep: torch.Tensor,
        encoder_hidden_states: torch.Tensor,
        parameter_map: torch.Tensor,
        image_latent: torch.Tensor,
        conditioning_scale: float = 1.0,
    ) -> Residuals:
        """Residuals to add to the UNet's skip connections and middle block.

        Args:
            sample: ``(B, 4, h, w)`` noisy latents.
            timestep: scalar or ``(B,)`` diffusion timestep.
            encoder_hidden_states: ``(B, 77, D)`` prompt embedding (the empty prompt for PerTouch).
            parameter_map: ``(B, 4, 8h, 8w)`` target levels in [-1, 1].
            image_latent: ``(B, 4, h, w)`` scaled VAE latent of the original photo.
            conditioning_scale: multiplies every residual (1 is the trained strength).

        Returns:
            ``(down, mid)``: one tensor per UNet skip connection, and one for the middle block.
        """
        timesteps = torch.as_tensor(timestep, device=sample.device).reshape(-1)
        timesteps = timesteps.expand(sample.shape[0])
        emb = self.time_embedding(self.time_proj(timesteps).to(sample.dtype))

        hidden = self.conv_in(sample) + self.controlnet_cond_embedding(parameter_map, image_latent)
        skips: tuple[torch.Tensor, ...] = (hidden,)
        for block in self.down_blocks:
            if getattr(block, "has_cross_attention", False):
                hidden, res = block(
                    hidden_states=hidden, temb=emb, encoder_hidden_states=encoder_hidden_states
                )
            else:
                hidden, res = block(hidden_states=hidden, temb=emb)
            skips += res
        if self.mid_block is not None:
            if getattr(self.mid_block, "has_cross_attention", False):
                hidden = self.mid_block(hidden, emb, encoder_hidden_states=encoder_hidden_states)
            else:
                hidden = self.mid_block(hidden, emb)

        down = tuple(
            zero_conv(skip) * conditioning_scale
            for skip, zero_conv in zip(skips, self.controlnet_down_blocks, strict=True)
        )
        return down, self.controlnet_mid_block(hidden) * conditioning_scale
