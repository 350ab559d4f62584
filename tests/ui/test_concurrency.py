"""Two people at once: their turns run at the same time, and neither sees the other's photo.

The app here renders through a renderer that makes each person's first render wait until the
other's has started (a barrier). Turns that queued behind one another would never meet there,
and the first would fail after the barrier's timeout; turns that overlap pass straight through.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")
MEETING_TIMEOUT_S = 60.0


class MeetingRenderer:
    """The parametric renderer, whose first render per photo waits for the other photo's."""

    def __init__(self, parties: int = 2) -> None:
        from pertouch.backbone.parametric import ParametricRenderer

        self.renderer = ParametricRenderer()
        self.barrier = threading.Barrier(parties, timeout=MEETING_TIMEOUT_S)
        self.met: set[tuple[int, ...]] = set()
        self.spans: list[tuple[tuple[int, ...], float, float]] = []
        self._lock = threading.Lock()

    def render(self, image: Any, state: Any, masks: Any) -> Any:
        start = time.monotonic()
        with self._lock:
            first = image.shape not in self.met
            self.met.add(image.shape)
        if first:
            self.barrier.wait()  # BrokenBarrierError if the other turn never renders meanwhile
        out = self.renderer.render(image, state, masks)
        with self._lock:
            self.spans.append((image.shape, start, time.monotonic()))
        return out


@pytest.fixture(scope="module")
def meeting() -> MeetingRenderer:
    return MeetingRenderer()


@pytest.fixture(scope="module")
def two_worker_app(tmp_path_factory, meeting) -> Iterator[str]:
    from pertouch.services import Settings
    from pertouch.studio import open_studio
    from pertouch.ui.app import launch

    base = tmp_path_factory.mktemp("two-workers")
    studio = open_studio(Settings(home=base / "home", workers=2), renderer=meeting)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = launch(studio, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()
    studio.close()


def _pixels(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(np.int16)


def test_two_sessions_turns_overlap_and_stay_apart(two_worker_app, photos, meeting):
    people = {name: gradio_client.Client(two_worker_app, verbose=False) for name in photos}
    for name, client in people.items():
        client.predict(gradio_client.handle_file(str(photos[name])), api_name="/upload")
    jobs = {
        name: client.submit("make it a little warmer", None, True, [], api_name="/send")
        for name, client in people.items()
    }
    results = {name: job.result(timeout=2 * MEETING_TIMEOUT_S) for name, job in jobs.items()}

    spans = {shape: (start, end) for shape, start, end in meeting.spans}
    assert len(spans) == 2
    (a_start, a_end), (b_start, b_end) = spans.values()
    assert a_start < b_end and b_start < a_end  # the two renders were in flight together

    for name, sent in results.items():
        original = _pixels(str(photos[name]))
        assert "Done in" in sent[0][-1]["content"][0]["text"]
        download = sent[5]["value"] if isinstance(sent[5], dict) else sent[5]
        result = _pixels(download)
        assert result.shape == original.shape  # its own photo, at full resolution
        assert np.abs(result - original).mean() < 12.0  # retouched, not replaced
        assert Path(download).name.startswith(Path(photos[name]).stem)
