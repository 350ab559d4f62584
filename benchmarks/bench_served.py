"""Turn time served (``langgraph dev`` + the SDK, photo as data) against the same graph in-process.

    python benchmarks/bench_served.py --runs 3

A thread is two turns on a 1280x800 photo: "make the sky a bit bluer" (the photo sent as a data
URL) and "a bit less"; the second is also timed with the full-resolution PNG asked for. Needs the
``serve`` extra (``python scripts/install_serve.py``). Nothing is asserted: it prints medians.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
from PIL import Image
from skimage import data

ROOT = Path(__file__).resolve().parents[1]
TURNS = ("make the sky a bit bluer", "a bit less")


def photo_data_url() -> str:
    pixels = cv2.resize(data.rocket(), (1280, 800), interpolation=cv2.INTER_CUBIC)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=92)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def timed_thread(
    run: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]], photo: str, image: str
) -> list[float]:
    """Seconds for each turn of one thread; ``run(input, context)`` returns the turn's output."""
    times = []
    for i, words in enumerate(TURNS):
        payload = {"instruction": words, **({"photo": photo} if i == 0 else {})}
        start = time.perf_counter()
        out = run(payload, {"image": image if i else "preview"})
        times.append(time.perf_counter() - start)
        if out["error"]:
            raise SystemExit(out["error"])
    return times


def local(photo: str, runs: int, home: Path) -> dict[str, list[list[float]]]:
    from pertouch.deployment import ServedAgents
    from pertouch.settings import Settings

    agents = ServedAgents(Settings(home=home / "local"))
    graph = agents.graph_for({})
    results: dict[str, list[list[float]]] = {"preview": [], "full": []}
    for n in range(runs + 1):
        for image in results:
            config = {"configurable": {"thread_id": f"{image}-{n}"}, "recursion_limit": 60}
            times = timed_thread(
                lambda p, c, cfg=config: graph.invoke(p, cfg, context=c), photo, image
            )
            if n:  # the first thread warms up (models, caches)
                results[image].append(times)
    agents.close()
    return results


def served(photo: str, runs: int, home: Path) -> dict[str, list[list[float]]]:
    from langgraph_sdk import get_sync_client

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PERTOUCH_HOME": str(home / "served"), "HF_HUB_OFFLINE": "1"}
    env["PERTOUCH_MEMORY"] = str(home / "memory")
    command = [str(Path(sys.executable).with_name("langgraph")), "dev", "--no-browser"]
    command += ["--no-reload", "--port", str(port), "--config", str(ROOT / "langgraph.json")]
    with open(home / "server.log", "wb") as log:
        process = subprocess.Popen(
            command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/ok", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        client = get_sync_client(url=url, timeout=300)
        results: dict[str, list[list[float]]] = {"preview": [], "full": []}
        for n in range(runs + 1):
            for image in results:
                thread = client.threads.create()["thread_id"]

                def run(payload: dict[str, Any], context: dict[str, Any], t: str = thread) -> Any:
                    return client.runs.wait(t, "pertouch", input=payload, context=context)

                times = timed_thread(run, photo, image)
                if n:
                    results[image].append(times)
        return results
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    photo = photo_data_url()
    with tempfile.TemporaryDirectory() as folder:
        for name, measure in (("in-process", local), ("served", served)):
            results = measure(photo, args.runs, Path(folder))
            for image, threads in results.items():
                first = statistics.median(t[0] for t in threads)
                second = statistics.median(t[1] for t in threads)
                print(
                    f"{name:>10}: turn 1 (photo as data, preview) {first:.2f} s, "
                    f"turn 2 ('a bit less', {image}) {second:.2f} s  [median of {args.runs}]"
                )


if __name__ == "__main__":
    main()
