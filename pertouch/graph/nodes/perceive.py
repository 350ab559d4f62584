"""perceive: check the instruction, load the photo on a thread's first turn, reset the turn.

On a new photo it lists the regions the photo contains, tags the scene and, when the user has a
memory, starts from what they approved on similar scenes (see :mod:`pertouch.graph.nodes.taste`).
Bad input (an empty or overlong instruction, an unreadable photo) becomes ``error``: one sentence,
and the graph goes straight to ``respond``.
"""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import PerTouchError
from pertouch.core.sources import read_photo, source_key, source_kind
from pertouch.graph.context import Context
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.nodes.taste import recall_start
from pertouch.graph.records import Snapshot
from pertouch.graph.state import State

_PEOPLE = {"face", "person", "skin", "hair"}
_LANDSCAPE = {"sky", "vegetation", "water", "ground", "mountains"}


def perceive(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Check the instruction, load the photo (first turn), list its regions; reset the turn."""
    ctx = runtime.context or Context()
    budget = ctx.model_budget_s if ctx.model_budget_s is not None else deps.model_budget_s
    turn: dict[str, Any] = {
        "start": Snapshot(
            adjustment=state.adjustment,
            output_ref=state.output_ref,
            last_change=state.last_change,
        ),
        "planned": state.adjustment,
        "classification": None,
        "round": 0,
        "steps": 0,
        "rounds": [],
        "verdict": None,
        "notes": [],
        "response": "",
        "error": "",
        "model_deadline": time.time() + budget if budget > 0 else 0.0,
        "model_fell_back": False,
    }
    text = state.instruction if isinstance(state.instruction, str) else ""
    if not text.strip():
        return {
            **turn,
            "error": "The instruction is empty; say what to change, e.g. 'brighten the faces a little'.",
        }
    if len(text) > ctx.max_instruction_chars:
        return {
            **turn,
            "error": f"The instruction is {len(text):,} characters long; say it in at most {ctx.max_instruction_chars:,}.",
        }
    update: dict[str, Any] = {
        **turn,
        "messages": [HumanMessage(content=text)],
        "instructions": [*state.instructions, text],
    }
    if state.photo and source_key(state.photo) != state.source:
        try:
            update.update(_load(state.photo, deps))
        except PerTouchError as err:
            return {**turn, "error": str(err)}
        update["start"] = Snapshot()
        update["planned"] = AdjustmentState()
        update["instructions"] = [text]  # a new photo starts a new conversation about it
        if deps.memory is not None and state.user and ctx.use_memory:
            try:
                update.update(recall_start(state.user, update["photo_ref"], deps))
            except PerTouchError as err:  # an unknown user, an unreachable store
                return {**turn, "error": str(err)}
    elif not state.photo_ref:
        return {**turn, "error": "No photo yet; give a photo with the first instruction."}
    if state.user_masks or "given_masks" in update:
        given = {**update.get("given_masks", state.given_masks), **state.user_masks}
        regions = update.get("regions", state.regions)
        update["given_masks"] = given
        update["regions"] = [*regions, *(w for w in given if w not in regions)]
    runtime.stream_writer(
        {
            "node": "perceive",
            "regions": update.get("regions", state.regions),
            "scene": update.get("scene", state.scene),
        }
    )
    return update


def _load(photo: str, deps: Deps) -> dict[str, Any]:
    """A new photo: store it, list its regions, tag the scene, and forget the old photo's work."""
    if source_kind(photo) == "ref" and deps.photos.paths:  # local callers store photos first
        pixels = deps.store.get(photo)
    else:
        pixels = read_photo(photo, deps.photos).pixels
    ref = deps.put(pixels)
    lister = getattr(deps.segmenter, "contents", None)
    regions = list(lister(pixels) if callable(lister) else deps.segmenter.propose(pixels).names())
    names = set(regions)
    scene = "portrait" if names & _PEOPLE else "landscape" if names & _LANDSCAPE else "other"
    return {
        "source": source_key(photo),
        "photo_ref": ref,
        "regions": regions,
        "scene": scene,
        "scene_description": None,
        "suggestion": None,
        "masks": {},
        "given_masks": {},
        "adjustment": AdjustmentState(),
        "rendered": AdjustmentState(),
        "output_ref": "",
        "history": [],
        "last_change": (),
        "status": "active",
    }
