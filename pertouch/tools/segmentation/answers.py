"""Honest answers when a region is not a mask: absent, not found, or an object we cannot see.

"There is no water in this photo" is said only when nothing in the photo could be water: the
landscape labeller reports, per kind, the share of the photo whose superpixels loosely fit the
kind's cues (:attr:`landscape.LandscapeLabels.possible`); under
:data:`landscape.ABSENT_SHARE` the absence is confident, otherwise the kind was only *not found*
("I couldn't find the water; I found sky 40 %, vegetation 30 %"). People are absent when
mediapipe's face detector (full range) and pose model vouch for none; people smaller than about a
twentieth of the frame's height can escape both, which the wording accepts as mediapipe's limit. A
face part is only not found when there is a person whose face was not seen (turned away). Objects no offline
model covers ("the boats", "the dog") get what could stand in for them: the subject, the colour
range they most likely are, or a mask the person paints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pertouch.tools.segmentation.landscape import ABSENT_SHARE
from pertouch.tools.segmentation.lexicon import Resolution
from pertouch.tools.segmentation.types import FloatMask, Outcome, Segmentation, Share

Absence = Literal["absent", "not_found"]
#: What a reply offers besides the named regions.
ALSO = "tonal ranges (shadows, midtones, highlights), colour ranges and spatial parts"


def scene_absence(possible: float) -> Absence:
    """Confidently absent when under :data:`ABSENT_SHARE` of the photo could be the kind."""
    return "absent" if possible < ABSENT_SHARE else "not_found"


def people_absence(has_person: bool, has_face: bool, name: str) -> Absence:
    """People are absent when mediapipe vouches for no face and no person (see the module doc).

    A face part of a person whose face was not seen (turned away, too small) is only not found.
    """
    if name == "person":
        return "not_found" if has_face else "absent"
    return "not_found" if has_person else "absent"


def not_found(
    resolution: Resolution,
    outcome: Outcome,
    empty: FloatMask,
    contents: Sequence[str],
    shares: Sequence[tuple[str, float]],
    stand_ins: Sequence[str] = (),
) -> Segmentation:
    """The answer for a region that has no mask here, with its honest sentence as the note."""
    answer = Segmentation(
        phrase=resolution.phrase,
        region=resolution.region,
        mask=empty,
        confidence=0.0,
        found=False,
        matched_by=resolution.matched_by,
        alternatives=tuple(contents),
        outcome=outcome,
        present=tuple(Share(name, share) for name, share in shares),
        stand_ins=tuple(stand_ins) if outcome == "unknown_object" else (),
    )
    note = answer.sentence()[:-1]
    if outcome == "unknown_object":
        note += " (the SAM3 backend finds such objects when its checkpoint is installed)"
    note += f"; it has: {', '.join(contents)} (and {ALSO})."
    return Segmentation(
        answer.phrase,
        answer.region,
        empty,
        0.0,
        False,
        answer.matched_by,
        note,
        answer.alternatives,
        answer.outcome,
        answer.present,
        answer.stand_ins,
    )
