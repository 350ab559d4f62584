"""A small shoot of real photos (scikit-image's), written as JPEGs with EXIF, for batch tests."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from pertouch.core.imageio import save_photo
from pertouch.settings import Settings

NAMES = ("astronaut", "coffee", "chelsea", "rocket", "motorcycle")
_SOURCES = {"motorcycle": "stereo_motorcycle"}
#: Long side of the test photos: small enough for a quick batch, large enough to segment.
SIZE = 384


def small(pixels: np.ndarray, size: int = SIZE) -> np.ndarray:
    height, width = pixels.shape[:2]
    scale = size / max(height, width)
    return cv2.resize(
        pixels, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    )


def camera_exif(model: str = "Shoot Camera") -> bytes:
    exif = Image.Exif()
    exif[271], exif[272] = "PerTouch", model
    return exif.tobytes()


def write_shoot(folder: Path, names: tuple[str, ...] = NAMES) -> dict[str, np.ndarray]:
    """JPEGs of scikit-image photos in ``folder``; returns the pixels written, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in names:
        pixels = getattr(data, _SOURCES.get(name, name))()
        pixels = small(pixels[0] if isinstance(pixels, tuple) else pixels)
        if pixels.ndim == 2:
            pixels = np.repeat(pixels[..., None], 3, axis=2)
        save_photo(folder / f"{name}.jpg", pixels, exif=camera_exif())
        written[f"{name}.jpg"] = pixels
    return written


@pytest.fixture
def shoot(tmp_path) -> Path:
    folder = tmp_path / "shoot"
    write_shoot(folder)
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """PERTOUCH_HOME in the test's folder, so threads and the store are the test's own."""
    path = tmp_path / "home"
    monkeypatch.setenv("PERTOUCH_HOME", str(path))
    monkeypatch.setenv("PERTOUCH_MEMORY", str(tmp_path / "memory"))
    return path


@pytest.fixture
def settings(home) -> Settings:
    return Settings.from_env({}, home=home)


@pytest.fixture
def warmer(tmp_path) -> Path:
    """A saved state: the whole photo warmer, the sky more colourful."""
    path = tmp_path / "warmer.json"
    state = {
        "baseline": "as_shot",
        "edits": [
            {"region": "global", "attribute": "temperature", "delta": 0.2},
            {"region": "sky", "attribute": "colorfulness", "delta": 0.15},
        ],
    }
    path.write_text(json.dumps(state))
    return path


def manifest_records(folder: Path) -> list[dict]:
    lines = (folder / "pertouch-batch.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]
