"""respond: the reply to the user; a turn that changed the result is recorded for "undo"."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from pertouch.graph.context import Context
from pertouch.graph.explain import respond_text
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.records import change
from pertouch.graph.state import State


def respond(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Answer the user and, when this turn changed the result, record it for undo."""
    text = respond_text(state)
    update: dict[str, Any] = {"response": text, "messages": [AIMessage(content=text)]}
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
