"""How often the parametric renderer keeps its promise on random, realistic edits.

For each of scikit-image's colour photos, random states of one to three edits (deltas of 0.1 to
0.3 level, either sign, on a region or the whole photo) are rendered and measured on the
full-resolution result. The promise: edited attributes within ±0.05 level of their target,
everything else within 0.02 of where it was; where colourfulness is edited, temperature follows
the colour change (the white balance is what is held) and is checked against the plan's target.
Targets the photo cannot reach (an attribute already at the end of the scale pushed further) are
counted apart, since there the renderer reports rather than fakes.

Run: python benchmarks/bench_promise.py [--trials 12] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from skimage import data

from pertouch.backbone.parametric import REST, ParametricRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.levels import default_scale
from pertouch.core.metrics import measure_raw

PHOTOS = {
    "astronaut": data.astronaut,
    "rocket": data.rocket,
    "coffee": data.coffee,
    "chelsea": data.chelsea,
    "motorcycle": lambda: data.stereo_motorcycle()[0],
}


def regions_of(photo: np.ndarray) -> dict[str, np.ndarray]:
    """Two overlapping-free, real-looking regions: the bright upper part and a central ellipse."""
    h, w = photo.shape[:2]
    yy, xx = np.ogrid[:h, :w]
    centre = ((yy - 0.55 * h) / (0.3 * h)) ** 2 + ((xx - 0.5 * w) / (0.25 * w)) ** 2 < 1
    grey = photo.mean(axis=2)
    top = (yy < 0.35 * h) & (grey > np.median(grey)) & ~centre
    return {"centre": centre.astype(np.uint8) * 255, "top": top.astype(np.uint8) * 255}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=12, help="random states per photo")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print every state that missed")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    renderer, scale = ParametricRenderer(), default_scale()
    kept = broken = unreachable = 0
    worst_edit = worst_keep = 0.0
    start = time.perf_counter()
    for photo_name, load in PHOTOS.items():
        photo = load()
        masks = regions_of(photo)
        full = {**masks, REST: 255 - np.maximum(masks["centre"], masks["top"])}
        before = {k: scale.to_level(v, clip=False) for k, v in measure_raw(photo, full).items()}
        for _ in range(args.trials):
            state = AdjustmentState()
            for _ in range(rng.integers(1, 4)):
                region = str(rng.choice(["centre", "top", "global"]))
                attribute = str(rng.choice([a.value for a in ATTRIBUTES]))
                delta = float(rng.choice([-1, 1]) * rng.uniform(0.1, 0.3))
                state = state.with_edit(region, attribute, round(delta, 2))
            plan = renderer.solve(photo, state, masks)
            out = renderer.apply(photo, plan)
            after = {k: scale.to_level(v, clip=False) for k, v in measure_raw(out, full).items()}
            planned = {name: plan.targets[i] for i, name in enumerate(plan.regions)}
            deltas = state.deltas()
            ok, reachable = True, True
            for region, old in before.items():
                asked = deltas.get("global", 0) + deltas.get(region, 0)
                target = np.clip(np.clip(old, -1, 1) + asked, -1, 1)
                edited = state.edited(region)
                if edited[0]:  # a colour edit: temperature follows it, the white balance is held
                    target[2], edited = planned[region][2], edited | [False, False, True, False]
                if np.any(edited & (np.abs(np.clip(old, -1, 1) + asked) > 0.95)):
                    reachable = False  # asked for the end of the scale or past it
                miss_edit = np.abs(after[region] - target)[edited].max(initial=0)
                miss_keep = np.abs(after[region] - old)[~edited].max(initial=0)
                worst_keep = max(worst_keep, float(miss_keep))
                if reachable:
                    worst_edit = max(worst_edit, float(miss_edit))
                ok &= bool(miss_edit <= 0.05 and miss_keep < 0.02)
            if not reachable:
                unreachable += 1
            elif ok:
                kept += 1
            else:
                broken += 1
                if args.verbose:
                    print(f"  missed on {photo_name}: {state.to_dict()['edits']}")
    total = kept + broken
    print(
        f"{total + unreachable} random states on {len(PHOTOS)} photos in {time.perf_counter() - start:.1f} s"
    )
    print(
        f"promise kept: {kept}/{total} ({100 * kept / max(total, 1):.0f}%) of the reachable states; "
        f"{unreachable} states asked for the end of a scale"
    )
    print(
        f"worst miss on a reachable edited attribute: {worst_edit:.3f} level; "
        f"worst drift of an unedited one: {worst_keep:.3f} level"
    )


if __name__ == "__main__":
    main()
