"""From similar past retouches to a suggested starting state, with the sentence that explains it.

Each similar record votes for its edits with a weight: how similar its scene is (above a floor,
below which it does not count at all) times how recent it is (halving every ``half_life``). Only
scenes surely of one kind and holding much the same (sky, water, leaves, buildings, people in
like shares) vote for each other, however similar their light and colour: a portrait never
inherits a landscape's look, and a photo whose kind is unsure inherits nothing. For
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
from pertouch.core.attributes import ATTRIBUTES
from pertouch.memory.composition import share_taste
from pertouch.memory.explain import explain, explain_nothing
from pertouch.memory.records import MemoryRecord, edits_of
from pertouch.memory.scene import SceneDescription
from pertouch.memory.space import default_space

#: Cosine similarity of scene vectors below which a past scene does not count (fitted on real
#: photos by ``benchmarks/eval_scenes.py --fit``; see :mod:`pertouch.memory.space`).
MIN_SIMILARITY = default_space().min_similarity
HALF_LIFE_DAYS = 180.0
#: Weight of the imaginary "no change" vote that shrinks thin evidence towards zero.
PRIOR_WEIGHT = 0.5
#: Suggested deltas smaller than this (in levels) are not worth applying or mentioning.
MIN_DELTA = 0.05


@dataclass(frozen=True)
class Match:
    """A past record found near, with its similarity and its weight in the suggestion.

    Attributes:
        comparable: False when the two photos are not surely of one kind of scene (one shows
            people and the other does not, or either kind is unsure); it then has no weight,
            however similar.
    """

    record: MemoryRecord
    similarity: float
    weight: float
    comparable: bool = True


@dataclass(frozen=True)
class Suggestion:
    """A suggested starting state from memory, and why; empty when nothing similar was found.

    Attributes:
        edits: suggested edits, one per region class and attribute, in levels.
        reason: for the user: which approved photos it follows, how similar they are, what they
            have in common, and what it changes; when the user has records but none is similar
            enough, it says so ("Nothing you approved looks like this photo yet: ..."); empty
            only when the user has no records to compare.
        matches: the nearest records that were weighed (weight 0 for those not similar enough).
        min_similarity: the cut-off the matches were held to.
    """

    edits: tuple[Edit, ...] = ()
    reason: str = ""
    matches: tuple[Match, ...] = ()
    min_similarity: float = MIN_SIMILARITY

    @property
    def empty(self) -> bool:
        """No edits to start from (the reason may still say why)."""
        return not self.edits

    @property
    def used(self) -> tuple[Match, ...]:
        """The matches that weighed in, most similar first."""
        return tuple(m for m in self.matches if m.weight > 0)

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
            "min_similarity": round(self.min_similarity, 3),
            "matches": [
                {
                    "id": m.record.id,
                    "photo": m.record.photo,
                    "framing": m.record.scene.framing,
                    "instruction": m.record.instruction,
                    "similarity": round(m.similarity, 3),
                    "weight": round(m.weight, 3),
                    "comparable": m.comparable,
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


def comparable(new: SceneDescription, past: SceneDescription) -> bool:
    """Whether a past scene may vote for a new one: both are surely of one kind of scene and hold
    much the same (:func:`pertouch.memory.composition.share_taste`); scenes without
    measurements, by whether both show people or neither does."""
    if new.measured and past.measured:
        return share_taste(new.measurements, past.measurements)
    return new.has_people == past.has_people


def suggest(
    scene: SceneDescription,
    matches: Iterable[Match],
    prior_weight: float = PRIOR_WEIGHT,
    min_delta: float = MIN_DELTA,
    min_similarity: float = MIN_SIMILARITY,
) -> Suggestion:
    """Turn weighted matches into suggested edits for the regions ``scene`` has, and say why.

    With no matches at all (nothing remembered to compare) the suggestion is empty and silent;
    with matches of which none counts, or whose edits cancel out, the reason says so.
    """
    matches = tuple(sorted(matches, key=lambda m: -m.similarity))
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
        reason = explain_nothing(scene, matches, min_similarity) if matches else ""
        return Suggestion((), reason, matches, min_similarity)
    lead = max(edits, key=lambda e: abs(e.delta))
    lead_votes = [
        (m, float(_delta(m.record, lead.region)[lead.attribute.channel]))
        for m in matches
        if m.weight > 0 and _applies(m.record, lead.region)
    ]
    reason = explain(scene, edits, lead, lead_votes)
    return Suggestion(tuple(edits), reason, matches, min_similarity)


def _applies(record: MemoryRecord, region: str) -> bool:
    return region == GLOBAL or region in record.scene.classes


def _delta(record: MemoryRecord, region: str) -> np.ndarray:
    return AdjustmentState("as_shot", record.edits).deltas().get(region, np.zeros(len(ATTRIBUTES)))
