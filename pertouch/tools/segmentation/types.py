"""What every segmenter answers: a soft mask with a confidence, or an honest "not here".

A mask throughout PerTouch is a float32 ``(H, W)`` array in [0, 1] at the photo's full resolution.
The answer to a phrase carries the region class it was understood as and how (lexicon or the
embedding fallback), so the agent can tell the user "I took 'the heavens' to mean the sky".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import PerTouchError

FloatMask = NDArray[np.float32]
MatchedBy = Literal["lexicon", "embedding", "open-vocabulary", "none"]


class RegionError(PerTouchError):
    """A region phrase cannot be used: empty, overlong, or not a phrase at all."""


class SegmenterSetupError(PerTouchError):
    """A segmentation backend cannot start: its package or its weights are missing."""


@dataclass(frozen=True)
class Segmentation:
    """The answer to one region phrase on one photo.

    Attributes:
        phrase: the phrase as asked ("the faces").
        region: the region class it was understood as ("face"), or "" when not understood.
        mask: ``(H, W)`` float32 in [0, 1] at the photo's resolution; all zeros when not found.
        confidence: how sure the backend is that the mask is the region, in [0, 1].
        found: False when the region is absent (or cannot be found by this backend); the mask is
            then empty, never a guess.
        matched_by: how the phrase was mapped to the region class.
        note: one sentence for the user or the agent, e.g. why nothing was found.
        alternatives: regions this photo does contain, offered when ``found`` is False.
    """

    phrase: str
    region: str
    mask: FloatMask = field(repr=False)
    confidence: float
    found: bool
    matched_by: MatchedBy
    note: str = ""
    alternatives: tuple[str, ...] = ()

    @property
    def area(self) -> float:
        """Mean mask weight: the fraction of the photo the region covers."""
        return float(self.mask.mean(dtype=np.float64))

    def summary(self) -> dict[str, object]:
        """Plain, JSON-ready data about the answer (everything but the mask)."""
        return {
            "phrase": self.phrase,
            "region": self.region,
            "found": self.found,
            "confidence": round(self.confidence, 3),
            "area": round(self.area, 4),
            "matched_by": self.matched_by,
            "note": self.note,
            "alternatives": list(self.alternatives),
        }


@dataclass(frozen=True)
class ProposedRegion:
    """One entry of a region map: its label value, name, share of the photo and confidence."""

    index: int
    label: str
    area: float
    confidence: float


@dataclass(frozen=True)
class RegionMap:
    """What a segmenter can find in a photo, as one labelled map.

    Attributes:
        labels: ``(H, W)`` uint16 at the photo's resolution; 0 is "nothing named", ``k`` is the
            region whose ``index`` is ``k``. Each pixel has one label (the most specific region:
            a face wins over the person around it).
        regions: the regions present, largest first.
    """

    labels: NDArray[np.uint16] = field(repr=False)
    regions: tuple[ProposedRegion, ...]

    def names(self) -> tuple[str, ...]:
        """The region labels present, largest first."""
        return tuple(r.label for r in self.regions)

    def mask(self, label: str) -> FloatMask:
        """The hard ``(H, W)`` float32 mask of one proposed region (all zeros if absent)."""
        index = next((r.index for r in self.regions if r.label == label), -1)
        return (self.labels == index).astype(np.float32)


class Segmenter(Protocol):
    """Turns a photo and a region phrase into a soft mask, and lists what a photo contains.

    Implementations cache their analysis per photo, so asking several phrases of the same photo
    costs the analysis once.
    """

    def segment(self, image: NDArray[np.generic], phrase: str) -> Segmentation:
        """Mask of the region ``phrase`` names in ``image`` (``(H, W, 3)`` RGB, any dtype)."""
        ...

    def propose(self, image: NDArray[np.generic]) -> RegionMap:
        """The labelled region map of ``image``."""
        ...
