"""Where the graph goes after each branching node. Routers raise on states they do not expect."""

from __future__ import annotations

from typing import Literal

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from pertouch.graph.context import Context
from pertouch.graph.state import State

_ANSWERED = ("approve", "undo", "unsupported")


def after_perceive(state: State) -> Literal["classify", "respond"]:
    return "respond" if state.error else "classify"


def after_classify(state: State) -> Literal["plan", "respond"]:
    if state.classification is None:
        raise ValueError("classify left no classification in the state")
    return "respond" if state.classification.kind in _ANSWERED else "plan"


def after_plan(state: State) -> Literal["tools", "render", "respond"]:
    last = state.messages[-1]
    if not isinstance(last, AIMessage):
        raise ValueError(f"plan should end with the model's message, not {type(last).__name__}")
    if last.tool_calls:
        return "tools"
    return "render" if state.adjustment != state.rendered else "respond"


def after_tools(state: State) -> Literal["plan", "render", "respond"]:
    if state.error:
        return "respond"
    asked = next(m for m in reversed(state.messages) if isinstance(m, AIMessage))
    if any(call["name"] == "render" for call in asked.tool_calls):
        if only_asks(state):
            return "respond"
        return "render" if state.adjustment != state.rendered or not state.output_ref else "respond"
    return "plan"


def after_render(state: State) -> Literal["critique", "respond"]:
    return "respond" if state.error else "critique"


def after_critique(state: State, runtime: Runtime[Context]) -> Literal["plan", "respond"]:
    max_rounds = (runtime.context or Context()).max_rounds
    if state.verdict is None or state.verdict.satisfied or state.round >= max_rounds:
        return "respond"
    return "plan"


def only_asks(state: State) -> bool:
    """True when the turn changed nothing and has questions or parts not understood: the reply
    asks, and the photo is neither rendered nor changed (a render would show an untouched photo
    as if something had been done)."""
    found = state.classification
    if found is None or not (found.questions or found.not_understood):
        return False
    return state.adjustment == state.start.adjustment
