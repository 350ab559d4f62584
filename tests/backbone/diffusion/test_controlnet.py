from __future__ import annotations

from pathlib import Path

import pytest
import torch

from pertouch.backbone.diffusion.controlnet import PerTouchControlNet
from pertouch.backbone.diffusion.errors import WeightsError
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline


def _inputs(batch: int = 1) -> tuple[torch.Tensor, ...]:
    torch.manual_seed(3)
    latents = torch.randn(batch, 4, 4, 6)
    embeds = torch.randn(batch, 77, 16)
    parameter_map = torch.rand(batch, 4, 32, 48) * 2 - 1
    image_latent = torch.randn(batch, 4, 4, 6)
    return latents, embeds, parameter_map, image_latent


def test_residuals_match_the_unet_skip_connections(pipeline: PerTouchPipeline) -> None:
    latents, embeds, parameter_map, image_latent = _inputs(batch=2)
    down, mid = pipeline.controlnet(latents, torch.tensor(500), embeds, parameter_map, image_latent)
    widths = pipeline.unet.config.block_out_channels
    assert [d.shape[1] for d in down] == [widths[0], widths[0], widths[0], widths[1]]
    assert down[0].shape[-2:] == (4, 6) and down[-1].shape[-2:] == (2, 3)
    assert mid.shape == (2, widths[-1], 2, 3)
    scaled, _ = pipeline.controlnet(
        latents, torch.tensor(500), embeds, parameter_map, image_latent, conditioning_scale=0.5
    )
    torch.testing.assert_close(scaled[0], down[0] * 0.5)


def test_save_load_round_trip_keeps_outputs(pipeline: PerTouchPipeline, tmp_path: Path) -> None:
    pipeline.controlnet.save_pretrained(tmp_path)
    loaded = PerTouchControlNet.from_pretrained(tmp_path)
    assert isinstance(loaded, PerTouchControlNet) and loaded.config.conditioning_channels == 4
    latents, embeds, parameter_map, image_latent = _inputs()
    with torch.no_grad():
        a = pipeline.controlnet(latents, torch.tensor(10), embeds, parameter_map, image_latent)
        b = loaded(latents, torch.tensor(10), embeds, parameter_map, image_latent)
    for x, y in zip(a[0], b[0], strict=True):
        torch.testing.assert_close(x, y)


def test_unsupported_configuration_is_refused() -> None:
    with pytest.raises(WeightsError, match="class_embed_type"):
        PerTouchControlNet(
            block_out_channels=(16, 32),
            down_block_types=("DownBlock2D", "DownBlock2D"),
            norm_num_groups=8,
            class_embed_type="timestep",
        )
