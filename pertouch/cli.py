"""The ``pertouch`` command.

Each subcommand is a small function of its parsed arguments. Bad input of any kind ends in one
sentence on stderr and exit status 2, never a traceback, and never a half-written output file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.errors import MaskError, PerTouchError, StateError
from pertouch.core.imageio import (
    DEFAULT_MAX_PIXELS,
    Photo,
    Pixels,
    load_mask,
    load_photo,
    save_photo,
)
from pertouch.core.levels import LevelScale, default_scale, fit_scale_from_folder
from pertouch.core.metrics import measure_raw


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    return run(build_parser(), argv)


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen sub-command, turning bad input into one sentence (exit 2)."""
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except PerTouchError as err:
        print(f"pertouch: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pertouch: interrupted.", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pertouch", description="Retouch photos region by region."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    measure = sub.add_parser("measure", help="print each region's attribute levels")
    _photo_options(measure)
    measure.add_argument("--json", action="store_true", help="print JSON instead of a table")
    measure.set_defaults(func=cmd_measure)

    render = sub.add_parser("render", help="render an adjustment state at full resolution")
    _photo_options(render)
    render.add_argument(
        "--state", required=True, help="adjustment state: a JSON file, or inline JSON"
    )
    render.add_argument(
        "-o", "--output", required=True, type=Path, help="output photo (.jpg, .png, .tif, .webp)"
    )
    render.add_argument("--quality", type=int, default=95, help="JPEG/WebP quality (default 95)")
    render.add_argument("--json", action="store_true", help="print the solver's report as JSON")
    _diffusion_options(render)
    render.set_defaults(func=cmd_render)

    # Each part registers its own sub-commands; imports stay inside so `pertouch --help` is fast.
    from pertouch.agent_cli import add_agent_parsers
    from pertouch.memory.cli import add_memory_parser
    from pertouch.tools.segment_cli import add_segment_parser
    from pertouch.ui.cli import add_ui_parsers

    add_segment_parser(sub)
    add_agent_parsers(sub)
    add_memory_parser(sub)
    add_ui_parsers(sub)  # pertouch/ui/cli.py: `pertouch ui` and `pertouch mcp`

    from pertouch.training.cli import add_training_parsers

    add_training_parsers(sub)

    fit = sub.add_parser("fit-scale", help="fit the level scale to a folder of photos")
    fit.add_argument("folder", type=Path)
    fit.add_argument(
        "-o", "--output", required=True, type=Path, help="where to write the scale (.json)"
    )
    fit.set_defaults(func=cmd_fit_scale)
    return parser


def _photo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("photo", type=Path)
    parser.add_argument(
        "--mask",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="a region mask (grey image of the photo's size)",
    )
    parser.add_argument(
        "--scale",
        type=Path,
        help="a level scale from `pertouch fit-scale` (default: the bundled one)",
    )
    parser.add_argument(
        "--max-pixels", type=int, default=DEFAULT_MAX_PIXELS, help="refuse photos larger than this"
    )


def _load_scale(args: argparse.Namespace) -> LevelScale:
    return LevelScale.load(args.scale) if args.scale else default_scale()


def _load_masks(specs: Sequence[str], shape: tuple[int, int]) -> dict[str, NDArray[np.float32]]:
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


def _load_state(text: str) -> AdjustmentState:
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


def _levels_table(rows: Mapping[str, Mapping[str, float]]) -> str:
    names = [a.value for a in ATTRIBUTES]
    width = max([6, *(len(r) for r in rows)])
    lines = [f"{'region':<{width}}  " + "  ".join(f"{n:>12}" for n in names)]
    for region, levels in rows.items():
        lines.append(f"{region:<{width}}  " + "  ".join(f"{levels[n]:>+12.2f}" for n in names))
    return "\n".join(lines)


def cmd_measure(args: argparse.Namespace) -> int:
    photo = load_photo(args.photo, max_pixels=args.max_pixels)
    scale = _load_scale(args)
    height, width = photo.pixels.shape[:2]
    masks = _load_masks(args.mask, (height, width))
    raw = measure_raw(photo.pixels, masks or None)
    names = [a.value for a in ATTRIBUTES]
    report = {
        region: {
            "levels": dict(
                zip(names, (round(float(v), 4) for v in scale.to_level(values)), strict=True)
            ),
            "raw": dict(zip(names, (float(v) for v in values), strict=True)),
        }
        for region, values in raw.items()
    }
    if args.json:
        print(json.dumps({"photo": str(args.photo), "regions": report}, indent=2))
    else:
        print(_levels_table({r: v["levels"] for r, v in report.items()}))
    return 0


def _diffusion_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--renderer",
        choices=("parametric", "diffusion"),
        default="parametric",
        help="parametric (CPU, default) or diffusion (the PerTouch model; a GPU is advised)",
    )
    parser.add_argument(
        "--base-model",
        type=Path,
        default=os.environ.get("PERTOUCH_BASE_MODEL"),
        help="Stable Diffusion 2.1 directory, diffusers layout (default: $PERTOUCH_BASE_MODEL)",
    )
    parser.add_argument(
        "--checkpoint",
        type=Path,
        default=os.environ.get("PERTOUCH_CHECKPOINT"),
        help="PerTouch checkpoint directory (default: $PERTOUCH_CHECKPOINT)",
    )


