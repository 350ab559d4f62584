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

from pertouch.memory.scene import RegionSummary, SceneDescription

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


def scene(kind: str, *regions: tuple[str, float, str], **fields: str) -> SceneDescription:
    """A scene description as perceive would produce it."""
    return SceneDescription(tuple(RegionSummary(n, a, c) for n, a, c in regions), kind, **fields)


BEACH = scene(
    "beach",
    ("sky", 0.4, "pale blue"),
    ("water", 0.25, "blue"),
    ("ground", 0.3, "beige"),
    setting="outdoor",
    time_of_day="day",
    lighting="bright",
)
BEACH_NEW = scene(
    "beach",
    ("water", 0.45, "cyan"),
    ("sky", 0.2, "blue"),
    ("ground", 0.2, "pale orange"),
    ("person", 0.05, "grey"),
    setting="outdoor",
    time_of_day="golden hour",
    colour_cast="warm",
    people="people",
)
SNOW = scene(
    "snow",
    ("ground", 0.6, "white"),
    ("sky", 0.3, "pale blue"),
    ("vegetation", 0.08, "dark green"),
    setting="outdoor",
    colour_cast="cool",
)
SNOW_NEW = scene(
    "snow",
    ("ground", 0.7, "white"),
    ("mountains", 0.2, "grey"),
    ("sky", 0.1, "blue"),
    setting="outdoor",
    lighting="backlit",
)
COFFEE = scene(
    "indoor",
    ("subject", 0.5, "orange"),
    ("ground", 0.3, "dark red"),
    setting="indoor",
    lighting="dim",
    colour_cast="warm",
)
PORTRAIT = scene(
    "portrait",
    ("person", 0.5, "grey"),
    ("face", 0.1, "orange"),
    setting="indoor",
    people="portrait",
)
