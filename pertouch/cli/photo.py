"""``pertouch measure``, ``render`` and ``fit-scale``: levels and renders without the agent.

pertouch measure photo.jpg --mask sky=sky.png --json
pertouch render photo.jpg --state state.json --mask sky=sky.png -o out.jpg [--renderer diffusion]
pertouch fit-scale ~/Pictures/keepers -o my-scale.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pertouch.cli.common import (
    add_overwrite_option,
    add_renderer_options,
    check_output,
    levels_table,
    load_masks,
    load_state,
    renderer_settings,
    save_like,
)
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.imageio import DEFAULT_MAX_PIXELS, load_photo
from pertouch.core.levels import LevelScale, default_scale, fit_scale_from_folder
from pertouch.core.metrics import measure_raw


def add_photo_parsers(sub: Any) -> None:
    """Add ``measure``, ``render`` and ``fit-scale`` to an argparse ``subparsers`` object."""
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
    add_overwrite_option(render)
    add_renderer_options(render)
    render.set_defaults(func=cmd_render)

    fit = sub.add_parser("fit-scale", help="fit the level scale to a folder of photos")
    fit.add_argument("folder", type=Path)
    fit.add_argument(
        "-o", "--output", required=True, type=Path, help="where to write the scale (.json)"
    )
    fit.set_defaults(func=cmd_fit_scale)


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


def _memory_budget() -> int | None:
    """PERTOUCH_MEMORY_BUDGET, read through Settings like every other variable."""
    from pertouch.services import Settings

    return Settings.from_env().memory_budget


def _load_scale(args: argparse.Namespace) -> LevelScale:
    return LevelScale.load(args.scale) if args.scale else default_scale()


def cmd_measure(args: argparse.Namespace) -> int:
    photo = load_photo(args.photo, max_pixels=args.max_pixels, memory_budget=_memory_budget())
    scale = _load_scale(args)
    height, width = photo.pixels.shape[:2]
    masks = load_masks(args.mask, (height, width))
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
        print(levels_table({r: v["levels"] for r, v in report.items()}))
    return 0


def _render_diffusion(args: argparse.Namespace) -> int:
    from pertouch.services import Settings, build_renderer

    settings = Settings.from_env(**{**renderer_settings(args), "renderer": "diffusion"})
    renderer = build_renderer(settings, _load_scale(args))
    photo = load_photo(args.photo, max_pixels=args.max_pixels, memory_budget=_memory_budget())
    state = load_state(args.state)
    height, width = photo.pixels.shape[:2]
    masks = load_masks(args.mask, (height, width))
    pixels = renderer.render(photo.pixels, state, masks)
    save_like(photo, pixels, args.output, args.quality)
    print(
        json.dumps({"output": str(args.output), "renderer": "diffusion"})
        if args.json
        else f"wrote {args.output}"
    )
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from pertouch.backbone.parametric import ParametricRenderer
    from pertouch.services import Settings

    check_output(args, args.output, args.photo)
    if (args.renderer or Settings.from_env().renderer) == "diffusion":
        return _render_diffusion(args)
    photo = load_photo(args.photo, max_pixels=args.max_pixels, memory_budget=_memory_budget())
    state = load_state(args.state)
    height, width = photo.pixels.shape[:2]
    masks = load_masks(args.mask, (height, width))
    renderer = ParametricRenderer(scale=_load_scale(args))
    plan = renderer.solve(photo.pixels, state, masks)
    pixels = renderer.apply(photo.pixels, plan)
    save_like(photo, pixels, args.output, args.quality)
    summary = plan.summary()
    if args.json:
        print(json.dumps({"output": str(args.output), **summary}, indent=2))
        return 0
    for region, levels in summary["regions"].items():
        print(f"{region}")
        print(
            "  "
            + levels_table(
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