def _render_diffusion(args: argparse.Namespace) -> int:
    if args.base_model is None or args.checkpoint is None:
        raise PerTouchError(
            "--renderer diffusion needs --base-model and --checkpoint (or PERTOUCH_BASE_MODEL and PERTOUCH_CHECKPOINT)."
        )
    photo = load_photo(args.photo, max_pixels=args.max_pixels)
    state = _load_state(args.state)
    height, width = photo.pixels.shape[:2]
    masks = _load_masks(args.mask, (height, width))
    from importlib.util import find_spec

    from pertouch.backbone.diffusion import build_diffusion_renderer

    missing = [name for name in ("torch", "diffusers", "transformers") if find_spec(name) is None]
    if missing:
        raise PerTouchError(
            f"The diffusion renderer needs the 'diffusion' extra ({missing[0]} is missing): pip install 'pertouch[diffusion]'."
        )
    renderer = build_diffusion_renderer(args.base_model, args.checkpoint, scale=_load_scale(args))
    pixels = renderer.render(photo.pixels, state, masks)
    _save_like(photo, pixels, args.output, args.quality)
    print(
        json.dumps({"output": str(args.output), "renderer": "diffusion"})
        if args.json
        else f"wrote {args.output}"
    )
    return 0


def _save_like(photo: Photo, pixels: Pixels, path: Path, quality: int) -> None:
    """Write a result with the original's alpha, ICC profile and EXIF."""
    save_photo(
        path,
        pixels,
        alpha=photo.alpha,
        icc_profile=photo.icc_profile,
        exif=photo.exif,
        quality=quality,
    )


def cmd_render(args: argparse.Namespace) -> int:
    from pertouch.backbone.parametric import ParametricRenderer

    if args.renderer == "diffusion":
        return _render_diffusion(args)
    photo = load_photo(args.photo, max_pixels=args.max_pixels)
    state = _load_state(args.state)
    height, width = photo.pixels.shape[:2]
    masks = _load_masks(args.mask, (height, width))
    renderer = ParametricRenderer(scale=_load_scale(args))
    plan = renderer.solve(photo.pixels, state, masks)
    pixels = renderer.apply(photo.pixels, plan)
    _save_like(photo, pixels, args.output, args.quality)
    summary = plan.summary()
    if args.json:
        print(json.dumps({"output": str(args.output), **summary}, indent=2))
        return 0
    for region, levels in summary["regions"].items():
        print(f"{region}")
        print(
            "  "
            + _levels_table(
                {
                    "before": levels["before"],
                    "target": levels["target"],
                    "reached": levels["reached"],
                }
            ).replace("\n", "\n  ")
        )
    if not summary["converged"]:
        print(
            "note: some targets lie beyond what the operators can reach; the closest result was rendered."
        )
    print(f"wrote {args.output}")
    return 0


def cmd_fit_scale(args: argparse.Namespace) -> int:
    scale = fit_scale_from_folder(args.folder)
    scale.save(args.output)
    print(f"wrote {args.output} ({scale.source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
