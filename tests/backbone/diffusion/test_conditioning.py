from __future__ import annotations

import pytest
import torch

from pertouch.backbone.diffusion.conditioning import PerTouchConditioningEmbedding


def test_published_layout_has_the_documented_parameter_shapes() -> None:
    shapes = {k: tuple(v.shape) for k, v in PerTouchConditioningEmbedding(320).state_dict().items()}
    assert shapes["conv_in.weight"] == (16, 4, 3, 3)
    assert shapes["conv_img.weight"] == (256, 4, 3, 3)
    assert shapes["conv_out.weight"] == (320, 512, 3, 3)
    blocks = [shapes[f"blocks.{i}.weight"] for i in range(6)]
    assert blocks == [
        (16, 16, 3, 3),
        (32, 16, 3, 3),
        (32, 32, 3, 3),
        (96, 32, 3, 3),
        (96, 96, 3, 3),
        (256, 96, 3, 3),
    ]


def test_starts_at_zero_so_an_untrained_controlnet_adds_nothing() -> None:
    emb = PerTouchConditioningEmbedding(8, widths=(4, 8, 8, 16))
    out = emb(torch.randn(2, 4, 32, 48), torch.randn(2, 4, 4, 6))
    assert out.shape == (2, 8, 4, 6)
    assert torch.count_nonzero(out) == 0


def test_both_inputs_reach_the_output() -> None:
    torch.manual_seed(0)
    emb = PerTouchConditioningEmbedding(8, widths=(4, 8, 8, 16))
    torch.nn.init.normal_(emb.conv_out.weight)
    parameter_map, latent = torch.randn(1, 4, 32, 32), torch.randn(1, 4, 4, 4)
    base = emb(parameter_map, latent)
    assert not torch.allclose(base, emb(parameter_map + 1, latent))
    assert not torch.allclose(base, emb(parameter_map, latent + 1))


@pytest.mark.parametrize(
    ("map_shape", "latent_shape"),
    [
        ((1, 4, 30, 32), (1, 4, 4, 4)),
        ((1, 4, 32, 32), (1, 4, 8, 8)),
        ((2, 4, 32, 32), (1, 4, 4, 4)),
    ],
)
def test_mismatched_inputs_raise(map_shape: tuple[int, ...], latent_shape: tuple[int, ...]) -> None:
    emb = PerTouchConditioningEmbedding(8, widths=(4, 8, 8, 16))
    with pytest.raises(ValueError, match=r"multiple of 8|does not fit"):
        emb(torch.zeros(map_shape), torch.zeros(latent_shape))
