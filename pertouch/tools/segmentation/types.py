"""What every segmenter answers: a soft mask with a confidence, or an honest "not here".

A mask throughout PerTouch is a float32 ``(H, W)`` array in [0, 1] at the photo's full resolution.
The answer to a phrase carries the region class it was understood as and how (lexicon, the
embedding fallback, or a mask the person gave), so the agent can tell the user "I took 'the
heavens' to mean the sky".

An answer that is not a mask says which of four things happened (:data:`Outcome`), because the
reply must word them differently: the region is confidently *absent* ("there is no water in this
photo"), or it was *not found* though it may be there ("I couldn't find the water; I found sky
40 %, vegetation 30 %"), or it names an object this backend has no notion of ("the boats": say so
and offer what can stand in), or the phrase is not a region at all. :meth:`Segmentation.sentence`
gives that wording; :attr:`Segmentation.present` lists what the photo does contain, with shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import PerTouchError

FloatMask = NDArray[np.float32]
MatchedBy = Literal["lexicon", "embedding", "open-vocabulary", "user mask", "stand-in", "none"]
#: found: the mask is the region. absent: confidently not in the photo. not_found: may be there but
#: this backend could not find it. unknown_object: a thing this backend has no model of (needs
#: SAM3, a colour range or a painted mask). unknown_phrase: not a region PerTouch knows.
Outcome = Literal["found", "absent", "not_found", "unknown_object", "unknown_phrase"]


class RegionError(PerTouchError):
    """A region phrase cannot be used: empty, overlong, or not a phrase at all."""


class SegmenterSetupError(PerTouchError):
    """A segmentation backend cannot start: its package or its weights are missing."""


@dataclass(frozen=True)
class Share:
    """A region the photo contains and the fraction of the photo it covers."""

    region: str
    share: float

    def words(self) -> str:
        """ "sky 40%" """
        return f"{self.region} {self.share:.0%}"


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
        outcome: which of found / absent / not found / unknown object / unknown phrase it is.
        present: the named regions the photo contains, largest first, with their shares.
        stand_ins: for an unknown object, regions that could stand in for it ("subject",
            "oranges", ...); a painted mask always can.
    """

    phrase: str
    region: str
    mask: FloatMask = field(repr=False)
    confidence: float
    found: bool
    matched_by: MatchedBy
    note: str = ""
    alternatives: tuple[str, ...] = ()
    outcome: Outcome = "found"
    present: tuple[Share, ...] = ()
    stand_ins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Backends that predate ``outcome`` say only found=False: that is "not found", never a
        # confident absence.
        if not self.found and self.outcome == "found":
            object.__setattr__(self, "outcome", "not_found")
        if self.found and self.outcome != "found":
            raise ValueError(f"a found region cannot have outcome {self.outcome!r}")

    def sentence(self) -> str:
        """How the reply should say what happened, in one honest sentence."""
        asked = self.phrase.strip()
        found = ", ".join(s.words() for s in self.present) or "no region I can name"
        if self.outcome == "found":
            if self.matched_by == "stand-in":
                return self.note
            how = " (your mask)" if self.matched_by == "user mask" else ""
            return f"Found {self.region} for {asked!r}{how}: {self.area:.0%} of the photo."
        if self.outcome == "absent":
            return f"There is no {self.region} in this photo (I found {found})."
        if self.outcome == "not_found":
            return f"I couldn't find the {self.region} (I found {found})."
        if self.outcome == "unknown_object":
            offers = ", ".join(repr(s) for s in self.stand_ins)
            options = f"use {offers} instead, or " if offers else ""
            return (
                f"I can't pick out {asked!r} offline; I can {options}use a mask you paint or "
                "give as a file."
            )
        return f"I don't know a region called {asked!r} (I found {found})."

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
            "outcome": self.outcome,
            "present": [{"region": p.region, "share": round(p.share, 3)} for p in self.present],
            "stand_ins": list(self.stand_ins),
            "sentence": self.sentence(),
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
