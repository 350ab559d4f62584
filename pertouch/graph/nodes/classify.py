"""classify: what kind of instruction this is; undo and approval are carried out right here."""

from __future__ import annotations

from typing import Any

import numpy as np
from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from pertouch.core.errors import PerTouchError
from pertouch.graph import prompts
from pertouch.graph.calling import ask, check_calls
from pertouch.graph.context import Context
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.nodes.taste import store_approval
from pertouch.graph.schemas import Classification, answer_tool
from pertouch.graph.state import State


def classify(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Ask the model what kind of instruction this is; carry out undo and approval directly."""
    messages = [
        SystemMessage(content=prompts.CLASSIFY_SYSTEM),
        HumanMessage(content=state.instruction),
    ]
    reply, notes = ask(
        deps.model,
        deps.fallback,
        messages,
        [answer_tool("classify", Classification)],
        check_calls({"classify": Classification}, required="classify"),
        tool_choice="classify",
    )
    call = next(c for c in reply.tool_calls if c["name"] == "classify")
    found = Classification.model_validate(call["args"])
    update: dict[str, Any] = {"classification": found, "notes": [*state.notes, *notes]}
    if found.kind == "approve":
        update["status"] = "approved"
        if deps.memory is not None:
            try:
                store_approval(state, deps)
            except PerTouchError as err:  # approved all the same; say why nothing was kept
                update["notes"] = [*update["notes"], f"Not remembered: {err}"]
    elif found.kind == "undo":
        update.update(_undo(state, found.reset))
    elif found.kind == "weak_optimize":
        update.update(_auto_look(state, deps, update["notes"]))
    runtime.stream_writer({"node": "classify", **found.model_dump()})
    return update


#: Region kinds the auto look has a prior for; the photo's regions of these kinds are segmented.
_AUTO_KINDS = ("sky", "people", "vegetation", "water", "ground", "buildings")


def _auto_look(state: State, deps: Deps, notes: list[str]) -> dict[str, Any]:
    """The photo's scene-aware auto look, measured per region kind, as the turn's starting state.

    The look is computed here, with the segmenter's regions, and kept in the state, so the
    critique measures against the same moves the renderer makes.
    """
    from pertouch.core.auto_look import auto_look
    from pertouch.core.priors import prior_kind

    pixels = deps.image(state.photo_ref)
    masks = dict(state.masks)
    arrays: dict[str, Any] = {}
    for name in state.regions:
        if prior_kind(name) not in _AUTO_KINDS or name in ("skin", "face skin", "body skin"):
            continue
        if name not in masks:
            found = deps.segmenter.segment(pixels, name)
            if not found.found:
                continue
            masks[name] = deps.store.put(np.round(found.mask * 255).astype(np.uint8))
        arrays[name] = deps.store.get(masks[name])
    look = auto_look(pixels, arrays, deps.scale)
    auto = state.adjustment.with_auto(look)
    return {"adjustment": auto, "planned": auto, "masks": masks, "notes": [*notes, *look.notes]}


def _undo(state: State, reset: bool) -> dict[str, Any]:
    if not state.history:
        return {"notes": [*state.notes, "There is nothing to undo yet."]}
    entry = state.history[0] if reset else state.history[-1]
    return {
        "adjustment": entry.adjustment,
        "rendered": entry.adjustment,
        "planned": entry.adjustment,
        "output_ref": entry.output_ref,
        "last_change": entry.last_change,
        "history": [] if reset else state.history[:-1],
    }
