"""The auto look and the named looks over real photos: contact sheets and a guard table.

For every photo (the corpus of ``benchmarks/corpus.py`` or a folder), the offline segmenter finds
its regions, the auto look ("make it look better") and each named look are rendered with the
parametric renderer, and the do-no-harm guards compare each result with the original. Writes one
contact sheet per look and split (before | after, guard figures under each; a red title marks a
failed guard) and prints a table per photo for the auto look and a summary per named look.

``--degrade`` first spoils each photo the way bad photos are spoiled (a stop under, flat, a warm
cast, washed-out colour) and reports how much of the damage the auto look repairs (CIEDE2000 to the
original photo, before and after).

Run: HF_HUB_OFFLINE=1 python -m benchmarks.eval_looks --split dev [--looks auto,faded|all]
     [--folder DIR] [--size 768] [--out eval-looks] [--degrade]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from benchmarks.contact_sheet import Tile, write_sheet
from benchmarks.corpus import load, photos
from pertouch.backbone.parametric import ParametricRenderer, RenderPlan
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES, Attribute
from pertouch.core.colour import delta_e00, lab_view
from pertouch.core.guards import GuardLimits, GuardReport, check_guards
from pertouch.core.levels import default_scale
from pertouch.core.metrics import measure_raw
from pertouch.graph.nodes.render import render_protected
from pertouch.providers.styles import LOOKS, look_steps
from pertouch.tools.auto_plan import AutoPlan, plan_auto_look
from pertouch.tools.segmentation import OfflineSegmenter

Masks = dict[str, NDArray[np.uint8]]


@dataclass
class Result:
    photo: str
    look: str
    before: NDArray[np.uint8]
    after: NDArray[np.uint8]
    report: GuardReport
    notes: tuple[str, ...] = ()
    wrong_way: tuple[str, ...] = ()
    repaired: tuple[float, float] | None = None  # ΔE00 to the unspoiled photo: spoiled, auto


def degrade(pixels: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """A photo spoiled the common ways at once: 1 stop under, flatter, warm cast, duller colour."""
    rgb = pixels.astype(np.float32) / 255.0
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    linear = linear * 0.5 * np.array([1.12, 1.0, 0.82], np.float32)
    rgb = np.where(
        linear <= 0.0031308, linear * 12.92, 1.055 * np.maximum(linear, 0) ** (1 / 2.4) - 0.055
    )
    grey = rgb.mean(axis=2, keepdims=True)
    rgb = grey + 0.6 * (rgb - grey)
    rgb = 0.5 * rgb.mean() + 0.8 * (rgb - 0.5 * rgb.mean()) + 0.1 * rgb.mean()
    return np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8)


def run_auto(
    name: str, pixels: NDArray[np.uint8], plan: AutoPlan, renderer: ParametricRenderer
) -> Result:
    """What "make it look better" renders: the auto look over the segmenter's regions, rendered
    as the agent's render node does for a weak wish (highlights, contrast and colour protected)."""
    state = AdjustmentState("auto", auto=plan.look)
    out = np.asarray(render_protected(renderer, pixels, state, plan.masks)[0], dtype=np.uint8)
    report = check_guards(pixels, out, plan.masks, GuardLimits.for_state(state))
    return Result(name, "auto", pixels, out, report, tuple(plan.look.describe()))


def run_named(
    name: str,
    look: str,
    pixels: NDArray[np.uint8],
    masks: Masks,
    renderer: ParametricRenderer,
    segmenter: OfflineSegmenter,
) -> Result:
    state = AdjustmentState()
    tonal: Masks = {}
    for region, attribute, delta in look_steps(look):
        if region != "global" and region not in tonal:
            found = segmenter.segment(pixels, region)
            if not found.found or found.area < 0.005:
                continue  # as the agent does: a range the photo lacks is left out
            tonal[region] = np.round(found.mask * 255).astype(np.uint8)
        state = state.with_edit(region, attribute, delta)
    plan = renderer.solve(pixels, state, tonal, protect_highlights=True)
    out = np.asarray(renderer.apply(pixels, plan), dtype=np.uint8)
    report = check_guards(pixels, out, masks, GuardLimits.for_state(state))
    wrong = _wrong_way(pixels, out, state, tonal, plan)
    return Result(name, look, pixels, out, report, wrong_way=wrong)


