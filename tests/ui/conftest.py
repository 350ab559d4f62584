"""The app served once for the UI tests, on 127.0.0.1 with its own home and memory folders."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytest.importorskip("gradio")

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def photos(tmp_path_factory) -> dict[str, Path]:
    """Two real photos: a landscape with sky (rocket) and a portrait (astronaut)."""
    from skimage import data

    folder = tmp_path_factory.mktemp("photos")
    rocket, astronaut = folder / "rocket.jpg", folder / "astronaut.png"
    Image.fromarray(data.rocket()).save(rocket, quality=95)
    Image.fromarray(data.astronaut()).save(astronaut)
    return {"rocket": rocket, "astronaut": astronaut}


@pytest.fixture(scope="session")
def studio(tmp_path_factory):
    from pertouch.services import Settings
    from pertouch.studio import open_studio

    base = tmp_path_factory.mktemp("studio")
    return open_studio(Settings(home=base / "home", memory=str(base / "memory")))


@pytest.fixture(scope="session")
def app_url(studio) -> Iterator[str]:
    from pertouch.ui.app import launch

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = launch(studio, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()
