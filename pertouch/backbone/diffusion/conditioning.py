"""The PerTouch conditioning embedding: parameter map plus the original's latent -> first features.

A stock ControlNet sees only an image-space condition. PerTouch also feeds it the VAE latent of the
photo being retouched, so the ControlNet knows *what* it edits as well as *how much*. Two paths meet
at the latent resolution:

- the ``(B, 4, H, W)`` parameter map goes through ``conv_in`` and pairs of 3x3 convolutions (the
  second of each pair strided by 2), SiLU after each, down to ``(B, C_last, H/8, W/8)``;
- the ``(B, 4, H/8, W/8)`` latent goes through one 3x3 convolution ``conv_img`` to ``C_last``.

``conv_out`` maps their concatenation ``[conv_img(latent), map features]`` to the ControlNet's first
feature width. It starts at zero, so an untrained ControlNet leaves the UNet exactly as it was.
Parameter names match the published PerTouch checkpoint.
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import nn

#: Widths of the map path in the published checkpoint (three stride-2 steps: 8x down).
DEFAULT_WIDTHS: tuple[int, ...] = (16, 32, 96, 256)


class PerTouchConditioningEmbedding(nn.Module):
    """Embed a parameter map and the original's latent into ``(B, C_out, H/f, W/f)`` features.

    Args:
        out_channels: the ControlNet's first feature width (320 for SD 2.1).
        map_channels: channels of the parameter map (4 attributes).
        latent_channels: channels of the VAE latent (4 for SD).
        widths: widths of the map path; ``len(widths) - 1`` stride-2 steps give the factor ``f``.

    Example:
        >>> emb = PerTouchConditioningEmbedding(320)
        >>> emb(torch.zeros(1, 4, 64, 64), torch.zeros(1, 4, 8, 8)).shape
        torch.Size([1, 320, 8, 8])
    """

    def __init__(
        self,
        out_channels: int,
        map_channels: int = 4,
        latent_channels: int = 4,
        widths: tuple[int, ...] = DEFAULT_WIDTHS,
    ) -> None:
        super().__init__()
        self.factor = 2 ** (len(widths) - 1)
        self.conv_in = nn.Conv2d(map_channels, widths[0], kernel_size=3, padding=1)
        self.blocks = nn.ModuleList()
        for width_in, width_out in itertools.pairwise(widths):
            self.blocks.append(nn.Conv2d(width_in, width_in, kernel_size=3, padding=1))
            self.blocks.append(nn.Conv2d(width_in, width_out, kernel_size=3, padding=1, stride=2))
        self.conv_img = nn.Conv2d(latent_channels, widths[-1], kernel_size=3, padding=1)
        self.conv_out = nn.Conv2d(2 * widths[-1], out_channels, kernel_size=3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)  # type: ignore[arg-type]

    def forward(self, parameter_map: torch.Tensor, image_latent: torch.Tensor) -> torch.Tensor:
        """``(B, 4, H, W)`` map and ``(B, 4, H/f, W/f)`` latent -> ``(B, out_channels, H/f, W/f)``."""
        expected = (parameter_map.shape[-2] // self.factor, parameter_map.shape[-1] // self.factor)
        if parameter_map.shape[-2] % self.factor or parameter_map.shape[-1] % self.factor:
            raise ValueError(
                f"the parameter map's size {tuple(parameter_map.shape[-2:])} must be a multiple of {self.factor}"
            )
        if (
            tuple(image_latent.shape[-2:]) != expected
            or image_latent.shape[0] != parameter_map.shape[0]
        ):
            raise ValueError(
                f"the latent {tuple(image_latent.shape)} does not fit the parameter map "
                f"{tuple(parameter_map.shape)}: expected a batch of {parameter_map.shape[0]} at {expected}"
            )
        features = F.silu(self.conv_in(parameter_map))
        for block in self.blocks:
            features = F.silu(block(features))
        return self.conv_out(torch.cat([self.conv_img(image_latent), features], dim=1))
