"""render: the adjustment state at full resolution, then every planned edit measured."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
from langgraph.runtime import Runtime
from numpy.typing import NDArray

from pertouch.backbone.base import Renderer
from pertouch.backbone.parametric import ParametricRenderer
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import ATTRIBUTES, Attribute
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Pixels
from pertouch.core.levels import LevelScale
from pertouch.core.metrics import measure_raw
from pertouch.graph.context import Context
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.records import Measurement, Round
from pertouch.graph.state import State


def render(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Render the adjustment state at full resolution and measure every edited region."""
    original = deps.image(state.photo_ref)
    masks = {name: deps.store.get(ref) for name, ref in state.masks.items()}
    try:
        weak = state.kind.startswith("weak")
        output, held = render_protected(deps.renderer, original, state.adjustment, masks, weak)
    except PerTouchError as err:
        return {"error": str(err)}
    ref = deps.put(output)
    record = Round(
        round=state.round + 1,
        adjustment=state.adjustment,
        measured=measure_edits(
            original, output, masks, state.planned, state.adjustment, deps.scale, held
        ),
        output_ref=ref,
    )
    runtime.stream_writer({"node": "render", **record.to_dict()})
    return {
        "output_ref": ref,
        "rendered": state.adjustment,
        "round": state.round + 1,
        "rounds": [*state.rounds, record],
    }


def render_protected(
    renderer: Renderer,
    image: Pixels,
    state: AdjustmentState,
    masks: Mapping[str, NDArray[np.generic]],
    weak: bool = True,
) -> tuple[Pixels, list[tuple[str, str]]]:
    """Render ``state``, its white balance stopped where the highlights would clip; also the
    (region, attribute) pairs the renderer held short of their targets.

    New clipping is never what a person asks for ("warmer" on a white space suit blew 3.4% of
    the photo), so the agent solves every turn with ``protect_highlights``; the measurement then
    takes a held level as far as it harmlessly goes, and the reply says it was held. Renderers
    that do not solve (the diffusion backbone) render as they are and hold nothing.

    Contrast and colour are bounded too only for a ``weak`` wish (a look, "make it better"): a
    measured request ("make the sky more vivid") gets the colour it asked for, and the guards
    report any harm.
    """
    if isinstance(renderer, ParametricRenderer):
        plan = renderer.solve(image, state, masks, protect_highlights=True, bound_tone=weak)
        return renderer.apply(image, plan), plan.held_back()
    return renderer.render(image, state, masks), []


#: Share of the photo that must be left outside the edited regions for a global edit to be
#: measured there rather than on the whole photo.
MIN_GLOBAL_REST = 0.1


def measure_edits(
    original: Pixels,
    output: Pixels,
    masks: Mapping[str, NDArray[np.generic]],
    planned: AdjustmentState,
    rendered: AdjustmentState,
    scale: LevelScale,
    held: Collection[tuple[str, str]] = (),
) -> tuple[Measurement, ...]:
    """Per planned edit: the level before, the target the words asked for, the level measured.

    A region's own edit is measured on its mask, a global edit where no region's own edit acts
    (:func:`_global_view`); with the auto baseline every attribute of the whole photo is checked
    too.

    Temperature is not measured where the region's colourfulness moves as well: the renderer
    treats temperature as white balance and lets a colour change carry the measured temperature
    with it (less colour is also closer to grey's temperature), so a level target for it would
    send the critique to undo a white balance nobody asked to change.

    ``held`` names the (solver region, attribute) pairs the renderer held short of their target
    to do no harm (:func:`render_protected`); a row is held when its own region was, or, for the
    whole photo, any region. Its miss counts as none: the critique must not push it further.
    """
    pairs = [(e.region, e.attribute.value) for e in planned.edits]
    if planned.baseline == "auto":  # each region the look moved, on its own mask
        looked = [r.region for r in planned.auto.regions] if planned.auto else []
        named = [r for r in looked if r in masks] or [GLOBAL]
        pairs += [(r, a.value) for r in named for a in ATTRIBUTES]
    pairs = list(dict.fromkeys(p for p in pairs if p[0] == GLOBAL or p[0] in masks))
    if not pairs:
        return ()
    names = list(dict.fromkeys(r for r, _ in pairs))
    height, width = original.shape[:2]
    rest = _global_view((height, width), masks, planned) if GLOBAL in names else None
    chosen = {n: rest if n == GLOBAL and rest is not None else masks[n] for n in names}
    before = {n: scale.to_level(v) for n, v in measure_raw(original, chosen).items()}
    after = {n: scale.to_level(v) for n, v in measure_raw(output, chosen).items()}
    targets = planned.targets(before, names)
    recoloured = {n for n in names if _colour_asked(planned, n)}
    pairs = [p for p in pairs if not (p[0] in recoloured and p[1] == Attribute.TEMPERATURE.value)]
    current = {(e.region, e.attribute.value): e.delta for e in rendered.edits}
    stopped = {(r, a) for r, a in held} | {(GLOBAL, a) for _, a in held}
    channels = [a.value for a in ATTRIBUTES]
    return tuple(
        Measurement(
            region=name,
            attribute=attribute,
            before=round(float(before[name][channels.index(attribute)]), 3),
            target=round(float(targets[name][channels.index(attribute)]), 3),
            measured=round(float(after[name][channels.index(attribute)]), 3),
            delta=current.get((name, attribute), 0.0),
            held=(name, attribute) in stopped,
        )
        for name, attribute in pairs
    )


def _global_view(
    shape: tuple[int, int], masks: Mapping[str, NDArray[np.generic]], planned: AdjustmentState
) -> NDArray[np.uint8]:
    """Where a global edit is measured: the photo less the regions that have edits of their own.

    Those regions carry the global edit plus their own, so on the whole photo the global edit's
    measured change would include theirs ("warm it up and warm the sky more" would read as more
    warming than asked, and the critique would take the land's warming back). When they cover
    nearly all of the photo, the whole photo is measured.
    """
    rest = np.ones(shape, np.float32)
    for region in {e.region for e in planned.edits if e.region != GLOBAL and e.region in masks}:
        mask = masks[region]
        inside = np.asarray(mask, np.float32) / (255.0 if mask.dtype == np.uint8 else 1.0)
        np.minimum(rest, 1.0 - np.clip(inside, 0.0, 1.0), out=rest)
    if float(rest.mean()) < MIN_GLOBAL_REST:
        rest[:] = 1.0
    return np.round(rest * 255).astype(np.uint8)


def _colour_asked(state: AdjustmentState, region: str) -> bool:
    """Whether ``state`` moves the colourfulness of ``region`` (its own edit, a global one, or
    the auto look's)."""
    c = Attribute.COLORFULNESS.channel
    deltas = state.deltas()
    own = deltas.get(region, np.zeros(len(ATTRIBUTES))) if region != GLOBAL else 0.0
    moved = deltas.get(GLOBAL, np.zeros(len(ATTRIBUTES))) + own + state.auto_delta(region)
    return bool(abs(float(moved[c])) > 1e-9)
