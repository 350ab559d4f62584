"""A small before/after data set made from real photos, with known per-region expert edits.

The "experts" are the parametric renderer applied to each original with an edit of its largest
proposed region, so the tests know what data preparation should measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data as skdata

pytest.importorskip("diffusers")

from pertouch.backbone.parametric import ParametricRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.imageio import save_photo
from pertouch.core.levels import default_scale
from pertouch.tools.segmentation import OfflineSegmenter
from pertouch.training.config import PrepareConfig
from pertouch.training.prepare import prepare

#: Expert name -> (attribute, delta) applied to each photo's largest region.
EXPERT_EDITS = {"expertA": ("brightness", 0.4), "expertB": ("temperature", -0.4)}
MAP_SIZE = 128


@dataclass
class PairSet:
    data: Path
    prepared: Path
    #: (name, expert) -> (region mask at map size, target levels (4,) the renderer reached)
    truth: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]


def _photos() -> dict[str, np.ndarray]:
    photos = {
        "astronaut.png": skdata.astronaut(),
        "rocket.png": skdata.rocket(),
        "coffee.png": skdata.coffee(),
    }
    out = {}
    for name, image in photos.items():
        scale = 192 / max(image.shape[:2])
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        out[name] = np.ascontiguousarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
    return out


def make_pairs(
    root: Path, segmenter: OfflineSegmenter
) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """Write ``root/input`` and one folder per expert; return what each expert did where."""
    renderer = ParametricRenderer(default_scale())
    truth = {}
    for name, image in _photos().items():
        (root / "input").mkdir(parents=True, exist_ok=True)
        save_photo(root / "input" / name, image)
        regions = segmenter.propose(image)
        region = regions.names()[0]
        mask = regions.mask(region)
        for expert, (attribute, delta) in EXPERT_EDITS.items():
            state = AdjustmentState("as_shot").with_edit(region, attribute, delta)
            plan = renderer.solve(image, state, {region: mask})
            (root / expert).mkdir(exist_ok=True)
            save_photo(root / expert / name, renderer.apply(image, plan))
            reached = np.array(list(plan.summary()["regions"][region]["reached"].values()))
            small = cv2.resize(mask, (MAP_SIZE, MAP_SIZE), interpolation=cv2.INTER_AREA)
            truth[(name, expert)] = (small > 0.99, reached)
    return truth


@pytest.fixture(scope="session")
def segmenter() -> OfflineSegmenter:
    return OfflineSegmenter(work_size=MAP_SIZE)


@pytest.fixture(scope="session")
def pairs(tmp_path_factory: pytest.TempPathFactory, segmenter: OfflineSegmenter) -> PairSet:
    """Pairs prepared in the released (default) scale, so maps compare with the renderer's levels."""
    root = tmp_path_factory.mktemp("pairs")
    truth = make_pairs(root / "data", segmenter)
    config = PrepareConfig(
        data=str(root / "data"), output=str(root / "prepared"), map_size=MAP_SIZE, progress=False
    )
    prepare(config, scale=default_scale(), segmenter=segmenter)
    return PairSet(root / "data", root / "prepared", truth)
