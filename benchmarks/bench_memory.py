"""Scene memory latency: remember() and recall() with 1k, 10k and 100k records in one user's memory.

    python benchmarks/bench_memory.py [--sizes 1000 10000 100000] [--store DIR] [--server URL]

The store is filled with scenes measured from the real corpus photos and their variants
(``benchmarks/scene_variants.py``), reused round-robin under fresh ids; the timed calls are the
real API (``remember`` and ``recall`` with a measured scene, vectors from the scene space), on the
store reopened after each fill. Measuring a photo is perceive's cost, not the memory's, and is
not timed here.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.corpus import load, photos
from benchmarks.scene_variants import VARIANTS, variant
from pertouch.core.adjustments import Edit
from pertouch.memory.connection import connect
from pertouch.memory.records import MemoryRecord
from pertouch.memory.scene import SceneDescription, describe
from pertouch.memory.store import SceneMemory


def real_scenes() -> list[SceneDescription]:
    """Every corpus photo and variant, measured as perceive does (without the segmenter's people
    and landscape classes, to keep the set-up to a minute; the vectors have the same shape)."""
    scenes = []
    for photo in photos():
        base = load(photo, 512)
        scenes += [describe(variant(base, name), {}) for name in VARIANTS]
    return scenes


def fill(
    memory: SceneMemory,
    user: str,
    target: int,
    pool: list[SceneDescription],
    rng: random.Random,
) -> None:
    with memory.connection.session(write=True) as client:
        collection = memory.users.collection_for(client, user)
        have = collection.count()
        batch = min(5000, client.get_max_batch_size())
        while have < target:
            n = min(batch, target - have)
            picks = [rng.choice(pool) for _ in range(n)]
            records = [
                MemoryRecord(
                    f"fill-{have + i}",
                    s,
                    (Edit("global", "temperature", 0.1),),
                    "warmer",
                    time.time(),
                )
                for i, s in enumerate(picks)
            ]
            collection.add(
                ids=[r.id for r in records],
                embeddings=[memory.space.vector(s.measurements) for s in picks],  # type: ignore[misc]
                documents=[r.document() for r in records],
                metadatas=[r.metadata() for r in records],  # type: ignore[misc]
            )
            have += n


def timed(call, repeats: int) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--store", help="folder for the embedded store (default: a temporary one)")
    parser.add_argument("--server", help="a Chroma server URL instead of an embedded store")
    args = parser.parse_args()
    location = args.server or args.store or tempfile.mkdtemp(prefix="pertouch-bench-")
    memory = SceneMemory(connect(location))
    user = f"bench-{int(time.time())}"
    memory.users.create(user)
    rng = random.Random(0)
    pool = real_scenes()
    print(f"store: {memory.connection.describe()}")
    print(
        f"{'records':>8} {'add median':>11} {'add p95':>8} {'recall median':>14} {'recall p95':>11}  (ms)"
    )
    for size in sorted(args.sizes):
        fill(memory, user, size, pool, rng)
        # Measure the store as a process finds it, not straight after a bulk load in this one:
        # chromadb 1.5 answers queries ~20x slower in the process that just bulk-inserted 100k.
        memory.connection.close()
        add = timed(
            lambda: memory.remember(
                user, rng.choice(pool), [Edit("global", "temperature", 0.2)], "warmer"
            ),
            args.repeats,
        )
        recall = timed(lambda: memory.recall(user, rng.choice(pool)), args.repeats)
        print(
            f"{size:>8} {add[0]:>11.1f} {add[1]:>8.1f} {recall[0]:>14.1f} {recall[1]:>11.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
