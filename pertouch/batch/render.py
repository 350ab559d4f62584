"""Rendering one photo of a batch: solved on the proxy, applied at full resolution.

The parametric renderer solves on a 512 px analysis view whatever size it is given, so the plan
solved on the 1024 px proxy, with the masks found there, is the plan the full-resolution photo
would get; applying it to the full photo skips stretching every mask to 12 MP and measuring them
again. Other renderers (the diffusion backbone) get the full photo and full-size masks.

A match adds a closed loop. Its edits are computed as differences of levels, but the renderer
does not only add them: where colourfulness changes, the temperature target follows the colour
move (``parametric._colour_shift``), and targets stop at the ends of the scale. So the plan's
reached levels are compared with the reference's, region by region, the difference is folded
back into the edits, and the photo is solved again; the closest plan is the one applied.

When the reference had no rest to match (the segmenter named nearly all of it), the whole photo is
what the rest's miss stands for: the plan's solver regions cannot report it, so the plan is applied
to the proxy and measured, and the whole's miss moves the global edits (everything not named
follows them) while the named regions keep their own corrections. Without it, nothing corrected
the part of the photo no shared region covers, and the whole could miss by 0.09.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.parametric import ParametricRenderer, RenderPlan
from pertouch.batch.look import MatchTarget
from pertouch.batch.match import REST, U8, full_masks, region_levels
from pertouch.core.adjustments import GLOBAL, MAX_DELTA, AdjustmentState, Edit
from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES
from pertouch.core.imageio import Pixels

#: Corrections after the first solve: on the test shoots the first one takes the largest miss
#: from 0.08 to under 0.01, and a second rarely changes anything visible.
MATCH_CORRECTIONS = 2
#: A plan this close to the reference is not corrected again: well inside the 0.05 promise, and
#: each correction costs a solve (a third of a matched photo's CPU time).
SETTLED = 0.02
#: A correction that does not take at least this share off the miss means the rest is out of this
#: photo's reach (another scene, a clipped sky): stop there.
GAIN = 0.75


@dataclass(frozen=True)
class Rendered:
    """The full-resolution result, and the state that made it (a match's corrected one)."""

    pixels: Pixels
    state: AdjustmentState


def render_photo(
    pixels: Pixels,
    proxy: Pixels,
    state: AdjustmentState,
    masks: Mapping[str, U8],
    services: Any,
    target: MatchTarget | None = None,
) -> Rendered:
    """``state`` rendered on ``pixels``, with ``masks`` found on ``proxy`` (the photo itself when
    no proxy was made); with ``target``, the state is first corrected until the plan lands there."""
    if not state.edits and state.baseline == "as_shot":
        return Rendered(pixels, state)
    used = {r: masks[r] for r in state.regions}
    renderer = getattr(services.renderer, "renderer", services.renderer)  # unwrap OneAtATime
    if not isinstance(renderer, ParametricRenderer):
        return Rendered(services.renderer.render(pixels, state, full_masks(used, pixels)), state)
    plan = renderer.solve(proxy, state, used)
    if target is not None:
        state, plan = _settle(renderer, proxy, state, used, plan, target, services)
    return Rendered(renderer.apply(pixels, plan), state)


def _settle(
    renderer: ParametricRenderer,
    proxy: Pixels,
    state: AdjustmentState,
    masks: Mapping[str, U8],
    plan: RenderPlan,
    target: MatchTarget,
    services: Any,
) -> tuple[AdjustmentState, RenderPlan]:
    """Correct a match's state by what the plan misses, solve again; return the closest."""
    whole = REST not in target.levels and GLOBAL in target.levels

    def misses_of(plan: RenderPlan) -> dict[str, NDArray[np.float64]]:
        misses = _misses(plan, target)
        if whole:
            reached = region_levels(renderer.apply(proxy, plan), {}, services)[GLOBAL]
            misses[GLOBAL] = np.clip(target.levels[GLOBAL], -1, 1) - reached
        return misses

    reached = misses_of(plan)
    best = (_largest(reached), state, plan)
    # the first correction starts from what the renderer made of the edits (its targets)
    misses = {**reached, **_misses(plan, target, plan.targets)}
    for _ in range(MATCH_CORRECTIONS):
        if best[0] < SETTLED or not misses:
            break
        state = _corrected(state, misses)
        plan = renderer.solve(proxy, state, masks)
        misses = misses_of(plan)
        miss, before = _largest(misses), best[0]
        if miss < best[0]:
            best = (miss, state, plan)
        if miss > GAIN * before:
            break
    return best[1], best[2]


def _misses(
    plan: RenderPlan, target: MatchTarget, levels: NDArray[np.float64] | None = None
) -> dict[str, NDArray[np.float64]]:
    """Per plan region the reference has: its level minus ``levels`` (the plan's reached ones by
    default), both clipped as levels are reported (beyond the scale's end is at the end)."""
    levels = plan.levels if levels is None else levels
    return {
        name: np.clip(target.levels[name], -1, 1) - np.clip(levels[i], -1, 1)
        for i, name in enumerate(plan.regions)
        if name in target.levels and name != GLOBAL
    }


def _largest(misses: Mapping[str, NDArray[np.float64]]) -> float:
    return max((float(np.abs(m).max()) for m in misses.values()), default=0.0)


def _corrected(
    state: AdjustmentState, misses: Mapping[str, NDArray[np.float64]]
) -> AdjustmentState:
    """The match state with each region's miss added to what moves it: the rest's (or, with no
    rest, the whole photo's) to the global edits (everything follows them), a named region's, less
    that shift, to its own."""
    moved = state.deltas()
    shift = misses.get(REST, misses.get(GLOBAL, np.zeros(NUM_ATTRIBUTES)))
    moved[GLOBAL] = moved.get(GLOBAL, np.zeros(NUM_ATTRIBUTES)) + shift
    for name, miss in misses.items():
        if name not in (REST, GLOBAL):
            moved[name] = moved.get(name, np.zeros(NUM_ATTRIBUTES)) + miss - shift
    edits = [
        Edit(region, a, round(float(np.clip(values[a.channel], -MAX_DELTA, MAX_DELTA)), 4))
        for region, values in moved.items()
        for a in ATTRIBUTES
    ]
    return state.with_edits(edits)