def _wrong_way(
    before: NDArray[np.uint8],
    after: NDArray[np.uint8],
    state: AdjustmentState,
    tonal: Masks,
    plan: RenderPlan,
) -> tuple[str, ...]:
    """Steps of the look whose region moved against the step (by more than 0.01 level).

    A tonal range is judged on the global step plus its own; with the colour changing,
    temperature is judged on the white balance the renderer set (tests/providers/test_styles.py
    checks the same way).
    """
    scale = default_scale()
    masks = {**tonal, "global": np.full(before.shape[:2], 255, np.uint8)}
    old = {k: scale.to_level(v, clip=False) for k, v in measure_raw(before, masks).items()}
    new = {k: scale.to_level(v, clip=False) for k, v in measure_raw(after, masks).items()}
    deltas = state.deltas()
    shared = deltas.get("global", np.zeros(4))
    own = {(e.region, e.attribute.channel) for e in state.edits if e.region != "global"}
    wrong = []
    for region in masks:
        asked = shared + (deltas.get(region, np.zeros(4)) if region != "global" else 0.0)
        for a in ATTRIBUTES:
            c = a.channel
            if abs(asked[c]) < 0.05 or (region != "global" and (region, c) not in own):
                continue
            at_end = np.sign(old[region][c]) == np.sign(asked[c]) and abs(old[region][c]) >= 0.95
            clamped = a is Attribute.TEMPERATURE and abs(old[region][c]) > 1.0
            black = a is Attribute.BRIGHTNESS and asked[c] > 0 and old[region][c] < -0.95
            if at_end or clamped or black:
                continue
            if a is Attribute.TEMPERATURE and shared[0]:
                if abs(asked[c]) >= 0.1:
                    index = plan.regions.index(region if region in tonal else plan.regions[-1])
                    if plan.strengths[index, c] * asked[c] <= 0:
                        wrong.append(f"{region} white balance (asked {asked[c]:+.2f})")
                continue
            moved = new[region][c] - old[region][c]
            if moved * np.sign(asked[c]) <= 0.01:
                wrong.append(f"{region} {a.value} {moved:+.2f} (asked {asked[c]:+.2f})")
    return tuple(wrong)


def figures(r: Result) -> list[str]:
    f = r.report.figures
    lines = [
        f"ΔE00 {r.report.mean_delta_e:.2f}, changed {r.report.changed_share:.0%}; new clip "
        f"{f['new_clipped']:.2%}; Δa* {f['mean_da']:+.1f} Δb* {f['mean_db']:+.1f} "
        f"(neutral {f['neutral_da']:+.1f}/{f['neutral_db']:+.1f}); ΔL* {f['mean_dl']:+.1f}; "
        f"crushed {f['crushed']:.2%}"
        + "".join(f"; {k.split('_')[0]} hue {f[k]:.0f}°" for k in f if k.endswith("hue_shift"))
    ]
    if r.repaired:
        lines.append(f"spoiled ΔE00 {r.repaired[0]:.1f} -> after auto {r.repaired[1]:.1f}")
    lines += [f"! {s}" for s in r.report.failures]
    lines += [f"! moved the wrong way: {w}" for w in r.wrong_way]
    return lines + [n for n in r.notes if not n.startswith("global ") or len(r.notes) < 6][:6]


def print_auto_table(results: list[Result]) -> None:
    print(
        f"\n{'photo':13s} {'exposure':8s} {'cast':5s} {'ΔE00':>5s} {'chg%':>5s} {'clip%':>6s} "
        f"{'Δa*':>5s} {'Δb*':>5s} {'ΔL*':>5s} {'crush%':>6s} {'sky°':>4s} {'skin°':>5s}  guards"
    )
    for r in results:
        f, look = r.report.figures, r.notes
        exposure = next((n.split(" ")[0].lower() for n in look if "exposed" in n), "ok")
        cast = next((n.split(" ")[1] for n in look if " cast " in n), "-")
        failed = [c.name for c in r.report.checks if not c.passed] or ["pass"]
        print(
            f"{r.photo:13s} {exposure:8s} {cast:5s} {r.report.mean_delta_e:5.2f} "
            f"{100 * r.report.changed_share:5.1f} {100 * f['new_clipped']:6.2f} {f['mean_da']:+5.1f} "
            f"{f['mean_db']:+5.1f} {f['mean_dl']:+5.1f} {100 * f['crushed']:6.2f} "
            f"{f.get('sky_hue_shift', 0):4.0f} {f.get('skin_hue_shift', 0):5.0f}  {','.join(failed)}"
            + (f"  repaired {r.repaired[0]:.1f}->{r.repaired[1]:.1f}" if r.repaired else "")
        )


