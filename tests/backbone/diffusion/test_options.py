"""Diffusion options: the two profiles, overrides, validation, and the flags every surface adds."""

from __future__ import annotations

import argparse

import pytest

from pertouch.backbone.diffusion import (
    DiffusionOptions,
    add_diffusion_arguments,
    options_from_args,
)
from pertouch.backbone.diffusion.errors import DiffusionOptionError
from pertouch.backbone.diffusion.options import SCHEDULER_NAMES


def test_the_reference_profile_is_the_reference_inference() -> None:
    options = DiffusionOptions.for_profile("reference")
    assert (options.scheduler, options.steps, options.seed, options.dtype) == (
        "ddim",
        50,
        42,
        "float32",
    )
    assert (options.latent, options.generator, options.output, options.size) == (
        "sample",
        "device",
        "model",
        512,
    )


def test_fast_stays_the_default() -> None:
    assert DiffusionOptions() == DiffusionOptions.for_profile("fast")
    fast = DiffusionOptions()
    assert (fast.profile, fast.scheduler, fast.steps, fast.seed, fast.dtype) == (
        "fast",
        "dpm++2m",
        20,
        0,
        "auto",
    )
    assert (fast.latent, fast.generator, fast.output) == ("mode", "cpu", "lift")


def test_overrides_apply_on_top_and_none_means_the_profiles_value() -> None:
    options = DiffusionOptions.for_profile(
        "reference", steps=None, seed=7, output="lift", dtype="fp16"
    )
    assert (options.steps, options.seed, options.output, options.dtype) == (
        50,
        7,
        "lift",
        "float16",
    )
    assert options.profile == "reference" and DiffusionOptions(**options.to_dict()) == options


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: DiffusionOptions.for_profile("exact"), "Unknown diffusion profile 'exact'"),
        (lambda: DiffusionOptions.for_profile("fast", stepz=3), "Unknown diffusion option 'stepz'"),
        (lambda: DiffusionOptions(steps=0), "steps must be a whole number from 1 to 1000"),
        (lambda: DiffusionOptions(steps=True), "steps must be a whole number"),
        (lambda: DiffusionOptions(seed=-1), "seed must be a whole number"),
        (lambda: DiffusionOptions(scheduler="heun"), "Unknown scheduler 'heun'"),
        (lambda: DiffusionOptions(dtype="float64"), "Unknown dtype 'float64'"),
        (lambda: DiffusionOptions(output="pixels"), "Unknown output 'pixels'"),
        (lambda: DiffusionOptions(size=32), "size must be a whole number from 64"),
    ],
)
def test_bad_options_are_refused_in_one_sentence(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DiffusionOptionError, match=message) as info:
        build()
    assert "\n" not in str(info.value) and str(info.value).endswith(".")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    add_diffusion_arguments(parser)
    return parser


def test_flags_build_options_over_settings_over_the_profile() -> None:
    parser = _parser()
    assert options_from_args(parser.parse_args([])) == DiffusionOptions()
    args = parser.parse_args(["--profile", "reference", "--steps", "10", "--dtype", "bf16"])
    options = options_from_args(args, settings={"seed": 3, "steps": 30})
    assert (options.profile, options.steps, options.seed, options.dtype) == (
        "reference",
        10,
        3,
        "bfloat16",
    )
    from_settings = options_from_args(
        parser.parse_args(["--diffusion-output", "lift"]), {"profile": "reference"}
    )
    assert (from_settings.profile, from_settings.output, from_settings.scheduler) == (
        "reference",
        "lift",
        "ddim",
    )
    with pytest.raises(DiffusionOptionError, match="steps"):
        options_from_args(parser.parse_args(["--steps", "0"]))
    with pytest.raises(SystemExit):  # argparse refuses an unknown sampler before options are built
        parser.parse_args(["--scheduler", "heun"])


def test_scheduler_names_are_the_pipelines_samplers() -> None:
    pytest.importorskip("diffusers")
    from pertouch.backbone.diffusion.pipeline import SCHEDULERS

    assert tuple(SCHEDULERS) == SCHEDULER_NAMES
