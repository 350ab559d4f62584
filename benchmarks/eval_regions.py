"""How well the offline segmenter finds what a photographer names, against hand-drawn outlines.

    PYTHONPATH=. .venv/bin/python benchmarks/eval_regions.py [--split dev|test] [--out DIR] [--rules]

For each outlined photo (``benchmarks/data/regions``, drawn by looking at the photo) and each
region kind, the segmenter is asked the kind's phrase ("the sky", "the water", ...) on the photo
at about 1 MP; its mask, cut at 0.5, is compared with the outline, leaving out "void" pixels.

Printed per split and kind:

* ``mean IoU``: the mean over photos where the kind is in the outline or in the answer (a region
  found where there is none scores 0 there; one rightly reported absent is not counted);
* ``pooled IoU``: intersections over unions summed across those photos;
* ``false+``: photos without the kind where the segmenter still found it;
* ``missed``: photos with the kind (over 2 % of the photo) where it reported it absent.

``subject`` is scored on photos whose outline marks one. Overlays (outline | answer, each kind in
its colour) go to ``--out``; look at them.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.corpus import CORPUS, load
from benchmarks.region_outlines import COLOURS, KINDS, LABELS, outlines

SCORED = {**KINDS, "subject": "the subject"}
#: Share of the photo below which an outlined kind is too small to count as missed.
MIN_TRUE_AREA = 0.02


@dataclass
class Tally:
    """Scores of one kind over the photos of one split."""

    ious: list[float] = field(default_factory=list)
    intersection: int = 0
    union: int = 0
    false_positive: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def line(self, kind: str) -> str:
        mean = np.mean(self.ious) if self.ious else float("nan")
        pooled = self.intersection / self.union if self.union else float("nan")
        extra = ""
        if self.false_positive:
            extra += f"  false+: {', '.join(self.false_positive)}"
        if self.missed:
            extra += f"  missed: {', '.join(self.missed)}"
        return f"{kind:>11} {len(self.ious):>3} {mean:9.3f} {pooled:11.3f}{extra}"


def score_photo(segmenter, name: str, pixels: np.ndarray, truth: np.ndarray):
    """Per kind: (IoU or None when rightly absent, intersection, union, truth area, found)."""
    valid = truth != LABELS.index("void")
    answers = {}
    for kind, phrase in SCORED.items():
        if kind == "subject" and not (truth == LABELS.index("subject")).any():
            continue
        answer = segmenter.segment(pixels, phrase)
        predicted = (answer.mask >= 0.5) & valid
        true = (truth == LABELS.index(kind)) & valid
        inter, union = int((predicted & true).sum()), int((predicted | true).sum())
        iou = inter / union if union else None
        answers[kind] = (iou, inter, union, float(true.mean()), answer.found, predicted)
    return answers


def overlay(pixels: np.ndarray, truth: np.ndarray, predicted: dict[str, np.ndarray]) -> np.ndarray:
    """Outline (left) and answer (right), each kind tinted in its colour, void hatched grey."""
    import cv2

    def tint(labels: np.ndarray) -> np.ndarray:
        out = pixels.astype(np.float32).copy()
        for index, kind in enumerate(LABELS[1:], start=1):
            inside = labels == index
            out[inside] = 0.45 * out[inside] + 0.55 * np.array(COLOURS[kind], np.float32)
            contours, _ = cv2.findContours(
                inside.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
            )
            cv2.drawContours(out, contours, -1, COLOURS[kind], 2)
        return np.clip(out, 0, 255).astype(np.uint8)

    answer = np.zeros(truth.shape, np.uint8)
    for kind in ("sky", "water", "vegetation", "ground", "building", "person", "subject"):
        if kind in predicted:
            answer[predicted[kind]] = LABELS.index(kind)
    gap = np.full((pixels.shape[0], 8, 3), 255, np.uint8)
    picture = np.hstack([tint(truth), gap, tint(answer)])
    for k, kind in enumerate(k for k in SCORED if k in predicted):
        cv2.putText(picture, kind, (10, 30 + 28 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0, 0, 0), 4)
        cv2.putText(
            picture, kind, (10, 30 + 28 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.8, COLOURS[kind], 2
        )
    return picture


def main() -> None:
    from PIL import Image

    from pertouch.tools.segmentation import OfflineSegmenter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), action="append")
    parser.add_argument("--only", nargs="*", help="photo names to score (default: all outlined)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/pertouch-eval-regions"))
    parser.add_argument(
        "--rules", action="store_true", help="landscape by the hand-set rules alone (no learner)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    known = outlines()
    segmenter = OfflineSegmenter(cache_size=1, learned=not args.rules)
    for split in args.split or ["dev", "test"]:
        tallies = {kind: Tally() for kind in SCORED}
        started, photos = time.perf_counter(), 0
        for photo in CORPUS:
            if photo.split != split or photo.name not in known or not photo.available:
                continue
            if args.only and photo.name not in args.only:
                continue
            photos += 1
            pixels = load(photo)
            truth = known[photo.name].label_map(pixels.shape[:2])
            answers = score_photo(segmenter, photo.name, pixels, truth)
            cells = []
            for kind, (iou, inter, union, true_area, found, _) in answers.items():
                tally = tallies[kind]
                if iou is not None:
                    tally.ious.append(iou)
                    tally.intersection += inter
                    tally.union += union
                    cells.append(f"{kind} {iou:.2f}")
                if true_area == 0 and found and inter == 0 and union > 0:
                    tally.false_positive.append(photo.name)
                if true_area >= MIN_TRUE_AREA and not found:
                    tally.missed.append(photo.name)
            print(f"  {split} {photo.name:>13}: {', '.join(cells) or 'nothing (rightly)'}")
            picture = overlay(pixels, truth, {k: a[5] for k, a in answers.items()})
            Image.fromarray(picture).save(args.out / f"{split}_{photo.name}.png")
        seconds = time.perf_counter() - started
        print(f"\n{split}: {photos} photos, {seconds:.1f} s")
        print(f"{'kind':>11} {'n':>3} {'mean IoU':>9} {'pooled IoU':>11}")
        for kind, tally in tallies.items():
            print(tally.line(kind))
        print()
    segmenter.close()


if __name__ == "__main__":
    main()
