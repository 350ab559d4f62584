"""The user's remembered taste in a thread: where a new photo starts, and what approval stores.

Three calls, all on :class:`~pertouch.memory.store.SceneMemory`: ``recall_start`` (perceive, on a
new photo), ``recall_answer`` (the planner's ``recall`` tool) and ``store_approval`` (classify,
when the user says the result is good).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.records import Snapshot
from pertouch.graph.state import State


def describe_photo(photo_ref: str, deps: Deps) -> Any:
    """The memory's description of the photo behind ``photo_ref``."""
    from pertouch.memory.scene import describe

    pixels = deps.image(photo_ref)
    return describe(pixels, deps.segmenter.propose(pixels))


def recall_start(user: str, photo_ref: str, deps: Deps) -> dict[str, Any]:
    """Describe the new photo and start it from what this user approved on similar scenes.

    The suggestion becomes the thread's starting adjustment; the planner's own edits then replace
    it for the regions and attributes the words name (``set_edit`` sets totals), so a strong
    instruction overrides memory for what it names and a weak one leans on it. Suggested regions
    the segmenter cannot find are dropped.
    """
    scene = describe_photo(photo_ref, deps)
    suggestion = deps.memory.recall(user, scene)
    update: dict[str, Any] = {"scene_description": scene, "suggestion": suggestion}
    if suggestion.empty:  # "Nothing you approved looks like this photo yet: ..." is said too
        return {**update, "notes": [suggestion.reason]} if suggestion.reason else update
    pixels = deps.image(photo_ref)
    masks: dict[str, str] = {}
    kept = []
    for edit in suggestion.edits:
        if edit.region != GLOBAL and edit.region not in masks:
            found = deps.segmenter.segment(pixels, edit.region)
            if not found.found:
                continue
            masks[edit.region] = deps.store.put(np.round(found.mask * 255).astype(np.uint8))
        kept.append(edit)
    if not kept:
        return update
    start = AdjustmentState("as_shot", tuple(kept))
    return {
        **update,
        "masks": masks,
        "adjustment": start,
        "planned": start,
        "start": Snapshot(adjustment=start),
        "notes": [f"{suggestion.reason} (Say so if you would rather start fresh.)"],
    }


def recall_answer(state: State, deps: Deps) -> str:
    """What the ``recall`` tool tells the planner: the user's suggestion for this photo, and why."""
    if deps.memory is None:
        return "This agent runs without a memory, so nothing is remembered."
    if not state.user:
        return "No user is named for this conversation, so there is no remembered taste."
    suggestion = state.suggestion
    if suggestion is None:
        scene = state.scene_description or describe_photo(state.photo_ref, deps)
        suggestion = deps.memory.recall(state.user, scene)
    if suggestion.empty:
        return suggestion.reason or "Nothing remembered for this user looks like this photo."
    edits = [e.to_dict() for e in suggestion.edits]
    return json.dumps({"reason": suggestion.reason, "edits": edits})


def store_approval(state: State, deps: Deps) -> None:
    """Store an approved retouch in the user's memory (once per photo and adjustment)."""
    from pertouch.memory.approval import PendingRetouch, settle

    if not state.user:
        return
    scene = state.scene_description
    if scene is None or not scene.measurements:  # named late, or a thread from an older version
        scene = describe_photo(state.photo_ref, deps)
    words = state.instructions[:-1] or [state.instruction]  # not the "looks good" itself
    digest = hashlib.sha256(state.adjustment.to_json().encode()).hexdigest()[:16]
    pending = PendingRetouch(
        user=state.user,
        scene=scene,
        state=state.adjustment,
        instruction=" / ".join(words),
        key=f"{state.photo_ref}/{digest}",
        photo=Path(state.source).name
        if state.source and not state.source.startswith("sha256:")
        else "",
    )
    settle(deps.memory, pending, "approved")
