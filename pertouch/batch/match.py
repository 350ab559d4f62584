"""Matching a set to a reference: every photo lands at the reference result's per-region levels.

Regions are the segmenter's *partition* of the photo (its region map: each pixel belongs to one
of sky, vegetation, water, ground, subject, person, hair, face, or to nothing named, the "rest").
A partition, not overlapping masks, because matching the parts must also match the whole: the
rest moves by the rest's difference (as a global edit, so everything moves with it), and each
named region both photos have moves by its own difference on top. A region the reference lacks is
part of this photo's rest, and follows it.

Levels are measured on the 512 px analysis view, as everywhere, so masks found on the 1024 px
proxy and stretched to full resolution measure the same as masks found at full resolution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.batch.look import MatchTarget
from pertouch.core.adjustments import GLOBAL, MAX_DELTA, AdjustmentState, Edit
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.imageio import Pixels
from pertouch.core.metrics import measure_raw

U8 = NDArray[np.uint8]
#: The part of a photo no named region covers.
REST = "(rest)"
#: Share of the photo below which the rest is not matched (the whole photo is, instead). The
#: learned segmenter names nearly every pixel, so a rest this small is boundary slivers plus any
#: region this take found and the reference did not (the rocket's take4 folds in 2.6 % "water" the
#: reference saw as sky): not the same content from take to take, so no level to land on (it left
#: take4 0.15 short and pulled its global edits +0.5 against -0.5 on every region).
MIN_REST = 0.10


def to_u8(mask: NDArray[np.generic]) -> U8:
    """A float mask in [0, 1] (or a uint8 one) as uint8 0..255."""
    if mask.dtype == np.uint8:
        return np.asarray(mask, dtype=np.uint8)
    weights = np.clip(np.asarray(mask, dtype=np.float32), 0.0, 1.0)
    return np.round(weights * 255).astype(np.uint8)


def full_masks(masks: Mapping[str, U8], pixels: Pixels) -> dict[str, U8]:
    """Proxy masks stretched (bilinear) to the photo's full resolution."""
    height, width = pixels.shape[:2]
    return {
        name: mask
        if mask.shape == (height, width)
        else np.asarray(
            cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.uint8
        )
        for name, mask in masks.items()
    }


def partition(proxy: Pixels, services: Any, names: set[str] | None = None) -> dict[str, U8]:
    """The photo's named regions (those in ``names``, when given) and the rest, as disjoint masks."""
    regions = services.segmenter.propose(proxy)
    masks: dict[str, U8] = {}
    for region in regions.regions:
        if names is None or region.label in names:
            masks[region.label] = np.where(regions.labels == region.index, 255, 0).astype(np.uint8)
    covered = (
        np.maximum.reduce(list(masks.values())) if masks else np.zeros(proxy.shape[:2], np.uint8)
    )
    rest = (255 - covered).astype(np.uint8)
    if rest.mean() >= 255 * MIN_REST:
        masks[REST] = rest
    return masks


def region_levels(
    pixels: Pixels, masks: Mapping[str, U8], services: Any, clip: bool = True
) -> dict[str, NDArray[np.float64]]:
    """Levels of the whole photo (``"global"``) and of each masked region."""
    whole = np.full(pixels.shape[:2], 255, np.uint8)
    raw = measure_raw(pixels, {GLOBAL: whole, **full_masks(masks, pixels)})
    return {name: services.scale.to_level(values, clip=clip) for name, values in raw.items()}


def target_of(
    result: Pixels, masks: Mapping[str, U8], services: Any, reference: str
) -> MatchTarget:
    """The levels a reference ``result`` has in its regions (unclipped, so edits can reach them)."""
    levels = region_levels(result, masks, services, clip=False)
    return MatchTarget(
        levels={n: _four(values) for n, values in levels.items()}, reference=reference
    )


def match_decision(
    proxy: Pixels, target: MatchTarget, services: Any
) -> tuple[AdjustmentState, dict[str, U8], list[str]]:
    """The state (with its masks, on ``proxy``) that moves this photo onto ``target``."""
    masks = partition(proxy, services, set(target.levels) - {GLOBAL, REST})
    named = [n for n in masks if n != REST]
    own = region_levels(proxy, masks, services, clip=False)
    anchor = REST if REST in masks and REST in target.levels else GLOBAL
    shift = np.asarray(target.levels[anchor]) - own[anchor]
    edits = [Edit(GLOBAL, a, _delta(shift[a.channel])) for a in ATTRIBUTES]
    for name in named:
        extra = np.asarray(target.levels[name]) - own[name] - shift
        edits += [Edit(name, a, _delta(extra[a.channel])) for a in ATTRIBUTES]
    missing = sorted(set(target.levels) - set(masks) - {GLOBAL, REST})
    notes = [f"Not found in this photo: {', '.join(missing)}."] if missing else []
    return AdjustmentState("as_shot", tuple(edits)), {n: masks[n] for n in named}, notes


def match_residual(
    pixels: Pixels, masks: Mapping[str, U8], target: MatchTarget, services: Any
) -> float:
    """The largest level difference between a result and the target, over the named regions
    ``masks`` and the rest (or the whole photo, when the reference had no rest to match)."""
    regions = dict(masks)
    covered = (
        np.maximum.reduce(list(regions.values()))
        if regions
        else np.zeros(pixels.shape[:2], np.uint8)
    )
    rest = (255 - covered).astype(np.uint8)
    if REST in target.levels and rest.mean() >= 255 * MIN_REST:
        regions[REST] = rest
    reached = region_levels(pixels, regions, services)
    compared = [n for n in reached if n in target.levels and (n != GLOBAL or REST not in regions)]
    return max(
        float(np.max(np.abs(reached[n] - np.clip(target.levels[n], -1, 1)))) for n in compared
    )


def _four(values: NDArray[np.float64]) -> tuple[float, float, float, float]:
    a, b, c, d = (round(float(v), 4) for v in values)
    return a, b, c, d


def _delta(value: float) -> float:
    return round(float(np.clip(value, -MAX_DELTA, MAX_DELTA)), 4)
