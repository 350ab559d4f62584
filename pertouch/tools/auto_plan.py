"""The auto look of a photo with the regions the segmenter proposes: what "make it look better" plans.

The look (:func:`pertouch.core.auto_look.auto_look`) judges each region against its own kind's
prior, so it needs the photo's semantic regions; this is the one place that asks the segmenter for
them, for the agent and the evaluation alike. The masks come back with the look: the renderer must
get the same masks the look was computed with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pertouch.core.auto_look import auto_look
from pertouch.core.auto_moves import AutoLook
from pertouch.core.levels import LevelScale
from pertouch.tools.segmentation.types import Segmenter

#: Regions smaller than this share of the photo are not given to the look (too small to judge).
MIN_AREA = 0.01


@dataclass(frozen=True)
class AutoPlan:
    """A photo's auto look and the ``(H, W)`` uint8 masks (0-255) of the regions it judged."""

    look: AutoLook
    masks: dict[str, NDArray[np.uint8]]


def plan_auto_look(
    pixels: NDArray[np.generic], segmenter: Segmenter, scale: LevelScale | None = None
) -> AutoPlan:
    """Propose the photo's regions (sky, people, vegetation, water, ground, subject) and plan
    the auto look over them.

    Args:
        pixels: ``(H, W, 3)`` uint8 or uint16 RGB.
        segmenter: any :class:`Segmenter`; its region map supplies the regions.
        scale: the level scale in use (the bundled one when None).
    """
    found = segmenter.propose(pixels)
    masks = {
        region.label: np.round(found.mask(region.label) * 255).astype(np.uint8)
        for region in found.regions
        if region.area >= MIN_AREA
    }
    return AutoPlan(auto_look(pixels, masks, scale), masks)
