"""Time one full offline agent turn: a strong instruction naming two regions, at 1 and 12 MP.

The photo is scikit-image's astronaut (a face, a person, a background) resized to about 1 and
12 megapixels. One turn is perceive -> classify -> plan/tools (segment both regions, set edits)
-> render -> critique -> respond, with the offline model, offline segmenter and parametric
renderer, as ``pertouch retouch`` runs it (minus file I/O). Each size gets a fresh graph and
segmenter, so the time includes the photo's analysis; the first (warm-up) turn on a tiny photo
loads mediapipe. Reported: the median of ``--runs`` turns and the rounds each took.

Run: python benchmarks/bench_agent.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import cv2
import numpy as np
from langgraph.checkpoint.memory import InMemorySaver
from skimage import data

from pertouch.core.store import ImageStore
from pertouch.graph.context import Context
from pertouch.graph.graph import build_graph
from pertouch.tools.segmentation import OfflineSegmenter

INSTRUCTION = "brighten the face a little and make the background cooler"
TARGET_1MP_SECONDS = 2.0


def photo_of(megapixels: float) -> np.ndarray:
    base = data.astronaut()
    side = round((megapixels * 1e6) ** 0.5)
    return cv2.resize(base, (side, side), interpolation=cv2.INTER_CUBIC)


def one_turn(pixels: np.ndarray, store: ImageStore, thread: str) -> tuple[float, int]:
    graph = build_graph(segmenter=OfflineSegmenter(), store=store, checkpointer=InMemorySaver())
    ref = store.put(pixels)
    config = {"configurable": {"thread_id": thread}, "recursion_limit": 60}
    start = time.perf_counter()
    values = graph.invoke({"instruction": INSTRUCTION, "photo": ref}, config, context=Context())
    elapsed = time.perf_counter() - start
    assert not values["error"], values["error"]
    return elapsed, len(values["rounds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = ImageStore(folder)
        one_turn(photo_of(0.1), store, "warm-up")
        for megapixels in (1, 12):
            pixels = photo_of(megapixels)
            results = [one_turn(pixels, store, f"{megapixels}-{i}") for i in range(args.runs)]
            times = [t for t, _ in results]
            rounds = [r for _, r in results]
            note = ""
            if megapixels == 1:
                note = f"  (target < {TARGET_1MP_SECONDS:.0f} s: {'met' if statistics.median(times) < TARGET_1MP_SECONDS else 'MISSED'})"
            print(
                f"{megapixels:>2} MP ({pixels.shape[1]}x{pixels.shape[0]}): one offline turn "
                f"median {statistics.median(times):.2f} s over {args.runs} runs "
                f"[{', '.join(f'{t:.2f}' for t in times)}], rounds {rounds}{note}"
            )


if __name__ == "__main__":
    main()
