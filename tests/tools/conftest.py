"""Shared fixtures: real photos from scikit-image's wheel and one segmenter per test session."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded during tests


@pytest.fixture(scope="session")
def photos() -> dict[str, np.ndarray]:
    from skimage import data

    return {
        "astronaut": data.astronaut(),
        "rocket": data.rocket(),
        "coffee": data.coffee(),
        "chelsea": data.chelsea(),
        "motorcycle": data.stereo_motorcycle()[0],
    }


@pytest.fixture(scope="session")
def segmenter():
    from pertouch.tools.segmentation import OfflineSegmenter

    with OfflineSegmenter(cache_size=8) as seg:
        yield seg


@pytest.fixture(scope="session")
def embedder():
    from pertouch.providers.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def face_boxes(photos):
    """Face boxes from OpenCV's Haar cascade: an independent check on where faces are."""
    import cv2

    def boxes(name: str) -> list[tuple[int, int, int, int]]:
        grey = cv2.cvtColor(photos[name], cv2.COLOR_RGB2GRAY)
        cascade = cv2.CascadeClassifier(
            cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        )
        return [
            tuple(int(v) for v in b)
            for b in cascade.detectMultiScale(grey, 1.1, 5, minSize=(40, 40))
        ]

    return boxes
