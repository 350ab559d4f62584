from __future__ import annotations

import pytest
import torch

from pertouch.backbone.diffusion.errors import DiffusionOptionError
from pertouch.backbone.diffusion.pipeline import (
    PerTouchPipeline,
    make_scheduler,
    parse_dtype,
)


def _photo(batch: int = 1, height: int = 64, width: int = 96) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(7)
    image = torch.rand(batch, 3, height, width, generator=generator) * 2 - 1
    return image, torch.zeros(batch, 4, height, width)


def _run(
    pipeline: PerTouchPipeline, image: torch.Tensor, control: torch.Tensor, seed: int = 0
) -> torch.Tensor:
    return pipeline(
        image, control, num_inference_steps=4, generator=torch.Generator().manual_seed(seed)
    )


def test_output_shape_and_range(pipeline: PerTouchPipeline) -> None:
    image, control = _photo(batch=2)
    out = _run(pipeline, image, control)
    assert out.shape == image.shape and out.dtype == torch.float32
    assert out.min() >= -1 and out.max() <= 1 and torch.isfinite(out).all()


def test_same_seed_same_result_other_seed_other_result(pipeline: PerTouchPipeline) -> None:
    image, control = _photo()
    first = _run(pipeline, image, control, seed=1)
    torch.testing.assert_close(_run(pipeline, image, control, seed=1), first, rtol=0, atol=0)
    assert not torch.allclose(_run(pipeline, image, control, seed=2), first)


def test_changing_the_map_changes_the_output_where_it_changed(pipeline: PerTouchPipeline) -> None:
    image, control = _photo(height=64, width=192)
    edited = control.clone()
    edited[:, 3, :, :48] = 1.0  # brightness target raised in the left quarter only
    change = (
        (_run(pipeline, image, edited) - _run(pipeline, image, control)).abs().mean(dim=(0, 1, 2))
    )
    left, right = change[:48].mean(), change[-48:].mean()
    assert left > 0.01
    assert left > 3 * right


@pytest.mark.parametrize("name", ["ddim", "dpm++2m", "unipc", "euler"])
def test_every_scheduler_keeps_v_prediction_and_samples(
    pipeline: PerTouchPipeline, name: str
) -> None:
    pipeline.scheduler = make_scheduler(name, pipeline.scheduler.config)
    assert pipeline.scheduler.config.prediction_type == "v_prediction"
    out = _run(pipeline, *_photo())
    assert torch.isfinite(out).all()


def test_half_precision_runs_close_to_float32(pipeline: PerTouchPipeline) -> None:
    image, control = _photo()
    reference = _run(pipeline, image, control)
    pipeline.to(dtype=parse_dtype("bf16"))
    assert pipeline.dtype == torch.bfloat16
    out = _run(pipeline, image, control)
    assert out.dtype == torch.float32
    assert (out - reference).abs().mean() < 0.1


def test_bad_options_and_inputs_raise(pipeline: PerTouchPipeline) -> None:
    with pytest.raises(DiffusionOptionError, match="scheduler"):
        make_scheduler("heun++", pipeline.scheduler.config)
    with pytest.raises(DiffusionOptionError, match="dtype"):
        parse_dtype("int8")
    image, control = _photo()
    with pytest.raises(ValueError, match="multiple of 16"):
        pipeline(image[..., :40], control[..., :40])
    with pytest.raises(ValueError, match="parameter_map"):
        pipeline(image, control[:, :3])
    with pytest.raises(DiffusionOptionError, match="steps"):
        pipeline(image, control, num_inference_steps=0)
