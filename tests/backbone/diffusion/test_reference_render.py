"""The reference profile end to end, from a checkpoint laid out as the reference training saves it."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file

from pertouch.backbone.diffusion import DiffusionOptions, build_diffusion_renderer
from pertouch.backbone.diffusion.architecture import TINY, build_random
from pertouch.backbone.diffusion.errors import DiffusionOptionError, WeightsError
from pertouch.backbone.diffusion.lift import lift_edit
from pertouch.backbone.diffusion.loading import load_pipeline
from pertouch.backbone.diffusion.quantile import FILE_NAME, QuantileScale
from pertouch.backbone.diffusion.reference import (
    reference_parameter_map,
    resize_back,
    stretch_bicubic,
)
from pertouch.backbone.diffusion.renderer import DiffusionRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import ScaleError
from pertouch.core.levels import sample_regions
from pertouch.core.metrics import to_float_rgb
from pertouch.core.reference_metrics import measurement_view, reference_raw_metrics

from .conftest import tiny_pipeline, write_base_model

#: The reference profile, at a side the tiny model samples in a second on a CPU, with few steps.
OPTIONS = DiffusionOptions.for_profile("reference", size=128, steps=4, device="cpu")


@pytest.fixture(scope="module")
def reference_layout(
    tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray, chelsea: np.ndarray
) -> tuple[Path, Path]:
    """``(base_model, checkpoint)``: ``controlnet/{config.json, diffusion_pytorch_model.safetensors}``
    naming diffusers' ControlNetModel, ``unet_conv_out.pth`` and a fitted ``quantile_scale.json``."""
    root = tmp_path_factory.mktemp("reference")
    base = write_base_model(root / "base", build_random(TINY))
    source = tiny_pipeline(seed=3)
    checkpoint = root / "checkpoint"
    source.controlnet.save_pretrained(checkpoint / "controlnet", safe_serialization=True)
    config_path = checkpoint / "controlnet" / "config.json"
    config = json.loads(config_path.read_text())
    config_path.write_text(json.dumps({**config, "_class_name": "ControlNetModel"}))
    conv = source.unet.conv_out
    head = {
        "conv_out.weight": -conv.weight.detach().clone(),
        "conv_out.bias": conv.bias.detach().clone(),
    }
    assert head["conv_out.weight"].shape == (4, TINY.unet["block_out_channels"][0], 3, 3)
    torch.save(head, checkpoint / "unet_conv_out.pth")
    masks = np.stack([m > 0 for m in sample_regions(512, 512, (1, 2, 3, 4, 5))])
    raw = np.concatenate(
        [reference_raw_metrics(measurement_view(p), masks) for p in (astronaut, chelsea)]
    )
    QuantileScale.fit([raw[:, c] for c in range(4)]).save(checkpoint / FILE_NAME)
    return base, checkpoint


@pytest.fixture(scope="module")
def scene(coffee: np.ndarray) -> tuple[np.ndarray, AdjustmentState, dict[str, np.ndarray]]:
    photo = np.ascontiguousarray(
        coffee[:301, :457]
    )  # odd size: the stretch and the way back matter
    left = np.zeros(photo.shape[:2], np.uint8)
    left[:, :200] = 255
    return photo, AdjustmentState().with_edit("left", "brightness", 0.5), {"left": left}


def test_renders_the_reference_layout_deterministically(
    reference_layout: tuple[Path, Path],
    scene: tuple[np.ndarray, AdjustmentState, dict[str, np.ndarray]],
) -> None:
    from diffusers import DDIMScheduler

    renderer = build_diffusion_renderer(*reference_layout, options=OPTIONS)
    assert isinstance(renderer.pipeline.scheduler, DDIMScheduler)
    assert renderer.pipeline.dtype == torch.float32
    photo, state, masks = scene
    first = renderer.render(photo, state, masks)
    assert first.shape == photo.shape and first.dtype == np.uint8
    np.testing.assert_array_equal(renderer.render(photo, state, masks), first)
    renderer.options = DiffusionOptions.for_profile("reference", size=128, steps=4, seed=43)
    assert np.abs(renderer.render(photo, state, masks).astype(int) - first).mean() > 0.5


