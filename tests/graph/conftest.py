"""Agent fixtures: one offline segmenter per session, a store per test, real photos on disk."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def agent_segmenter():
    from pertouch.tools.segmentation import OfflineSegmenter

    with OfflineSegmenter(cache_size=8) as segmenter:
        yield segmenter


@pytest.fixture(scope="session")
def photo_files(tmp_path_factory) -> dict[str, str]:
    from skimage import data

    folder = tmp_path_factory.mktemp("photos")
    paths = {}
    for name, pixels in {"astronaut": data.astronaut(), "rocket": data.rocket()}.items():
        paths[name] = str(folder / f"{name}.png")
        Image.fromarray(np.ascontiguousarray(pixels)).save(paths[name])
    return paths


@pytest.fixture
def store(tmp_path):
    from pertouch.core.store import ImageStore

    return ImageStore(tmp_path / "store")


@pytest.fixture
def make_graph(agent_segmenter, store):
    from langgraph.checkpoint.memory import InMemorySaver

    from pertouch.graph.graph import build_graph

    def make(model=None, **kwargs):
        return build_graph(
            model=model,
            segmenter=agent_segmenter,
            store=store,
            checkpointer=InMemorySaver(),
            **kwargs,
        )

    return make


def run_turn(graph, thread: str, instruction: str, photo: str | None = None, **context):
    """One turn through the graph; returns (final values, custom progress events)."""
    from pertouch.graph.context import Context

    payload = {"instruction": instruction}
    if photo:
        payload["photo"] = photo
    config = {"configurable": {"thread_id": thread}, "recursion_limit": 60}
    events = [
        chunk
        for mode, chunk in graph.stream(
            payload, config, context=Context(**context), stream_mode=["custom", "updates"]
        )
        if mode == "custom"
    ]
    return graph.get_state(config).values, events
