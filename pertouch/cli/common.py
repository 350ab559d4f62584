"""What every sub-command shares: one-sentence errors, logging, the settings options, masks.

:func:`run` is the one place that turns a :class:`~pertouch.core.errors.PerTouchError` into a
sentence on stderr (exit status 2). :func:`add_service_options` and :func:`settings_from_args` give
``retouch``, ``ui``, ``mcp`` and ``batch`` the same ``--model``, ``--renderer`` ... options, read into
:class:`~pertouch.services.Settings` on top of the ``PERTOUCH_*`` variables.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.errors import MaskError, PerTouchError, StateError
from pertouch.core.imageio import Photo, Pixels, check_quality, load_mask, save_photo
from pertouch.core.outputs import refuse_overwriting_inputs
from pertouch.services import Settings


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command, turning bad input into one sentence (exit 2)."""
    args = parser.parse_args(argv)
    _configure_logging(getattr(args, "verbose", 0), getattr(args, "quiet", False))
    try:
        return int(args.func(args))
    except PerTouchError as err:
        print(f"pertouch: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pertouch: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `pertouch ... --json | head`: the reader left; nothing to say
        _silence_stdout()
        return 0
    except OSError as err:
        if err.errno == errno.EPIPE:
            _silence_stdout()
            return 0
        raise


def _silence_stdout() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    )
    logging.basicConfig(level=level, format="pertouch: %(message)s", force=True)
    logging.getLogger("pertouch").setLevel(level)


def progress_wanted(args: argparse.Namespace) -> bool:
    """Whether to print progress lines: not with ``-q`` or ``--json``, nor into a pipe unless -v."""
    if getattr(args, "quiet", False) or getattr(args, "json", False):
        return False
    return bool(getattr(args, "verbose", 0)) or sys.stderr.isatty()


def add_service_options(parser: argparse.ArgumentParser, memory_default: bool = False) -> None:
    """The options that choose the agent's services (defaults: the ``PERTOUCH_*`` variables)."""
    group = parser.add_argument_group("services (defaults from PERTOUCH_* variables)")
    group.add_argument(
        "--model", help='"offline" (default), or a provider string such as "openai:gpt-4o"'
    )
    group.add_argument("--segmenter", choices=("offline", "sam3"), help="default: offline")
    add_renderer_options(group)
    group.add_argument(
        "--memory",
        help="memory folder or Chroma server URL (default: $PERTOUCH_MEMORY or the data folder)",
    )
    group.add_argument(
        "--no-memory",
        action="store_true",
        help="do not start from remembered taste" if not memory_default else "run without memory",
    )


def add_renderer_options(parser: Any) -> None:
    """``--renderer``, ``--base-model``, ``--checkpoint`` and ``--device``."""
    parser.add_argument(
        "--renderer",
        choices=("parametric", "diffusion"),
        help="parametric (CPU, default) or diffusion (the PerTouch model; a GPU is advised)",
    )
    parser.add_argument("--base-model", type=Path, help="Stable Diffusion 2.1, diffusers layout")
    parser.add_argument("--checkpoint", type=Path, help="PerTouch checkpoint folder")
    parser.add_argument("--device", help="torch device for SAM3 and diffusion (default: auto)")
    parser.add_argument(
        "--profile",
        choices=("fast", "reference"),
        help="diffusion profile: fast (default: DPM++ 20 steps, bf16 on GPUs, full-resolution "
        "lift) or reference (as the published weights were trained: DDIM 50, fp32, seed 42)",
    )
    parser.add_argument(
        "--scheduler", choices=("ddim", "dpm++2m", "unipc", "euler"), help="diffusion sampler"
    )
    parser.add_argument("--steps", type=int, help="diffusion sampler steps (profile's default)")
    parser.add_argument("--seed", type=int, help="diffusion noise seed (profile's default)")
    parser.add_argument(
        "--dtype",
        choices=("auto", "float32", "float16", "bfloat16"),
        help="diffusion precision (profile's default)",
    )
    parser.add_argument(
        "--diffusion-output",
        choices=("lift", "model"),
        help="lift: the edit carried onto the full-resolution photo; model: the model's pixels",
    )


