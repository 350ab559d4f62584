"""``pertouch segment``: a region mask from words, or the map of what a photo contains.

    pertouch segment PHOTO "the sky" -o sky.png        # a soft mask, 16-bit grey PNG
    pertouch segment PHOTO --propose --overlay map.png # lists regions, draws them over the photo

The segmenter is the one every surface uses (:func:`pertouch.services.build_segmenter`). Bad input raises
``PerTouchError`` subclasses, which the CLI shows as one sentence; an absent region is reported
and exits with status 1, writing no file (never an empty or wrong mask).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from pertouch.cli.common import add_overwrite_option, check_output
from pertouch.core.imageio import load_photo, save_photo
from pertouch.tools.segmentation.types import (
    ProposedRegion,
    RegionError,
    RegionMap,
    Segmentation,
    Segmenter,
)


def add_segment_parser(subparsers: Any) -> None:
    """Add the ``segment`` sub-command to an argparse ``subparsers`` object."""
    parser = subparsers.add_parser(
        "segment",
        help="mask a region named in words, or list the regions of a photo",
        description="Mask the region a phrase names, or (--propose) list what the photo contains.",
    )
    parser.add_argument("photo", type=Path, help="JPEG, PNG, TIFF or WebP photo")
    parser.add_argument("phrase", nargs="?", help='the region, in words: "the sky", "the faces"')
    parser.add_argument(
        "-o", "--output", type=Path, help="write the mask here (.png or .tif: 16-bit)"
    )
    parser.add_argument(
        "--propose", action="store_true", help="list the regions found, with area and confidence"
    )
    parser.add_argument(
        "--overlay", type=Path, help="write a picture of the regions over the photo"
    )
    parser.add_argument(
        "--backend", choices=("offline", "sam3"), help="default: $PERTOUCH_SEGMENTER or offline"
    )
    parser.add_argument(
        "--sam3-checkpoint",
        type=Path,
        help="sam3.pt (default: $PERTOUCH_SAM3_CHECKPOINT or ~/.cache/pertouch/sam3.pt)",
    )
    parser.add_argument("--device", help="torch device for SAM3 (default cpu)")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    add_overwrite_option(parser)
    parser.set_defaults(func=run_segment)


def run_segment(args: argparse.Namespace, segmenter: Segmenter | None = None) -> int:
    """Handle ``pertouch segment``; returns the exit status (1 when the region is absent)."""
    if args.propose == bool(args.phrase):
        raise RegionError(
            'Give either a region phrase (such as "the sky") or --propose, not both or neither.'
        )
    if args.propose and args.output:
        raise RegionError(
            "--output writes one region's mask; with --propose use --overlay for a picture."
        )
    check_output(args, args.output, args.photo)
    check_output(args, args.overlay, args.photo)
    from pertouch.services import Settings

    photo = load_photo(args.photo, memory_budget=Settings.from_env().memory_budget)
    if segmenter is None:
        from pertouch.services import Settings, build_segmenter

        settings = Settings.from_env(
            segmenter=args.backend, sam3_checkpoint=args.sam3_checkpoint, device=args.device
        )
        segmenter = build_segmenter(settings)
    if args.propose:
        region_map = segmenter.propose(photo.pixels)
        _print_regions(region_map.regions, args.json)
        _write_overlay(args.overlay, photo.pixels, region_map)
        return 0
    answer = segmenter.segment(photo.pixels, args.phrase)
    _print_answer(answer, args.json, args.output)
    if not answer.found:
        return 1
    if args.output:
        mask16 = np.round(answer.mask * 65535).astype(np.uint16)
        save_photo(args.output, np.repeat(mask16[..., None], 3, axis=2), grey=True)
    if args.overlay:
        labels = (answer.mask >= 0.5).astype(np.uint16)
        single = RegionMap(
            labels, (ProposedRegion(1, answer.region, float(labels.mean()), answer.confidence),)
        )
        _write_overlay(args.overlay, photo.pixels, single)
    return 0


def _write_overlay(path: Path | None, pixels: np.ndarray, region_map: RegionMap) -> None:
    if path is None:
        return
    from pertouch.tools.segmentation.overlay import draw_overlay

    save_photo(path, draw_overlay(pixels, region_map))
    print(f"overlay written to {path}")


def _print_regions(regions: tuple[ProposedRegion, ...], as_json: bool) -> None:
    if as_json:
        rows = [
            {"label": r.label, "area": round(r.area, 4), "confidence": round(r.confidence, 3)}
            for r in regions
        ]
        print(json.dumps(rows))
        return
    if not regions:
        print("No named regions found; tonal, colour and spatial regions are always available.")
    for r in regions:
        print(f"{r.label:<12} {r.area:6.1%} of the photo  confidence {r.confidence:.2f}")


def _print_answer(answer: Segmentation, as_json: bool, output: Path | None) -> None:
    if as_json:
        print(json.dumps(answer.summary()))
        return
    if not answer.found:
        print(answer.note)
        return
    target = f" -> {output}" if output else ""
    understood = (
        f" (understood as {answer.region})" if answer.region != answer.phrase.strip() else ""
    )
    print(
        f"{answer.phrase}{understood}: {answer.area:.1%} of the photo, "
        f"confidence {answer.confidence:.2f}{target}"
    )