def print_named_table(results: list[Result]) -> None:
    print(
        f"\n{'look':12s} {'photos':>6s} {'harmless':>8s} {'visible':>7s} {'right way':>9s} {'ΔE00':>5s}  failures"
    )
    for look in dict.fromkeys(r.look for r in results):
        rows = [r for r in results if r.look == look]
        fails: dict[str, int] = {}
        for r in rows:
            for c in r.report.checks:
                if not c.passed:
                    fails[c.name] = fails.get(c.name, 0) + 1
        print(
            f"{look:12s} {len(rows):6d} {sum(r.report.harmless for r in rows):8d} "
            f"{sum(r.report.visible for r in rows):7d} {sum(not r.wrong_way for r in rows):9d} "
            f"{np.mean([r.report.mean_delta_e for r in rows]):5.2f}  "
            + (", ".join(f"{k} {v}" for k, v in fails.items()) or "-")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--folder", type=Path, help="a folder of photos instead of the corpus")
    parser.add_argument(
        "--looks", default="auto", help="comma-separated: auto and/or look names, or 'all'"
    )
    parser.add_argument(
        "--size", type=int, default=768, help="long side the photos are rendered at"
    )
    parser.add_argument("--out", type=Path, default=Path("eval-looks"))
    parser.add_argument("--degrade", action="store_true", help="spoil each photo first (auto only)")
    parser.add_argument("--only", default="", help="comma-separated photo names")
    args = parser.parse_args()
    looks = ["auto", *LOOKS] if args.looks == "all" else args.looks.split(",")
    unknown = [name for name in looks if name != "auto" and name not in LOOKS]
    if unknown:
        parser.error(f"unknown look {unknown[0]!r}; choose from auto, {', '.join(LOOKS)}")
    sources = _sources(args)
    renderer, segmenter = ParametricRenderer(), OfflineSegmenter()
    results: list[Result] = []
    start = time.perf_counter()
    for name, pixels in sources:
        original = pixels
        if args.degrade:
            pixels = degrade(pixels)
        plan = plan_auto_look(pixels, segmenter, renderer.scale)
        for look in looks:
            if look == "auto":
                result = run_auto(name, pixels, plan, renderer)
                if args.degrade:
                    reference = lab_view(original)[0]
                    result.repaired = (
                        float(delta_e00(reference, lab_view(pixels)[0]).mean()),
                        float(delta_e00(reference, lab_view(result.after)[0]).mean()),
                    )
            else:
                result = run_named(name, look, pixels, plan.masks, renderer, segmenter)
            results.append(result)
    tag = "folder" if args.folder else args.split
    for look in looks:
        rows = [r for r in results if r.look == look]
        tiles = [
            Tile(
                r.photo,
                r.before,
                r.after,
                tuple(figures(r)),
                (bool(r.report.failures) and not r.report.harmless) or bool(r.wrong_way),
            )
            for r in rows
        ]
        suffix = "-degraded" if args.degrade else ""
        for page, first in enumerate(range(0, len(tiles), 12)):
            path = args.out / f"{look.replace(' ', '_')}-{tag}{suffix}-{page + 1}.png"
            write_sheet(
                tiles[first : first + 12], path, f"{look} on {tag}{suffix} photos (before | after)"
            )
            print(f"wrote {path}")
    auto = [r for r in results if r.look == "auto"]
    if auto:
        print_auto_table(auto)
        print(
            f"\nauto: {sum(r.report.harmless for r in auto)}/{len(auto)} harmless, "
            f"{sum(r.report.visible for r in auto)}/{len(auto)} visible"
        )
    named = [r for r in results if r.look != "auto"]
    if named:
        print_named_table(named)
    print(f"\n{len(results)} renders in {time.perf_counter() - start:.0f} s")


def _sources(args: argparse.Namespace) -> list[tuple[str, NDArray[np.uint8]]]:
    from PIL import Image

    only = set(filter(None, args.only.split(",")))
    if args.folder:
        out = []
        for path in sorted(p for p in args.folder.iterdir() if p.is_file()):
            try:
                image = Image.open(path).convert("RGB")
            except OSError:
                continue
            image.thumbnail((args.size, args.size), Image.Resampling.BOX)
            out.append((path.stem, np.asarray(image, dtype=np.uint8)))
        return [s for s in out if not only or s[0] in only]
    split = None if args.split == "all" else args.split
    return [(p.name, load(p, args.size)) for p in photos(split) if not only or p.name in only]


if __name__ == "__main__":
    main()
