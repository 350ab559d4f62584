"""The folder layouts of training data: the raw pairs, and what preparation writes.

Raw pairs (the reference's layout)::

    DATA/input/a0001.jpg  DATA/expertA/a0001.jpg  DATA/expertB/a0001.jpg ...

``input/`` holds the originals; every other folder is one expert and holds the same file names.
Prepared data::

    OUT/manifest.json               experts, names, map size, where the photos are
    OUT/scale.json                  the level scale the maps are expressed in (metrics=project)
    OUT/quantile_scale.json         the quantile scale instead (metrics=reference)
    OUT/regions/EXPERT/NAME.npz     label map and raw metrics per region (stage 1, resumable)
    OUT/maps/EXPERT/NAME.npz        the parameter map, float16 (4, H, W), compressed
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import write_atomic

INPUT_DIR = "input"
#: The scale file of each metric set, in prepared folders and in finished checkpoints.
SCALE_FILES = {"project": "scale.json", "reference": "quantile_scale.json"}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}


class DataError(PerTouchError):
    """Training data is missing, mismatched or not prepared."""


@dataclass(frozen=True)
class PairLayout:
    """The originals and experts of a raw data folder, checked to match.

    Attributes:
        root: the data folder.
        experts: expert folder names, sorted.
        names: photo file names present in ``input/`` and in every expert folder, sorted.
    """

    root: Path
    experts: tuple[str, ...]
    names: tuple[str, ...]

    def input_path(self, name: str) -> Path:
        return self.root / INPUT_DIR / name

    def expert_path(self, expert: str, name: str) -> Path:
        return self.root / expert / name


def scan_pairs(root: str | Path, check_sizes: bool = True) -> PairLayout:
    """Find and check the pairs under ``root``.

    Raises:
        DataError: ``input/`` or the experts are missing, a folder lacks or adds file names, or an
            expert's photo differs in size from its original.
    """
    root = Path(root).expanduser()
    inputs = root / INPUT_DIR
    if not inputs.is_dir():
        raise DataError(
            f"{str(root)!r} has no {INPUT_DIR}/ folder; put the originals in {INPUT_DIR}/ and each "
            "expert's versions in a folder of its own with the same file names."
        )
    experts = tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != INPUT_DIR))
    experts = tuple(e for e in experts if not e.startswith("."))
    if not experts:
        raise DataError(f"{str(root)!r} has {INPUT_DIR}/ but no expert folder beside it.")
    names = _photos(inputs)
    if not names:
        raise DataError(f"{str(inputs)!r} holds no photos (JPEG, PNG, TIFF or WebP).")
    for expert in experts:
        theirs = _photos(root / expert)
        missing, extra = sorted(set(names) - set(theirs)), sorted(set(theirs) - set(names))
        if missing or extra:
            which = (
                f"lacks {missing[0]!r}"
                if missing
                else f"has {extra[0]!r}, which {INPUT_DIR}/ lacks"
            )
            count = len(missing) + len(extra)
            raise DataError(
                f"Expert folder {expert!r} {which} ({count} mismatched name(s) in all); every "
                f"expert folder needs exactly the file names of {INPUT_DIR}/."
            )
    layout = PairLayout(root, experts, names)
    if check_sizes:
        for name in names:
            size = _size(layout.input_path(name))
            for expert in experts:
                other = _size(layout.expert_path(expert, name))
                if other != size:
                    raise DataError(
                        f"{expert}/{name} is {other[0]}x{other[1]} but {INPUT_DIR}/{name} is "
                        f"{size[0]}x{size[1]}; an expert's photo must have its original's size."
                    )
    return layout


def _photos(folder: Path) -> tuple[str, ...]:
    return tuple(
        sorted(
            p.name
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES and not p.name.startswith(".")
        )
    )


def _size(path: Path) -> tuple[int, int]:
    """``(width, height)`` from the header only (EXIF rotation aside, as in both files alike)."""
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError) as err:
        raise DataError(f"Cannot read {str(path)!r} as a photo ({err}).") from None


# -- prepared data ------------------------------------------------------------------------------


def region_file(out: Path, expert: str, name: str) -> Path:
    return out / "regions" / expert / f"{name}.npz"


def map_file(out: Path, expert: str, name: str) -> Path:
    return out / "maps" / expert / f"{name}.npz"


def write_npz(path: Path, **arrays: Any) -> None:
    """Compressed ``.npz``, written atomically so an interrupted run leaves no half file."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buffer.getvalue())


def read_map(path: Path) -> np.ndarray:
    """The stored ``(4, H, W)`` float16 parameter map."""
    try:
        with np.load(path) as data:
            return data["map"]
    except (OSError, KeyError, ValueError) as err:
        raise DataError(f"Cannot read the parameter map {str(path)!r} ({err}).") from None


def read_manifest(out: str | Path) -> dict[str, Any]:
    """The manifest of a prepared folder.

    Raises:
        DataError: the folder was not prepared (or preparation has not finished).
    """
    path = Path(out) / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise DataError(
            f"{str(out)!r} is not prepared training data; run `pertouch prepare-data` first."
        ) from None
    if not manifest.get("complete"):
        raise DataError(
            f"Preparation of {str(out)!r} has not finished; run `pertouch prepare-data` again to resume."
        )
    return manifest


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    write_atomic(out / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