def test_the_render_is_the_reference_procedure_written_out(
    reference_layout: tuple[Path, Path],
    scene: tuple[np.ndarray, AdjustmentState, dict[str, np.ndarray]],
) -> None:
    """Stretch, encode a posterior sample, DDIM from the base model's config, decode, Lanczos back."""
    from diffusers import DDIMScheduler
    from diffusers.image_processor import VaeImageProcessor

    base, checkpoint = reference_layout
    renderer = build_diffusion_renderer(base, checkpoint, options=OPTIONS)
    photo, state, masks = scene
    pipe, size = renderer.pipeline, OPTIONS.size
    pmap = reference_parameter_map(
        photo, state, masks, QuantileScale.from_checkpoint(checkpoint), size
    )
    with torch.no_grad():
        image = Image.fromarray(photo).convert("RGB")
        pixels = np.asarray(image.resize((size, size), Image.BICUBIC), np.float32) / 255
        x = torch.from_numpy(pixels).permute(2, 0, 1)[None] * 2 - 1
        control = torch.from_numpy(pmap).permute(2, 0, 1)[None]
        generator = torch.Generator(device="cpu").manual_seed(42)
        latents = torch.randn(
            (1, 4, size // 8, size // 8), generator=generator, dtype=torch.float32
        )
        original = pipe.vae.encode(x).latent_dist.sample(generator=generator)
        original = original * pipe.vae.config.scaling_factor
        scheduler = DDIMScheduler.from_pretrained(base / "scheduler")
        scheduler.set_timesteps(OPTIONS.steps)
        latents = latents * scheduler.init_noise_sigma
        for t in scheduler.timesteps:
            down, mid = pipe.controlnet(latents, t, pipe.prompt_embeds, control, original)
            velocity = pipe.unet(
                latents,
                t,
                encoder_hidden_states=pipe.prompt_embeds,
                down_block_additional_residuals=down,
                mid_block_additional_residual=mid,
            ).sample
            latents = scheduler.step(velocity, t, latents, eta=0.0, generator=generator).prev_sample
        decoded = pipe.vae.decode(latents / pipe.vae.config.scaling_factor).sample
    result = VaeImageProcessor().postprocess(decoded, output_type="pil")[0]
    expected = np.asarray(result.resize(image.size, Image.LANCZOS))
    np.testing.assert_array_equal(renderer.render(photo, state, masks), expected)


def test_the_output_switch_takes_the_same_sample_to_full_size_two_ways(
    reference_layout: tuple[Path, Path],
    scene: tuple[np.ndarray, AdjustmentState, dict[str, np.ndarray]],
) -> None:
    photo, state, masks = scene
    model = build_diffusion_renderer(*reference_layout, options=OPTIONS)
    lifted = DiffusionRenderer(
        model.pipeline,
        options=dataclasses.replace(OPTIONS, output="lift"),
        quantiles=model.quantiles,
    )
    assert model.quantiles is not None
    low_in = stretch_bicubic(photo, OPTIONS.size)
    low_out = model.sample(
        low_in, reference_parameter_map(photo, state, masks, model.quantiles, 128)
    )
    expected_model = resize_back(low_out, photo.shape[:2], photo.dtype)
    np.testing.assert_array_equal(model.render(photo, state, masks), expected_model)
    lift = lift_edit(to_float_rgb(photo), low_in, low_out, OPTIONS.lift_radius, OPTIONS.lift_eps)
    expected_lift = (lift * 255 + 0.5).astype(np.uint8)
    np.testing.assert_array_equal(lifted.render(photo, state, masks), expected_lift)


def test_a_missing_quantile_scale_is_named_in_one_sentence(
    reference_layout: tuple[Path, Path], tmp_path: Path
) -> None:
    base, checkpoint = reference_layout
    shutil.copytree(checkpoint, tmp_path / "published")
    (tmp_path / "published" / FILE_NAME).unlink()
    with pytest.raises(
        ScaleError, match=r"quantile_scale\.json is missing: run `pertouch prepare-data"
    ):
        build_diffusion_renderer(base, tmp_path / "published", options=OPTIONS)
    with pytest.raises(DiffusionOptionError, match="quantile scale"):
        DiffusionRenderer(tiny_pipeline(), options=OPTIONS)


class _Payload:
    """Something that is not a tensor: ``weights_only`` loading must refuse to unpickle it."""


def test_bin_weights_load_like_safetensors_and_pickled_code_is_refused(
    reference_layout: tuple[Path, Path], tmp_path: Path
) -> None:
    base, checkpoint = reference_layout
    binary = tmp_path / "binary"
    shutil.copytree(checkpoint, binary)
    weights = binary / "controlnet" / "diffusion_pytorch_model.safetensors"
    torch.save(load_file(str(weights)), weights.with_suffix(".bin"))
    weights.unlink()
    (binary / "unet_conv_out.pth").rename(binary / "unet_conv_out.bin")
    ours, theirs = load_pipeline(base, checkpoint, "ddim"), load_pipeline(base, binary, "ddim")
    for a, b in zip(ours.controlnet.parameters(), theirs.controlnet.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    torch.testing.assert_close(
        ours.unet.conv_out.weight, theirs.unet.conv_out.weight, rtol=0, atol=0
    )
    head = torch.load(binary / "unet_conv_out.bin", weights_only=True)
    torch.save({**head, "extra": _Payload()}, binary / "unet_conv_out.bin")
    with pytest.raises(WeightsError, match="Cannot read the UNet head"):
        load_pipeline(base, binary)
