from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from pertouch.backbone.diffusion.errors import WeightsError
from pertouch.backbone.diffusion.loading import load_pipeline


def _render(pipeline, seed: int = 0) -> torch.Tensor:  # type: ignore[no-untyped-def]
    image = torch.rand(1, 3, 32, 48, generator=torch.Generator().manual_seed(5)) * 2 - 1
    control = torch.full((1, 4, 32, 48), 0.5)
    return pipeline(
        image, control, num_inference_steps=3, generator=torch.Generator().manual_seed(seed)
    )


def test_loads_both_directories_into_a_working_pipeline(weights: tuple[Path, Path]) -> None:
    base, checkpoint = weights
    pipeline = load_pipeline(base, checkpoint, scheduler="ddim")
    assert pipeline.prompt_embeds.shape == (1, 77, 16)
    assert pipeline.scheduler.config.prediction_type == "v_prediction"
    assert torch.count_nonzero(pipeline.controlnet.controlnet_cond_embedding.conv_out.weight) > 0
    torch.testing.assert_close(_render(pipeline), _render(load_pipeline(base, checkpoint, "ddim")))


def test_published_layout_loads(weights: tuple[Path, Path], tmp_path: Path) -> None:
    """The release has unet_conv_out.pth and a config that names diffusers' ControlNetModel."""
    base, checkpoint = weights
    published = tmp_path / "pertouch"
    shutil.copytree(checkpoint / "controlnet", published / "controlnet")
    config_path = published / "controlnet" / "config.json"
    config = json.loads(config_path.read_text())
    config["_class_name"] = "ControlNetModel"
    config_path.write_text(json.dumps(config))
    from safetensors.torch import load_file

    torch.save(
        load_file(str(checkpoint / "unet_conv_out.safetensors")), published / "unet_conv_out.pth"
    )
    ours, theirs = load_pipeline(base, checkpoint), load_pipeline(base, published)
    torch.testing.assert_close(theirs.unet.conv_out.weight, ours.unet.conv_out.weight)
    torch.testing.assert_close(_render(theirs), _render(ours))


@pytest.mark.parametrize(
    ("remove", "message"),
    [
        (
            "base/unet/diffusion_pytorch_model.safetensors",
            "Expected diffusion_pytorch_model.safetensors in .*unet.*stable-diffusion-2-1",
        ),
        ("base/tokenizer", "Expected tokenizer_config.json in .*tokenizer"),
        (
            "checkpoint/controlnet/config.json",
            "Expected config.json in .*controlnet.*Auroral703/PerTouch",
        ),
        ("checkpoint/unet_conv_out.safetensors", "unet_conv_out.pth .*is missing from"),
    ],
)
def test_a_missing_file_is_named_with_where_it_comes_from(
    weights: tuple[Path, Path], tmp_path: Path, remove: str, message: str
) -> None:
    base, checkpoint = weights
    shutil.copytree(base, tmp_path / "base")
    shutil.copytree(checkpoint, tmp_path / "checkpoint")
    target = tmp_path / remove
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    with pytest.raises(WeightsError, match=message):
        load_pipeline(tmp_path / "base", tmp_path / "checkpoint")


def test_missing_directories_are_named(tmp_path: Path, weights: tuple[Path, Path]) -> None:
    with pytest.raises(WeightsError, match=r"base model directory .*nowhere does not exist"):
        load_pipeline(tmp_path / "nowhere", weights[1])
    with pytest.raises(
        WeightsError, match=r"PerTouch checkpoint directory .*absent does not exist"
    ):
        load_pipeline(weights[0], tmp_path / "absent")


def test_a_plain_controlnet_is_refused(weights: tuple[Path, Path], tmp_path: Path) -> None:
    from diffusers import ControlNetModel, UNet2DConditionModel

    base, checkpoint = weights
    unet = UNet2DConditionModel.from_pretrained(base / "unet")
    plain = ControlNetModel.from_unet(
        unet, conditioning_channels=4, conditioning_embedding_out_channels=(4, 8, 8, 16)
    )
    plain.save_pretrained(tmp_path / "controlnet")
    shutil.copy(checkpoint / "unet_conv_out.safetensors", tmp_path)
    with pytest.raises(
        WeightsError, match=r"size mismatch for controlnet_cond_embedding\.conv_out\.weight"
    ):
        load_pipeline(base, tmp_path)


def test_a_head_for_another_base_model_is_refused(
    weights: tuple[Path, Path], tmp_path: Path
) -> None:
    base, checkpoint = weights
    shutil.copytree(checkpoint / "controlnet", tmp_path / "controlnet")
    torch.save(
        {"conv_out.weight": torch.zeros(4, 320, 3, 3), "conv_out.bias": torch.zeros(4)},
        tmp_path / "unet_conv_out.pth",
    )
    with pytest.raises(WeightsError, match=r"\(4, 320, 3, 3\) but this UNet needs"):
        load_pipeline(base, tmp_path)
