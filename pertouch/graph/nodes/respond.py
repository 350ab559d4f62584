"""respond: the reply to the user; a turn that changed the result is recorded for "undo"."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from pertouch.core.guards import best_round
from pertouch.graph.context import Context
from pertouch.graph.explain import respond_text
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.records import change
from pertouch.graph.state import State


def respond(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Answer the user and, when this turn changed the result, record it for undo.

    Of the turn's rounds the best one is kept (harmless before harmful, then least harm, visible
    before invisible, then closest to the targets), never a worse later one.
    """
    update: dict[str, Any] = {}
    if len(state.rounds) > 1 and all(r.guards is not None for r in state.rounds):
        reports = [r.guards for r in state.rounds if r.guards is not None]
        best = best_round(reports, [r.miss for r in state.rounds])
        if best != len(state.rounds) - 1:
            kept = state.rounds[best]
            note = f"Kept round {kept.round}: the later rounds were no better for the photo."
            update = {
                "output_ref": kept.output_ref,
                "adjustment": kept.adjustment,
                "rendered": kept.adjustment,
                "notes": [*state.notes, note],
            }
            state = replace(state, rounds=state.rounds[: best + 1], **update)
    text = respond_text(state)
    update.update({"response": text, "messages": [AIMessage(content=text)]})
    start = state.start
    if (
        not state.error
        and state.kind not in ("undo", "approve")
        and state.output_ref != start.output_ref
    ):
        update["history"] = [*state.history, start]
        # after "a bit less", the last change is the refined one, measured from before the
        # turn it refined, so "now the faces" or another "less" act on what is on screen
        base = state.history[-1] if state.kind == "refine" and state.history else start
        update["last_change"] = change(base.adjustment, state.planned)
    runtime.stream_writer({"node": "respond", "response": text})
    return update
