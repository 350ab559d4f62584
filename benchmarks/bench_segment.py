"""Segmentation time per phrase and for propose, on ~1 MP and ~12 MP versions of a real photo.

    .venv/bin/python benchmarks/bench_segment.py [--repeats 3]

"cold" is the first phrase on a new photo (analysis + detection + refinement), "warm" a second
phrase on the same photo (analysis cached), "cached" the same phrase again. Target: a cold phrase
under 0.5 s at 1 MP on a 2-core laptop CPU. Mediapipe's graphs are loaded before timing. "cold
cpu" is the CPU time of the cold phrase (all threads): on a machine shared with other work the
wall-clock columns grow with the load, the CPU time does not.
"""

from __future__ import annotations

import argparse
import os
import time

import cv2
import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _photo(megapixels: float, seed: int) -> np.ndarray:
    from skimage import data

    base = data.astronaut()
    scale = np.sqrt(megapixels * 1e6 / (base.shape[0] * base.shape[1]))
    size = (
        round(base.shape[1] * scale * 4 / 3),
        round(base.shape[0] * scale * 3 / 4),
    )  # stretched to 16:9
    image = cv2.resize(base, size, interpolation=cv2.INTER_CUBIC)
    noise = np.random.default_rng(seed).integers(-2, 3, image.shape, dtype=np.int16)
    return np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)  # a new photo per run


def _time(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _cpu(fn, *args) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    from pertouch.tools.segmentation import OfflineSegmenter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    segmenter = OfflineSegmenter()
    segmenter.segment(_photo(0.3, 0), "the faces")  # load the mediapipe graphs
    header = ("photo", "phrase", "cold s", "cold cpu", "warm s", "cached s", "propose s")
    print("{:>10} {:>14} {:>8} {:>9} {:>8} {:>9} {:>10}".format(*header))
    for megapixels in (1.0, 12.0):
        for phrase, second in (("the sky", "the shadows"), ("the faces", "the background")):
            rows = []
            for repeat in range(args.repeats):
                image = _photo(megapixels, seed=repeat + 1)
                cold, cold_cpu = _cpu(segmenter.segment, image, phrase)
                warm = _time(segmenter.segment, image, second)
                cached = _time(segmenter.segment, image, phrase)
                fresh = _photo(megapixels, seed=100 + repeat)
                propose = _time(segmenter.propose, fresh)
                rows.append((cold, cold_cpu, warm, cached, propose))
            cold, cold_cpu, warm, cached, propose = np.median(rows, axis=0)
            shape = _photo(megapixels, 0).shape
            label = f"{shape[1]}x{shape[0]}"
            print(
                f"{label:>10} {phrase:>14} {cold:8.3f} {cold_cpu:9.3f} {warm:8.3f} {cached:9.4f} "
                f"{propose:10.3f}"
            )


if __name__ == "__main__":
    main()
