"""How the diffusion renderer runs: one typed, validated options object and its two profiles.

``fast`` (the default) trades exactness to the reference for speed and fidelity to the photo:
DPM-Solver++(2M) at 20 steps, bfloat16 on a GPU, the project's own metrics and level scale, an
aspect-kept working size, the VAE's mean latent, and the edit lifted onto the full-resolution photo
as a local colour transform, so every detail of the original survives.

``reference`` feeds the published PerTouch weights exactly what they were trained on and samples as
the reference does: its metric set and quantile normalisation, its painting rule, the photo
stretched to 512 x 512 (bicubic), a sample of the VAE posterior, DDIM at 50 steps, seed 42 with the
generator on the model's device, float32, and the model's own pixels resized back with Lanczos. It
is about 2.5 times slower and its output carries the model's 512 px detail; ``output="lift"`` keeps
its conditioning but lifts the edit onto the full-resolution photo instead.

This module imports nothing heavy: surfaces build options (and their command-line flags) without
loading torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pertouch.backbone.diffusion.errors import DiffusionOptionError

Profile = Literal["fast", "reference"]
Output = Literal["lift", "model"]
Latent = Literal["mode", "sample"]
GeneratorPlace = Literal["cpu", "device"]

PROFILES: tuple[str, ...] = typing.get_args(Profile)
OUTPUTS: tuple[str, ...] = typing.get_args(Output)
#: Sampler names; :data:`pertouch.backbone.diffusion.pipeline.SCHEDULERS` maps them to classes.
SCHEDULER_NAMES: tuple[str, ...] = ("ddim", "dpm++2m", "unipc", "euler")
DTYPE_NAMES: tuple[str, ...] = ("auto", "float32", "float16", "bfloat16")
_DTYPE_ALIASES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}

#: What each profile sets; every other field keeps the dataclass default.
PROFILE_DEFAULTS: dict[str, dict[str, Any]] = {
    "fast": {},
    "reference": {
        "scheduler": "ddim",
        "steps": 50,
        "seed": 42,
        "dtype": "float32",
        "output": "model",
        "latent": "sample",
        "generator": "device",
    },
}


@dataclass(frozen=True)
class DiffusionOptions:
    """Every choice the diffusion renderer makes, checked when built.

    Build one with :meth:`for_profile` so that what a profile sets stays together; the defaults
    here are the ``fast`` profile.

    Attributes:
        profile: ``fast`` or ``reference``: the conditioning (metrics, level scale, painting rule,
            working size) follows it; the fields below can be overridden one by one.
        scheduler: sampler, one of :data:`SCHEDULER_NAMES`.
        steps: sampler steps, 1 to 1000.
        seed: seeds the starting noise (and the posterior sample when ``latent="sample"``).
        dtype: ``auto`` (bfloat16 on GPUs that have it, else float16; float32 on the CPU) or a
            dtype name; ``fp32``, ``fp16`` and ``bf16`` are accepted and stored by full name.
        output: ``lift`` (the edit carried to the full-resolution photo) or ``model`` (the model's
            pixels resized back with Lanczos).
        latent: the photo's latent: ``mode`` (the posterior's mean) or ``sample`` (one draw).
        generator: where the seeded generator lives: ``cpu`` (the same noise on every device) or
            ``device`` (the model's device, as the reference seeds it).
        device: ``auto`` (CUDA when available) or a torch device name.
        size: working size in pixels: the long side (``fast``) or the side of the square stretch
            (``reference``).
        conditioning_scale: strength of the ControlNet's residuals (1 as trained).
        lift_radius: the lift's window radius in working-size pixels.
        lift_eps: the lift's ridge strength.
        compile: on CUDA, ``torch.compile`` the UNet and ControlNet into CUDA graphs (about a
            minute's compilation on the first render; suits a server).
    """

    profile: Profile = "fast"
    scheduler: str = "dpm++2m"
    steps: int = 20
    seed: int = 0
    dtype: str = "auto"
    output: Output = "lift"
    latent: Latent = "mode"
    generator: GeneratorPlace = "cpu"
    device: str = "auto"
    size: int = 512
    conditioning_scale: float = 1.0
    lift_radius: int = 8
    lift_eps: float = 1e-3
    compile: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", _DTYPE_ALIASES.get(self.dtype, self.dtype))
        for name in ("profile", "scheduler", "dtype", "output", "latent", "generator"):
            allowed = _CHOICES[name]
            value = getattr(self, name)
            if value not in allowed:
                raise DiffusionOptionError(
                    f"Unknown {name} {value!r} for the diffusion renderer; choose one of {', '.join(allowed)}."
                )
        for name, low, high in (("steps", 1, 1000), ("seed", 0, 2**63 - 1), ("size", 64, 4096)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise DiffusionOptionError(
                    f"The diffusion option {name} must be a whole number from {low} to {high}, got {value!r}."
                )
        if not isinstance(self.device, str) or not self.device:
            raise DiffusionOptionError(
                f"The device must be 'auto' or a torch device name such as 'cuda', got {self.device!r}."
            )
        if self.lift_radius < 1 or not self.lift_eps > 0 or not self.conditioning_scale >= 0:
            raise DiffusionOptionError(
                "lift_radius must be at least 1, lift_eps positive and conditioning_scale not negative."
            )

    @classmethod
    def for_profile(cls, name: str, **overrides: Any) -> DiffusionOptions:
        """The options of profile ``name`` with ``overrides`` on top; ``None`` overrides are skipped.

        Raises:
            DiffusionOptionError: an unknown profile or option name, or a value out of range.

        Example:
            >>> DiffusionOptions.for_profile("reference", steps=None, seed=7).steps
            50
        """
        if name not in PROFILE_DEFAULTS:
            raise DiffusionOptionError(
                f"Unknown diffusion profile {name!r}; choose one of {', '.join(PROFILES)}."
            )
        fields = {f.name for f in dataclasses.fields(cls)} - {"profile"}
        unknown = sorted(set(overrides) - fields)
        if unknown:
            raise DiffusionOptionError(
                f"Unknown diffusion option {unknown[0]!r}; the options are: {', '.join(sorted(fields))}."
            )
        values = {**PROFILE_DEFAULTS[name], **{k: v for k, v in overrides.items() if v is not None}}
        return cls(profile=name, **values)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for traces and settings files); ``DiffusionOptions(**d)`` rebuilds it."""
        return dataclasses.asdict(self)


_CHOICES: dict[str, tuple[str, ...]] = {
    "profile": PROFILES,
    "scheduler": SCHEDULER_NAMES,
    "dtype": DTYPE_NAMES,
    "output": OUTPUTS,
    "latent": typing.get_args(Latent),
    "generator": typing.get_args(GeneratorPlace),
}

#: Flag destinations of :func:`add_diffusion_arguments`, by the option each one sets.
FLAG_DESTINATIONS: dict[str, str] = {
    "scheduler": "scheduler",
    "steps": "steps",
    "seed": "seed",
    "dtype": "dtype",
    "output": "diffusion_output",
}


def add_diffusion_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--profile --scheduler --steps --seed --dtype --diffusion-output`` to ``parser``.

    Every flag defaults to ``None`` ("the profile's value"), so :func:`options_from_args` can tell
    a flag given on the command line from one left out, and settings can sit in between.
    """
    group = parser.add_argument_group("diffusion renderer")
    group.add_argument(
        "--profile",
        choices=PROFILES,
        default=None,
        help="fast (default: DPM++ 20 steps, bf16 on GPUs, full-resolution lift) or reference "
        "(exactly as the published weights were trained and sampled: DDIM 50 steps, fp32, seed 42)",
    )
    group.add_argument(
        "--scheduler", choices=SCHEDULER_NAMES, default=None, help="sampler (profile's default)"
    )
    group.add_argument("--steps", type=int, default=None, help="sampler steps (profile's default)")
    group.add_argument("--seed", type=int, default=None, help="noise seed (profile's default)")
    group.add_argument(
        "--dtype",
        choices=(*DTYPE_NAMES, *_DTYPE_ALIASES),
        default=None,
        help="model precision; auto: bf16 on GPUs, fp32 on the CPU (profile's default)",
    )
    group.add_argument(
        "--diffusion-output",
        choices=OUTPUTS,
        default=None,
        help="lift: the edit carried onto the full-resolution photo; model: the model's own "
        "pixels resized back (profile's default)",
    )


def options_from_args(
    args: argparse.Namespace, settings: Mapping[str, Any] | None = None
) -> DiffusionOptions:
    """Options from flags added by :func:`add_diffusion_arguments`, over ``settings``, over the profile.

    Args:
        args: parsed arguments; flags left out are ``None``.
        settings: option values from configuration (e.g. ``{"profile": "reference"}``), used
            where no flag was given; keys are :class:`DiffusionOptions` field names.

    Raises:
        DiffusionOptionError: a value is out of range, or a settings key is unknown.
    """
    base = dict(settings or {})
    profile = getattr(args, "profile", None) or base.pop("profile", None) or "fast"
    base.pop("profile", None)
    for option, dest in FLAG_DESTINATIONS.items():
        value = getattr(args, dest, None)
        if value is not None:
            base[option] = value
    return DiffusionOptions.for_profile(profile, **base)
