"""Fixtures for the memory: one MiniLM per session, stores embedded or on a real Chroma server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model must load without a network

from pertouch.memory.scene import SceneDescription, describe

DAY = 86_400.0


class Clock:
    """A settable clock, so recency is under the test's control."""

    def __init__(self, now: float = 1.8e9):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, days: float) -> None:
        self.now += days * DAY


@pytest.fixture(scope="session")
def embedder():
    from pertouch.providers.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory) -> Iterator[str]:
    """A real `chroma run` on 127.0.0.1, started for this test session and stopped after it."""
    chroma = Path(sys.executable).with_name("chroma")
    port = _free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = open(folder / "server.log", "w")
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(folder / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # up to 30 s
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(
                        f"chroma run exited early: {(folder / 'server.log').read_text()[-2000:]}"
                    )
                time.sleep(0.25)
        else:
            pytest.fail("chroma run did not answer within 30 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(params=["embedded", "server"])
def location(request, tmp_path) -> Iterator[str]:
    """Where a test's store lives: a fresh folder, or the session's server emptied first."""
    if request.param == "embedded":
        yield str(tmp_path / "memory")
        return
    import chromadb
    from chromadb.config import Settings

    url = request.getfixturevalue("chroma_server")
    host, port = url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(
        host=host, port=int(port), settings=Settings(anonymized_telemetry=False)
    )
    for collection in client.list_collections():
        client.delete_collection(collection.name)
    yield url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def memory(location, embedder, clock):
    from pertouch.memory.connection import connect
    from pertouch.memory.store import SceneMemory

    connection = connect(location)
    yield SceneMemory(connection, embedder, clock=clock)
    connection.close()


def _describe(name: str, *variants: str) -> SceneDescription:
    """A scikit-image photo (optionally varied) described as perceive does it."""
    from skimage import data

    from benchmarks.scene_variants import variant
    from pertouch.tools.segmentation import OfflineSegmenter

    pixels = getattr(data, name)()
    pixels = pixels[0] if isinstance(pixels, tuple) else pixels
    for change in variants:
        pixels = variant(pixels, change)
    with OfflineSegmenter(cache_size=1) as segmenter:
        return describe(pixels, segmenter.propose(pixels))


# Real photos, measured once per test session. A crop, mirror image or white-balance nudge of a
# photo stands for "the next photo like it"; the others are far from it (cosine below the cut-off).
LAUNCH = _describe("rocket")  # a launch pad at dusk: sky and towers
LAUNCH_NEXT = _describe("rocket", "crop", "mirror")
CUP = _describe("coffee")  # a cup on a wooden table, close
CUP_NEXT = _describe("coffee", "crop", "warmer")
CAT = _describe("chelsea")
ASTRONAUT = _describe("astronaut")  # a portrait: a face the segmenter finds
