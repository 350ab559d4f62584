"""Scene similarity on real photos: nearest-neighbour kind precision and pair rates, dev and test.

    python benchmarks/eval_scenes.py                 # score the shipped scene space
    python benchmarks/eval_scenes.py --fit           # fit it on dev, write it, then score
    python benchmarks/eval_scenes.py --cache /tmp/scenes.json   # reuse measurements between runs
    python benchmarks/eval_scenes.py --fit --dev-only  # while tuning: never measure or score test

Every corpus photo (``benchmarks/corpus.py``) and each of its variants
(``benchmarks/scene_variants.py``: mirror, two crops, exposure and white-balance nudges) goes
through the offline segmenter's ``propose`` and :func:`pertouch.memory.scene.describe`, as
perceive does. Items are labelled with the kinds the memory tells apart (people, landscape,
cityscape, close-up: ``CorpusPhoto.scene``); the corpus's finer kinds are scored too. Targets
(issue 19): nearest-neighbour kind precision >= 0.9; same-kind pairs of
different photos at or above the cut-off >= 80 %; different-kind pairs below it >= 95 %.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.corpus import CORPUS, load, photos
from benchmarks.scene_fit import Item, Scores, cross_validate, fit, score
from benchmarks.scene_variants import VARIANTS, variant
from pertouch.memory.kinds import UNKNOWN, kind_of, sure_kind
from pertouch.memory.measure import FEATURES
from pertouch.memory.space import DEFAULT_SPACE_FILE, SceneSpace

SPACE_VERSION = 5
_FINE_KIND = {p.name: p.kind for p in CORPUS}


def measure_corpus(split: str, cache: dict[str, dict[str, float]]) -> list[Item]:
    """Measure every photo of ``split`` and its variants (from ``cache`` when there)."""
    from pertouch.memory.scene import describe
    from pertouch.tools.segmentation import OfflineSegmenter

    items = []
    with OfflineSegmenter(cache_size=1) as segmenter:
        for photo in photos(split):  # type: ignore[arg-type]
            base = None
            for name in VARIANTS:
                key = f"{photo.name}/{name}"
                if key not in cache or set(FEATURES) - set(cache[key]):  # new measurements
                    base = load(photo, 640) if base is None else base
                    pixels = variant(base, name)
                    cache[key] = dict(describe(pixels, segmenter.propose(pixels)).measurements)
                m = cache[key]
                people = kind_of(m) == "people"  # as SceneDescription.has_people
                values = tuple(float(m[f]) for f in FEATURES)
                items.append(Item(photo.name, photo.scene, name, people, values))
    return items


def finer(items: list[Item]) -> list[Item]:
    """The items labelled with the corpus's finer kinds (water, still life, animal, ...)."""
    return [Item(i.photo, _FINE_KIND[i.photo], i.variant, i.people, i.values) for i in items]


def recognised(items: list[Item]) -> str:
    """How often :func:`pertouch.memory.kinds.kind_of` names the labelled kind, and its misses."""
    wrong: dict[str, int] = {}
    for item in items:
        found = kind_of(dict(zip(FEATURES, item.values, strict=True)))
        if found != item.kind:
            key = f"{item.photo} ({item.kind} as {found})"
            wrong[key] = wrong.get(key, 0) + 1
    right = 1.0 - sum(wrong.values()) / len(items)
    misses = ", ".join(f"{k} x{n}" for k, n in sorted(wrong.items()))
    sure = [sure_kind(dict(zip(FEATURES, i.values, strict=True))) for i in items]
    unsure = sum(k == UNKNOWN for k in sure) / len(items)
    sure_wrong = sum(k not in (UNKNOWN, i.kind) for k, i in zip(sure, items, strict=True))
    return (
        f"kind recognised {right:.1%} of {len(items)} items (sure and wrong "
        f"{sure_wrong / len(items):.1%}, unsure {unsure:.1%}); missed: {misses or 'none'}"
    )


def line(label: str, s: Scores) -> str:
    return (
        f"{label:<22} nn-precision {s.nn_precision:.3f} (n={s.nn_queries:>3})   "
        f"same-kind above {s.same_above:6.1%} (n={s.same_pairs:>5})   "
        f"different below {s.different_below:6.1%} (n={s.different_pairs:>5})   "
        f"variants above {s.variants_above:6.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit the space on dev and write it")
    parser.add_argument("--space", type=Path, default=DEFAULT_SPACE_FILE)
    parser.add_argument("--cache", type=Path, help="JSON file of measurements to reuse")
    parser.add_argument("--dev-only", action="store_true", help="leave the test photos unread")
    parser.add_argument(
        "--folds", type=int, default=0, help="also score dev by K-fold cross-validation over photos"
    )
    args = parser.parse_args()
    cache = json.loads(args.cache.read_text()) if args.cache and args.cache.is_file() else {}
    start = time.perf_counter()
    dev = measure_corpus("dev", cache)
    test = [] if args.dev_only else measure_corpus("test", cache)
    if args.cache:
        args.cache.write_text(json.dumps(cache))
    print(
        f"measured {len(dev)} dev and {len(test)} test items in {time.perf_counter() - start:.0f} s"
    )
    if args.fit:
        space = fit(dev, SPACE_VERSION)
        args.space.parent.mkdir(parents=True, exist_ok=True)
        args.space.write_text(json.dumps(space.to_dict(), indent=1) + "\n")
        print(f"wrote {args.space}", file=sys.stderr)
    space = SceneSpace.load(args.space)
    print(
        f"cut-off (min similarity) {space.min_similarity:.3f}, "
        f"kind weight {space.kind_weight:.2f}, fitted on dev"
    )
    splits = [("dev", dev)] + ([] if args.dev_only else [("test", test)])
    for split, items in splits:
        print(f"{split}: {recognised(items)}")
    for split, items in splits:
        print(line(f"{split} scene kinds", score(space, items)))
    for split, items in splits:
        print(line(f"{split} corpus kinds", score(space, finer(items))))
    if args.folds > 1:
        print(line(f"dev {args.folds}-fold kinds", cross_validate(dev, SPACE_VERSION, args.folds)))


if __name__ == "__main__":
    main()
