from __future__ import annotations

from pathlib import Path

import pytest
import torch

from pertouch.backbone.diffusion.errors import WeightsError
from pertouch.backbone.diffusion.head import attach_head, read_head, save_head
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline


def test_published_pth_format_loads_and_replaces_the_unet_output(
    pipeline: PerTouchPipeline, tmp_path: Path
) -> None:
    unet = pipeline.unet
    state = {"conv_out.weight": torch.randn(4, 16, 3, 3), "conv_out.bias": torch.randn(4)}
    torch.save(state, tmp_path / "unet_conv_out.pth")
    sample, t, embeds = torch.randn(1, 4, 4, 4), torch.tensor(3), torch.randn(1, 77, 16)
    with torch.no_grad():
        before = unet(sample, t, encoder_hidden_states=embeds).sample
        attach_head(unet, read_head(tmp_path / "unet_conv_out.pth"))
        after = unet(sample, t, encoder_hidden_states=embeds).sample
    torch.testing.assert_close(unet.conv_out.weight, state["conv_out.weight"])
    assert not torch.allclose(before, after)


def test_safetensors_round_trip(pipeline: PerTouchPipeline, tmp_path: Path) -> None:
    path = save_head(pipeline.unet, tmp_path)
    state = read_head(path)
    torch.testing.assert_close(state["conv_out.bias"], pipeline.unet.conv_out.bias.detach())


def test_wrong_shape_and_wrong_keys_are_explained(
    pipeline: PerTouchPipeline, tmp_path: Path
) -> None:
    with pytest.raises(
        WeightsError, match=r"shape \(4, 320, 3, 3\) but this UNet needs \(4, 16, 3, 3\)"
    ):
        attach_head(
            pipeline.unet,
            {"conv_out.weight": torch.zeros(4, 320, 3, 3), "conv_out.bias": torch.zeros(4)},
        )
    torch.save({"weight": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(WeightsError, match=r"conv_out\.weight and conv_out\.bias"):
        read_head(tmp_path / "bad.pth")
    (tmp_path / "broken.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(WeightsError, match="Cannot read"):
        read_head(tmp_path / "broken.pth")
