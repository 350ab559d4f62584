"""What a frame holds, and how far two frames differ in it: the second guard on shared taste.

The kind of scene (:mod:`pertouch.memory.kinds`) is a coarse word, and a wrong one is confident
as often as not on real photos (a segmenter that misses the sky makes an open view look close).
So two photos share taste only when, besides being surely of one kind, they hold much the same:
their shares of the frame in sky, water, vegetation, ground, buildings, a subject and people (with
what nothing was found in as one more share) differ by at most :data:`MAX_DIFFERENCE` in total
variation, that is, at most that part of one frame would have to change what it shows to look
like the other. A lake under a wide sky and a grass close-up differ by most of the frame; two lake
views, or a crop of one, by a little.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from pertouch.memory.kinds import kind_of, share_kind

#: The measured shares of the frame compared (see :mod:`pertouch.memory.measure`).
SHARES: tuple[str, ...] = (
    "sky_share", "water_share", "vegetation_share", "ground_share", "architecture_share",
    "subject_share", "people_share",
)  # fmt: skip
#: Most of the frame two photos may differ in and still share taste (total variation, 0 to 1): half
#: the frame. On the dev photos it lets through 17 % of same-kind pairs of photos surely of one
#: kind and 1.7 % of different-kind ones (without it, 43 % and 4.4 %); the sunset over hills is
#: 0.24 from the storm over a road, 0.44 from the mountain path; a grass close-up is 0.92 from a
#: lake view (``benchmarks/eval_scenes.py --dev-only --folds 5`` prints the figures).
MAX_DIFFERENCE = 0.5
#: Frames this close are one scene seen again (a mirror image, a small crop, the next shot): the
#: cat photo and its mirror image differ by 0.02 (dev's closest different-kind pair differs by
#: more; ``benchmarks/eval_scenes.py`` prints the pair rates).
SAME_SCENE = 0.1


def shares(m: Mapping[str, float]) -> NDArray[np.float64]:
    """The frame's shares in :data:`SHARES`, then what is left unexplained (summing to 1).

    Regions may overlap (a person over vegetation), so shares that sum past 1 are scaled to 1.
    """
    found = np.clip(np.array([float(m[name]) for name in SHARES]), 0.0, 1.0)
    total = float(found.sum())
    if total > 1.0:
        return np.append(found / total, 0.0)
    return np.append(found, 1.0 - total)


def difference(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Total variation between two frames' shares: the part of the frame that differs (0 to 1)."""
    return float(0.5 * np.abs(shares(a) - shares(b)).sum())


def share_taste(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether taste may carry between two measured scenes: surely of one kind
    (:func:`pertouch.memory.kinds.share_kind`) and holding much the same (:func:`difference`);
    or the same scene (:data:`SAME_SCENE`) with the same best guess at its kind, however unsure.

    Sharing across kinds is the harm; not sharing costs only a start as shot, so both guards must
    agree. A mirror image or the next shot of the same cat is no such risk, even when the kind of
    scene cannot be named surely.
    """
    apart = difference(a, b)
    if apart <= SAME_SCENE and kind_of(a) == kind_of(b):
        return True
    return share_kind(a, b) and apart <= MAX_DIFFERENCE
