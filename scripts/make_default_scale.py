"""Regenerate the level scale and the region priors shipped in pertouch/core/data/.

Both are fitted on the dev photographs of ``benchmarks/corpus.py``: the five colour photos
scikit-image bundles and 25 photographs from Debian's wallpaper packages (MATE's nature set and
Ubuntu's photo-contest winners), chosen and labelled as real, well-made photos. The test split is
never used here, so figures quoted on it stay honest.

* ``default_scale.json``: grid tiles (1x1 to 5x5) of every dev photo, measured at the analysis
  resolution; level 0 is their median and ±1 their 1st and 99th percentiles.
* ``region_priors.json``: the offline segmenter's regions of every dev photo (sky, vegetation,
  water, ground, people; the subject and what no region covers count as "other"), each measured
  whole and in its parts on a 3x3 grid, as raw-metric percentiles per kind of region
  (:func:`pertouch.core.priors.fit_priors`).

Refit the scale on your own retouched photos with `pertouch fit-scale FOLDER -o scale.json` and pass
`--scale`; the priors are raw metrics and follow whichever scale is in use.

Run: HF_HUB_OFFLINE=1 python scripts/make_default_scale.py   (about a minute on two cores)
"""

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from benchmarks.corpus import load, photos
from pertouch.core.levels import fit_scale, measure_samples
from pertouch.core.metrics import analysis_shape, raw_metrics, resize_area, to_float_rgb
from pertouch.core.priors import PRIOR_KINDS, PriorKind, RegionSample, fit_priors, prior_kind
from pertouch.tools.segmentation import OfflineSegmenter

DATA = Path(__file__).resolve().parents[1] / "pertouch" / "core" / "data"
#: A region (or a grid part of it) smaller than this share of the photo is not measured: a few
#: hundred analysis pixels say little about a kind of region.
MIN_SHARE = 0.02
GRID = 3


def region_samples(
    name: str, pixels: NDArray[np.uint8], segmenter: OfflineSegmenter
) -> list[RegionSample]:
    """The proposed regions of one photo, whole and cut by a 3x3 grid, with their kinds."""
    shape = analysis_shape(*pixels.shape[:2])
    found = segmenter.propose(pixels)
    labels = {r.label: found.mask(r.label) for r in found.regions}
    covered = np.max(list(labels.values()), axis=0) if labels else np.zeros(pixels.shape[:2])
    labels["(rest)"] = (1.0 - covered).astype(np.float32)
    rows = np.linspace(0, shape[0], GRID + 1).astype(int)
    cols = np.linspace(0, shape[1], GRID + 1).astype(int)
    masks: dict[str, NDArray[np.float32]] = {}
    kinds: dict[str, PriorKind] = {}
    for label, mask in labels.items():
        small = resize_area(mask, shape)
        if small.mean() < MIN_SHARE:
            continue
        kind = prior_kind(label)
        masks[label], kinds[label] = small, kind
        for i in range(GRID):
            for j in range(GRID):
                part = np.zeros(shape, np.float32)
                part[rows[i] : rows[i + 1], cols[j] : cols[j + 1]] = 1.0
                part *= small
                if part.mean() >= MIN_SHARE:
                    masks[f"{label}/{i}{j}"], kinds[f"{label}/{i}{j}"] = part, kind
    if not masks:
        return []
    rgb = resize_area(to_float_rgb(pixels), shape)
    names = list(masks)
    raw = raw_metrics(rgb, np.stack([masks[k] for k in names]))
    return [RegionSample(kinds[k], name, raw[i]) for i, k in enumerate(names)]


def main() -> None:
    dev = photos("dev")
    if len(dev) < 20:
        raise SystemExit(
            f"Only {len(dev)} dev photos are installed; install the Debian wallpaper packages first (make setup)."
        )
    segmenter = OfflineSegmenter()
    tiles, regions = [], []
    for photo in dev:
        pixels = load(photo)
        tiles.append(measure_samples(pixels))
        regions += region_samples(photo.name, pixels, segmenter)
    samples = np.concatenate(tiles)
    scale = fit_scale(
        samples,
        source=(
            f"grid tiles (1x1 to 5x5, {len(samples)} regions) of the {len(dev)} dev photographs of "
            "benchmarks/corpus.py (scikit-image's photos and Debian's MATE nature and Ubuntu "
            "photo-contest wallpapers); refit on your own photos with `pertouch fit-scale`"
        ),
    )
    scale.save(DATA / "default_scale.json")
    priors = fit_priors(
        regions,
        source=(
            f"offline-segmenter regions of the {len(dev)} dev photographs of benchmarks/corpus.py, "
            f"whole and on a {GRID}x{GRID} grid ({len(regions)} regions)"
        ),
    )
    (DATA / "region_priors.json").write_text(priors.to_json() + "\n", encoding="utf-8")
    print(f"wrote {DATA / 'default_scale.json'} and {DATA / 'region_priors.json'}")
    print("scale knots at levels -1, -0.6, -0.2, 0.2, 0.6, 1:")
    print(np.array2string(scale.knots[:, ::4], precision=4, suppress_small=True))
    print("kind        photos regions  (25th / 50th / 75th percentile levels per attribute)")
    for kind in PRIOR_KINDS:
        prior = priors.kinds[kind]
        bands = prior.levels(scale)[:, 1:4]
        text = "  ".join(f"{a:+.2f}/{b:+.2f}/{c:+.2f}" for a, b, c in bands)
        print(f"{kind:11s} {prior.photos:6d} {prior.regions:7d}  {text}")


if __name__ == "__main__":
    main()
