"""Render a 12-megapixel photo with 4 regions x 4 attributes; print time, memory and accuracy.

The photo is scikit-image's coffee photo upscaled to 4240 x 2832; the regions are made from the
photo itself (its shadows, the cup, the top band, the left third), each with four edits. Reported:
the median of 5 full renders (solve + apply), the solve alone, the peak memory the render allocates
(tracemalloc sees numpy's buffers) and the process's peak RSS, the ratio to a plain memory pass
(uint8 -> float32 -> uint8 over the same pixels), and how far the rendered regions land from their
targets when measured on the full-resolution result.

Run: python benchmarks/bench_render.py [--megapixels 12] [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import cv2
import numpy as np
from skimage import data

from pertouch.backbone.parametric import REST, ParametricRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.levels import default_scale
from pertouch.core.metrics import measure_raw


def make_photo(megapixels: float) -> np.ndarray:
    small = data.coffee()
    h, w = small.shape[:2]
    scale = (megapixels * 1e6 / (h * w)) ** 0.5
    return cv2.resize(small, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_CUBIC)


def make_masks(photo: np.ndarray) -> dict[str, np.ndarray]:
    h, w = photo.shape[:2]
    grey = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)
    yy, xx = np.ogrid[:h, :w]
    cup = ((yy - 0.55 * h) / (0.33 * h)) ** 2 + ((xx - 0.5 * w) / (0.3 * w)) ** 2 < 1
    shadows = cv2.GaussianBlur((grey < 70).astype(np.float32), (0, 0), 3) * ~cup
    top = np.broadcast_to(yy < 0.2 * h, (h, w)) & ~cup
    left = np.broadcast_to(xx < w / 3, (h, w)) & ~cup & ~top
    return {
        "cup": cup.astype(np.uint8) * 255,
        "shadows": (np.clip(shadows, 0, 1) * 255).astype(np.uint8),
        "top": top.astype(np.uint8) * 255,
        "left": (left & (shadows < 0.5)).astype(np.uint8) * 255,
    }


def make_state() -> AdjustmentState:
    state = AdjustmentState()
    edits = {
        "cup": (-0.1, 0.1, -0.1, 0.15),
        "shadows": (-0.05, 0.05, -0.1, 0.15),
        "top": (-0.1, 0.1, -0.15, -0.1),
        "left": (-0.15, -0.1, -0.1, 0.1),
    }
    for region, deltas in edits.items():
        for attribute, delta in zip(
            ("colorfulness", "contrast", "temperature", "brightness"), deltas, strict=True
        ):
            state = state.with_edit(region, attribute, delta)
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    photo = make_photo(args.megapixels)
    masks = make_masks(photo)
    state = make_state()
    renderer = ParametricRenderer()
    print(
        f"photo {photo.shape[1]}x{photo.shape[0]} ({photo.shape[0] * photo.shape[1] / 1e6:.1f} MP), "
        f"{len(masks)} regions x 4 attributes, {renderer.config.workers or 'all'} workers"
    )

    renderer.render(photo, state, masks)  # warm-up
    totals, solves = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        plan = renderer.solve(photo, state, masks)
        solved = time.perf_counter()
        out = renderer.apply(photo, plan)
        totals.append(time.perf_counter() - start)
        solves.append(solved - start)

    passes = []
    for _ in range(args.runs):
        start = time.perf_counter()
        as_float = photo.astype(np.float32) * np.float32(1 / 255)
        _ = (as_float * np.float32(255) + np.float32(0.5)).astype(np.uint8)
        passes.append(time.perf_counter() - start)
    del as_float

    tracemalloc.start()
    renderer.render(photo, state, masks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    median = statistics.median(totals)
    plain = statistics.median(passes)
    print(
        f"render median of {args.runs}: {median:.3f} s (solve {statistics.median(solves):.3f} s, "
        f"apply {median - statistics.median(solves):.3f} s)"
    )
    print(f"plain memory pass: {plain:.3f} s; render / plain = {median / plain:.1f}x")
    print(
        f"peak memory allocated by one render: {peak / 2**20:.0f} MiB "
        f"(the photo itself is {photo.nbytes / 2**20:.0f} MiB, masks {sum(m.nbytes for m in masks.values()) / 2**20:.0f} MiB)"
    )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")

    scale = default_scale()
    all_masks = dict(masks)
    all_masks[REST] = 255 - np.maximum.reduce(list(masks.values()))
    reached = {k: scale.to_level(v, clip=False) for k, v in measure_raw(out, all_masks).items()}
    worst_edit = worst_kept = 0.0
    for i, name in enumerate(plan.regions):
        err = np.abs(reached[name] - plan.targets[i])
        edited = state.edited(name)
        worst_edit = max(worst_edit, float(err[edited].max(initial=0)))
        worst_kept = max(worst_kept, float(err[~edited].max(initial=0)))
    print(f"solver converged: {plan.converged} in {plan.iterations} iterations")
    print(
        f"full-resolution result vs targets: edited attributes within {worst_edit:.4f} level, "
        f"unedited within {worst_kept:.4f}"
    )


if __name__ == "__main__":
    main()
