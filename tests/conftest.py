"""Shared fixtures: real photos from scikit-image's wheel, and an offline environment."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import numpy as np
import pytest
from skimage import data

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return data.astronaut()


@pytest.fixture(scope="session")
def coffee() -> np.ndarray:
    return data.coffee()


@pytest.fixture(scope="session")
def rocket() -> np.ndarray:
    return data.rocket()


@pytest.fixture(scope="session")
def chelsea() -> np.ndarray:
    return data.chelsea()


@pytest.fixture
def silent_url() -> Iterator[str]:
    """An OpenAI-style address on 127.0.0.1 whose server accepts connections and never answers."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        yield f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
    finally:
        silent.close()