def renderer_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings that :func:`add_renderer_options` flags set (None where not given)."""
    return {
        "renderer": getattr(args, "renderer", None),
        "base_model": getattr(args, "base_model", None),
        "checkpoint": getattr(args, "checkpoint", None),
        "device": getattr(args, "device", None),
        "diffusion_profile": getattr(args, "profile", None),
        "diffusion_scheduler": getattr(args, "scheduler", None),
        "diffusion_steps": getattr(args, "steps", None),
        "diffusion_seed": getattr(args, "seed", None),
        "diffusion_dtype": getattr(args, "dtype", None),
        "diffusion_output": getattr(args, "diffusion_output", None),
    }


def settings_from_args(args: argparse.Namespace, use_memory: bool, **overrides: Any) -> Settings:
    """Settings from the environment, then the service options, then ``overrides``."""
    from pertouch.services import default_memory_location

    memory = None
    if use_memory and not getattr(args, "no_memory", False):
        memory = getattr(args, "memory", None) or default_memory_location()
    return Settings.from_env(
        model=getattr(args, "model", None),
        segmenter=getattr(args, "segmenter", None),
        memory=memory,
        **renderer_settings(args),
        **overrides,
    )


def add_overwrite_option(parser: argparse.ArgumentParser) -> None:
    """``--overwrite``: allow the output to replace an input file (refused by default)."""
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="allow the output to replace the input photo or a mask (refused by default)",
    )


def check_output(args: argparse.Namespace, output: Path | None, *inputs: Path | None) -> None:
    """Before any work: refuse an ``output`` that is one of ``inputs`` (or of the ``--mask``
    files) unless ``--overwrite``, and a ``--quality`` outside 1-100."""
    if hasattr(args, "quality"):
        check_quality(args.quality)
    if output is None:
        return
    masks = [spec.partition("=")[2] or None for spec in getattr(args, "mask", [])]
    refuse_overwriting_inputs(output, [*inputs, *masks], getattr(args, "overwrite", False))


def load_masks(specs: Sequence[str], shape: tuple[int, int]) -> dict[str, NDArray[np.float32]]:
    """``--mask NAME=FILE`` options read into masks of ``shape``."""
    masks: dict[str, NDArray[np.float32]] = {}
    for spec in specs:
        name, sep, file = spec.partition("=")
        name = name.strip().lower()
        if not sep or not name or not file:
            raise MaskError(f"--mask {spec!r} should look like NAME=FILE, e.g. --mask sky=sky.png.")
        if name in masks:
            raise MaskError(f"Region {name!r} was given two masks; give each region once.")
        masks[name] = load_mask(file, shape)
    return masks


def load_state(text: str) -> AdjustmentState:
    """An adjustment state from inline JSON or a JSON file."""
    if text.lstrip().startswith("{"):
        return AdjustmentState.from_json(text)
    path = Path(text)
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise StateError(
            f"Cannot read the state file {text!r} ({getattr(err, 'strerror', None) or err})."
        ) from None
    return AdjustmentState.from_json(content)


def save_like(photo: Photo, pixels: Pixels, path: Path, quality: int) -> None:
    """Write a result with the original's alpha, ICC profile and EXIF (a grey photo stays grey)."""
    save_photo(
        path,
        pixels,
        alpha=photo.alpha,
        icc_profile=photo.icc_profile,
        exif=photo.exif,
        quality=quality,
        grey=photo.grey,
    )


def levels_table(rows: Mapping[str, Mapping[str, float]]) -> str:
    """Rows of attribute levels as an aligned table."""
    names = [a.value for a in ATTRIBUTES]
    width = max([6, *(len(r) for r in rows)])
    lines = [f"{'region':<{width}}  " + "  ".join(f"{n:>12}" for n in names)]
    for region, levels in rows.items():
        lines.append(f"{region:<{width}}  " + "  ".join(f"{levels[n]:>+12.2f}" for n in names))
    return "\n".join(lines)
