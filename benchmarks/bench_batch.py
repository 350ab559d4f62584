"""A shoot of 12 MP photos through ``pertouch batch``: photos per minute, memory per worker, store.

The photos are real ones from the corpus (dev split, in turn), upscaled to 12 MP and saved as
JPEGs with EXIF, once, into ``--photos`` (reused by later runs). Each look runs with 1 and with 2
workers into a fresh output folder and a fresh PerTouch home whose image store has a budget:

- ``state``: a saved state (the whole photo warmer, the sky more colourful);
- ``match``: every photo matched to the first one retouched with that state;
- ``instruction``: "warmer, and lift the faces", the agent (segmentation included) on each photo.

Reported per run: photos per minute (wall clock from the first photo to the last, worker start-up
included), CPU seconds per photo (this process and its workers), peak resident memory per worker,
the image store's size afterwards against its budget, and the load average (the machine is shared).

Run: python benchmarks/bench_batch.py [--count 24] [--looks state,match,instruction] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
from PIL import Image

from benchmarks.corpus import load, photos
from pertouch.batch.photo import BatchOptions
from pertouch.batch.run import BatchRequest, LookRequest, run_batch
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.imageio import save_photo
from pertouch.settings import Settings

STATE = (
    AdjustmentState()
    .with_edit("global", "temperature", 0.15)
    .with_edit("sky", "colorfulness", 0.15)
)
INSTRUCTION = "warmer, and lift the faces"
STORE_BUDGET = 512 * 2**20


def make_photos(folder: Path, count: int, megapixels: float = 12.0) -> list[Path]:
    """``count`` JPEGs of ``megapixels``, upscaled from the corpus's dev photos in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = photos("dev")
    exif = Image.Exif()
    exif[271], exif[272] = "PerTouch", "Benchmark"
    paths = []
    for index in range(count):
        path = folder / f"IMG_{index:04d}.jpg"
        paths.append(path)
        if path.exists():
            continue
        small = load(sources[index % len(sources)], max_side=1280)
        scale = (megapixels * 1e6 / (small.shape[0] * small.shape[1])) ** 0.5
        size = (round(small.shape[1] * scale), round(small.shape[0] * scale))
        save_photo(
            path,
            cv2.resize(small, size, interpolation=cv2.INTER_CUBIC),
            exif=exif.tobytes(),
            quality=92,
        )
    return paths


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(look: str, workers: int, shoot: Path, scratch: Path) -> dict[str, object]:
    home, out = scratch / f"home-{look}-{workers}", scratch / f"out-{look}-{workers}"
    settings = Settings.from_env({}, home=home, store_budget=STORE_BUDGET)
    request = LookRequest(
        instruction=INSTRUCTION if look == "instruction" else "",
        state=STATE if look in ("state", "match") else None,
        match=sorted(shoot.glob("*.jpg"))[0] if look == "match" else None,
    )
    load_before = os.getloadavg()[0]
    cpu = cpu_seconds()
    start = time.perf_counter()
    summary = run_batch(
        BatchRequest(
            shoot,
            out,
            request,
            workers=workers,
            options=BatchOptions(quality=92),
            show_progress=False,
        ),
        settings,
    )
    wall = time.perf_counter() - start
    return {
        "look": look,
        "workers": workers,
        "photos": summary.photos,
        "done": summary.done,
        "failed": summary.failed,
        "photos_per_minute": summary.photos_per_minute,
        "wall_s_with_setup": round(wall, 1),
        "cpu_s_per_photo": round((cpu_seconds() - cpu) / max(1, summary.done), 2),
        "peak_mb_per_worker": sorted(summary.peak_mb_per_worker.values()),
        "store_mb": round(summary.store_bytes / 2**20, 1),
        "store_budget_mb": round(STORE_BUDGET / 2**20),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument(
        "--photos", type=Path, default=Path(tempfile.gettempdir()) / "pertouch-bench-batch"
    )
    parser.add_argument("--looks", default="state,match,instruction")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # LOOK,WORKERS,SCRATCH: one run, here
    args = parser.parse_args()
    shoot = args.photos / f"shoot-{args.count}"
    if args.one:
        look, workers, scratch = args.one.split(",", 2)
        print(json.dumps(run(look, int(workers), shoot, Path(scratch))), flush=True)
        return
    make_photos(shoot, args.count)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as scratch:
        for look in args.looks.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                # a process of its own per run, so one worker's peak memory is its own
                one = f"{look},{workers},{scratch}"
                command = [
                    sys.executable,
                    __file__,
                    "--count",
                    str(args.count),
                    "--photos",
                    str(args.photos),
                    "--one",
                    one,
                ]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                row = json.loads(done.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(
        f"\n{'look':<12} {'workers':>7} {'photos/min':>10} {'cpu s/photo':>11} {'peak MB/worker':>16} {'store MB':>9} {'load':>9}",
        file=sys.stderr,
    )
    for row in rows:
        peaks = "/".join(f"{mb:.0f}" for mb in row["peak_mb_per_worker"])  # type: ignore[attr-defined]
        load = "->".join(str(v) for v in row["load_average"])  # type: ignore[attr-defined]
        print(
            f"{row['look']:<12} {row['workers']:>7} {row['photos_per_minute']:>10} {row['cpu_s_per_photo']:>11} "
            f"{peaks:>16} {row['store_mb']:>9} {load:>9}",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
