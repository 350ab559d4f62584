"""Hand-drawn region outlines of corpus photos: loading, rasterising, and a grid to draw them on.

Each photo's outline is ``benchmarks/data/regions/<name>.json``, drawn by a person looking at the
photo with :func:`grid_picture` over it::

    {"photo": "Kite", "note": "...",
     "layers": [{"kind": "sky", "polygon": [[0, 0], [1, 0], [1, 1], [0, 1]]},
                {"kind": "subject", "polygon": [[0.52, 0.30], ...]}]}

Points are ``[x, y]`` in fractions of the photo's width and height, so an outline holds at any
size. Layers are painted in order, a later one over an earlier one (the kite over the sky). Kinds
are the region kinds evaluated (:data:`KINDS`), ``subject``, and ``void``: pixels no honest person
could assign (fine branches against the sky), left out of every score. Unpainted pixels are "none
of these" (a boat, a rock face, a table).

    .venv/bin/python benchmarks/region_outlines.py Kite   # writes /tmp/pertouch-outlines/Kite.png
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

OUTLINE_DIR = Path(__file__).parent / "data" / "regions"
#: The region kinds scored, with the phrase a person would use for each.
KINDS = {
    "sky": "the sky",
    "water": "the water",
    "vegetation": "the trees",
    "ground": "the ground",
    "building": "the buildings",
    "person": "the people",
}
LABELS = ("none", *KINDS, "subject", "void")
#: Tints (RGB) of the labels in pictures of outlines and of the segmenter's answers.
COLOURS = {
    "sky": (70, 140, 255),
    "water": (0, 230, 230),
    "vegetation": (40, 220, 60),
    "ground": (200, 130, 50),
    "building": (170, 0, 255),
    "person": (255, 60, 200),
    "subject": (255, 0, 0),
    "void": (128, 128, 128),
    "none": (0, 0, 0),
}


@dataclass(frozen=True)
class Outline:
    """One photo's outline: its corpus name and its layers ``(kind, polygon)`` in paint order."""

    photo: str
    layers: tuple[tuple[str, tuple[tuple[float, float], ...]], ...]
    note: str = ""

    @classmethod
    def load(cls, path: Path) -> Outline:
        data = json.loads(path.read_text())
        layers = []
        for layer in data["layers"]:
            if layer["kind"] not in LABELS:
                raise ValueError(f"{path.name}: unknown kind {layer['kind']!r}")
            points = tuple((float(x), float(y)) for x, y in layer["polygon"])
            layers.append((layer["kind"], points))
        return cls(data["photo"], tuple(layers), data.get("note", ""))

    def kinds(self) -> set[str]:
        """The kinds this outline paints (subject and void included)."""
        return {kind for kind, _ in self.layers}

    def label_map(self, shape: tuple[int, int]) -> NDArray[np.uint8]:
        """``(H, W)`` uint8 indices into :data:`LABELS`, painted layer by layer."""
        height, width = shape
        labels = np.zeros(shape, np.uint8)
        for kind, points in self.layers:
            polygon = np.array([(x * width, y * height) for x, y in points], np.float64)
            cv2.fillPoly(
                labels,
                [np.round(polygon * 4).astype(np.int32)],
                (LABELS.index(kind),),
                lineType=cv2.LINE_8,
                shift=2,
            )
        return labels


def outlines() -> dict[str, Outline]:
    """Every outline on disk, by photo name."""
    found = (Outline.load(path) for path in sorted(OUTLINE_DIR.glob("*.json")))
    return {outline.photo: outline for outline in found}


def grid_picture(
    pixels: NDArray[np.uint8], outline: Outline | None = None, width: int = 1000
) -> NDArray[np.uint8]:
    """The photo with a 0.05 grid (labelled every 0.1) and the outline's polygons drawn over it."""
    height = round(pixels.shape[0] * width / pixels.shape[1])
    picture = cv2.resize(pixels, (width, height), interpolation=cv2.INTER_AREA).copy()
    if outline is not None:
        labels = outline.label_map((height, width))
        for index, kind in enumerate(LABELS[1:], start=1):
            inside = labels == index
            tint = np.array(COLOURS[kind], np.float32)
            picture[inside] = (0.6 * picture[inside] + 0.4 * tint).astype(np.uint8)
            contours, _ = cv2.findContours(
                inside.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
            )
            cv2.drawContours(picture, contours, -1, COLOURS[kind], 1)
    for step in range(1, 20):
        t = step / 20
        colour = (255, 255, 0) if step % 2 == 0 else (200, 200, 200)
        x, y = round(t * width), round(t * height)
        picture[:, x] = (0.6 * picture[:, x] + 0.4 * np.array(colour)).astype(np.uint8)
        picture[y, :] = (0.6 * picture[y, :] + 0.4 * np.array(colour)).astype(np.uint8)
        if step % 2 == 0:
            for text, origin in ((f"{t:.1f}", (x + 2, 12)), (f"{t:.1f}", (2, y - 2))):
                cv2.putText(picture, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 3)
                cv2.putText(picture, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1)
    return picture


def main() -> None:
    from PIL import Image

    from benchmarks.corpus import CORPUS, load

    parser = argparse.ArgumentParser(description="Draw the outline grid over corpus photos.")
    parser.add_argument("names", nargs="+")
    parser.add_argument("--out", type=Path, default=Path("/tmp/pertouch-outlines"))
    parser.add_argument("--width", type=int, default=1000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    known = outlines()
    for name in args.names:
        photo = next(p for p in CORPUS if p.name == name)
        picture = grid_picture(load(photo), known.get(name), args.width)
        Image.fromarray(picture).save(args.out / f"{name}.png")
        print(args.out / f"{name}.png")


if __name__ == "__main__":
    main()
