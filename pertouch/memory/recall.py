"""From similar past retouches to a suggested starting state, with the sentence that explains it.

Each similar record votes for its edits with a weight: how similar its scene is (above a floor,
below which it does not count at all) times how recent it is (halving every ``half_life``). For
every region class the new photo has, and for the photo as a whole, the suggestion is the
weighted mean of the past deltas, a record that did not touch that attribute voting zero. The mean
is shrunk towards zero by a prior weight, so one old, half-similar retouch moves a new photo only a
little, and several consistent, recent ones move it nearly as far as they went.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pertouch.core.adjustments import GLOBAL, AdjustmentState, Baseline, Edit
from pertouch.core.attributes import ATTRIBUTES, Attribute
from pertouch.memory.records import MemoryRecord, edits_of
from pertouch.memory.scene import SceneDescription

#: Cosine similarity of scene texts below which a past scene is not "similar" (calibrated on
#: MiniLM with :meth:`SceneDescription.text`: same kind of scene 0.87-0.94, other kinds <= 0.72).
MIN_SIMILARITY = 0.78
HALF_LIFE_DAYS = 180.0
#: Weight of the imaginary "no change" vote that shrinks thin evidence towards zero.
PRIOR_WEIGHT = 0.5
#: Suggested deltas smaller than this (in levels) are not worth applying or mentioning.
MIN_DELTA = 0.05

_VERBS = {
    Attribute.TEMPERATURE: ("warmed", "cooled", "warmer", "cooler"),
    Attribute.BRIGHTNESS: ("brightened", "darkened", "brighter", "darker"),
    Attribute.CONTRAST: ("added contrast to", "softened", "punchier", "softer"),
    Attribute.COLORFULNESS: ("saturated", "muted", "more colourful", "more muted"),
}
_GENERIC_KINDS = {"scene", "outdoor", "indoor"}


@dataclass(frozen=True)
class Match:
    """A past record found similar, with its similarity and its weight in the suggestion."""

    record: MemoryRecord
    similarity: float
    weight: float


@dataclass(frozen=True)
class Suggestion:
    """A suggested starting state from memory, and why; empty when nothing similar was found.

    Attributes:
        edits: suggested edits, one per region class and attribute, in levels.
        reason: one sentence for the user, e.g. "You warmed the last 3 beach photos, so this one
            starts warmer (global temperature +0.24)."; empty when there are no edits.
        matches: the similar records that were weighed (weight 0 for those too dissimilar).
    """

    edits: tuple[Edit, ...] = ()
    reason: str = ""
    matches: tuple[Match, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.edits

    def to_state(self, baseline: Baseline = "as_shot") -> AdjustmentState:
        return AdjustmentState(baseline, self.edits)

    def merged_with(
        self, explicit: AdjustmentState | Iterable[Edit], baseline: Baseline | None = None
    ) -> AdjustmentState:
        """The suggestion with what the instruction names taking over.

        A strong instruction overrides memory for what it names: an explicit edit of a region's
        attribute drops memory's edit of that region and attribute, and an explicit global edit
        of an attribute drops memory's edits of that attribute everywhere. Everything else
        memory suggested stays, so a weak instruction leans on memory.
        """
        own = edits_of(explicit)
        named = {(e.region, e.attribute) for e in own}
        global_attributes = {a for region, a in named if region == GLOBAL}
        kept = tuple(
            e
            for e in self.edits
            if (e.region, e.attribute) not in named and e.attribute not in global_attributes
        )
        if baseline is None:
            baseline = explicit.baseline if isinstance(explicit, AdjustmentState) else "as_shot"
        return AdjustmentState(baseline, (*kept, *own))

    def to_dict(self) -> dict[str, object]:
        return {
            "edits": [e.to_dict() for e in self.edits],
            "reason": self.reason,
            "matches": [
                {
                    "id": m.record.id,
                    "similarity": round(m.similarity, 3),
                    "weight": round(m.weight, 3),
                }
                for m in self.matches
            ],
        }


def weight(
    similarity: float,
    age_s: float,
    min_similarity: float = MIN_SIMILARITY,
    half_life_days: float = HALF_LIFE_DAYS,
) -> float:
    """A record's vote: 0 below ``min_similarity``, rising to 1 at identical scenes, halved per half-life."""
    if similarity < min_similarity:
        return 0.0
    closeness = (similarity - min_similarity) / max(1e-9, 1.0 - min_similarity)
    recency = 0.5 ** (max(0.0, age_s) / (half_life_days * 86_400.0))
    return float((0.25 + 0.75 * min(1.0, closeness)) * recency)


def suggest(
    scene: SceneDescription,
    matches: Iterable[Match],
    prior_weight: float = PRIOR_WEIGHT,
    min_delta: float = MIN_DELTA,
) -> Suggestion:
    """Turn weighted matches into suggested edits for the regions ``scene`` has, and say why."""
    matches = tuple(matches)
    regions = (GLOBAL, *scene.classes)
    edits = []
    for region in regions:
        votes = [
            (m, _delta(m.record, region))
            for m in matches
            if m.weight > 0 and _applies(m.record, region)
        ]
        if not votes:
            continue
        total = sum(m.weight for m, _ in votes)
        mean = np.sum([m.weight * d for m, d in votes], axis=0) / (total + prior_weight)
        for attribute in ATTRIBUTES:
            value = float(np.clip(mean[attribute.channel], -1.0, 1.0))
            if abs(value) >= min_delta:
                edits.append(Edit(region, attribute, round(value, 3)))
    if not edits:
        return Suggestion(matches=matches)
    return Suggestion(tuple(edits), _reason(scene, edits, matches), matches)


def _applies(record: MemoryRecord, region: str) -> bool:
    return region == GLOBAL or region in record.scene.classes


def _delta(record: MemoryRecord, region: str) -> np.ndarray:
    return AdjustmentState("as_shot", record.edits).deltas().get(region, np.zeros(len(ATTRIBUTES)))


def _reason(scene: SceneDescription, edits: list[Edit], matches: tuple[Match, ...]) -> str:
    lead = max(edits, key=lambda e: abs(e.delta))
    voters = [m for m in matches if m.weight > 0 and _applies(m.record, lead.region)]
    same = [
        m for m in voters if _delta(m.record, lead.region)[lead.attribute.channel] * lead.delta > 0
    ]
    noun = f"{scene.kind} photos" if scene.kind not in _GENERIC_KINDS else "similar photos"
    if len(same) == 1:
        photos = (
            "a photo like this before"
            if scene.kind in _GENERIC_KINDS
            else f"a {scene.kind} photo before"
        )
    elif len(same) == len(voters):
        photos = f"the last {len(same)} {noun}"
    else:
        photos = f"{len(same)} of your {len(voters)} most similar {noun}"
    up, down, more, less = _VERBS[lead.attribute]
    verb = up if lead.delta > 0 else down
    target = photos if lead.region == GLOBAL else f"the {lead.region} in {photos}"
    how = more if lead.delta > 0 else less
    detail = ", ".join(f"{e.region} {e.attribute.value} {e.delta:+.2f}" for e in edits)
    subject = "this one starts" if lead.region == GLOBAL else f"this one's {lead.region} starts"
    return f"You {verb} {target}, so {subject} {how} ({detail})."
