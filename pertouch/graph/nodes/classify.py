"""classify: what kind of instruction this is; undo and approval are carried out right here."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from pertouch.core.errors import PerTouchError
from pertouch.graph import prompts
from pertouch.graph.calling import add_notes, ask, check_calls
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
    reply, notes, fell_back = ask(
        deps.model,
        deps.fallback,
        messages,
        [answer_tool("classify", Classification)],
        check_calls({"classify": Classification}, required="classify"),
        tool_choice="classify",
        deadline=state.model_deadline or None,
    )
    call = next(c for c in reply.tool_calls if c["name"] == "classify")
    found = Classification.model_validate(call["args"])
    update: dict[str, Any] = {
        "classification": found,
        "notes": add_notes(state.notes, notes),
        "model_fell_back": state.model_fell_back or fell_back,
    }
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


def _auto_look(state: State, deps: Deps, notes: list[str]) -> dict[str, Any]:
    """The photo's scene-aware auto look over its proposed regions, as the turn's starting state.

    The look is computed here, with the segmenter's regions (the same way the evaluation in
    ``benchmarks/eval_looks.py`` does), and kept in the state with its masks, so the renderer
    and the critique use exactly the moves and regions the look was planned on.
    """
    from pertouch.tools.auto_plan import plan_auto_look

    plan = plan_auto_look(deps.image(state.photo_ref), deps.segmenter, deps.scale)
    masks = {**state.masks, **{name: deps.store.put(m) for name, m in plan.masks.items()}}
    auto = state.adjustment.with_auto(plan.look)
    return {
        "adjustment": auto,
        "planned": auto,
        "masks": masks,
        "notes": [*notes, *plan.look.notes],
    }


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
