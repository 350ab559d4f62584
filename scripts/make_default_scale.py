"""Regenerate pertouch/core/data/default_scale.json, the level scale shipped with the package.

The shipped scale is fitted on grid tiles of the colour photographs that scikit-image bundles in its
wheel, the only real photos available offline everywhere the project installs. Refit it on your
own retouched photos with `pertouch fit-scale FOLDER -o scale.json` and pass `--scale`.

Run: python scripts/make_default_scale.py
"""

from pathlib import Path

import numpy as np
from skimage import data

from pertouch.core.levels import fit_scale, measure_samples

PHOTOS = {
    "astronaut": data.astronaut,
    "chelsea": data.chelsea,
    "coffee": data.coffee,
    "rocket": data.rocket,
    "motorcycle_left": lambda: data.stereo_motorcycle()[0],
    "motorcycle_right": lambda: data.stereo_motorcycle()[1],
}
TARGET = Path(__file__).resolve().parents[1] / "pertouch" / "core" / "data" / "default_scale.json"


def main() -> None:
    samples = np.concatenate([measure_samples(load()) for load in PHOTOS.values()])
    source = (
        f"grid tiles (1x1 to 5x5, {len(samples)} regions) of the scikit-image photos "
        f"{', '.join(PHOTOS)}; refit on your own photos with `pertouch fit-scale`"
    )
    scale = fit_scale(samples, source=source)
    scale.save(TARGET)
    print(f"wrote {TARGET}")
    print(np.array2string(scale.knots[:, ::4], precision=4, suppress_small=True))


if __name__ == "__main__":
    main()
