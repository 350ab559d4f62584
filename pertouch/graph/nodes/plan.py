"""plan and tools: the model chooses tool calls; the tools node runs them on a workspace.

``plan`` shows the model the turn's messages, the context (regions, current edits, the last
change) and, for a vision model, a preview of the photo as it is now. ``tools`` builds a
:class:`~pertouch.tools.agent_tools.Workspace` from the state, runs the calls, and writes back
what they changed as a partial update, so the state keeps references and plain data only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.runtime import Runtime
from pydantic import BaseModel, ValidationError

from pertouch.core.errors import PerTouchError
from pertouch.graph import prompts
from pertouch.graph.calling import add_notes, ask, check_calls
from pertouch.graph.context import Context
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.nodes.pictures import preview_message
from pertouch.graph.nodes.taste import recall_answer
from pertouch.graph.state import State
from pertouch.providers.offline import CONTEXT_TAG, tagged
from pertouch.tools.agent_tools import (
    MeasureArgs,
    RecallArgs,
    RenderArgs,
    SegmentArgs,
    SetEditArgs,
    Workspace,
    make_tools,
)
from pertouch.tools.segmentation.types import Segmenter

#: The planner tools' argument schemas (also checked by ``pertouch plan --model``).
TOOL_SCHEMAS: dict[str, type[BaseModel]] = {
    "segment": SegmentArgs,
    "measure": MeasureArgs,
    "set_edit": SetEditArgs,
    "render": RenderArgs,
    "recall": RecallArgs,
}


def plan(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Let the model choose tool calls for the instruction (or the critique's corrections)."""
    ctx = runtime.context or Context()
    if state.steps >= ctx.max_steps:
        stop = AIMessage(content="Stopping: the planner used its step budget.")
        return {"messages": [stop], "notes": [*state.notes, "The planner hit its step limit."]}
    context = {
        "regions_in_photo": state.regions,
        "segmented": sorted(state.masks),
        "baseline": state.adjustment.baseline,
        "current": [e.to_dict() for e in state.adjustment.edits],
        "last_change": [e.to_dict() for e in state.last_change],
        "kind": state.kind,
        "scene": state.scene,
    }
    system = SystemMessage(content=prompts.PLAN_SYSTEM.format(context=tagged(CONTEXT_TAG, context)))
    preview = (
        preview_message(
            deps.image(state.output_ref or state.photo_ref),
            ctx.preview_size,
            "The photo as it is now:",
        )
        if ctx.send_images and deps.shows_images
        else []
    )
    messages = [system, *preview, *_turn_messages(state.messages)]
    reply, notes, fell_back = ask(
        deps.model,
        deps.fallback,
        messages,
        make_tools(None),
        check_calls(TOOL_SCHEMAS),
        deadline=state.model_deadline or None,
    )
    runtime.stream_writer({"node": "plan", "calls": reply.tool_calls, "text": reply.content})
    if not reply.tool_calls:
        reply = AIMessage(content=reply.content or "Planned.", id=reply.id)
    return {
        "messages": [reply],
        "steps": state.steps + 1,
        "notes": add_notes(state.notes, notes),
        "model_fell_back": state.model_fell_back or fell_back,
    }


def tools(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Run the planner's tool calls on a workspace and write back what they changed."""
    last = state.messages[-1]
    if not isinstance(last, AIMessage):
        raise ValueError(f"tools runs after the planner's message, not {type(last).__name__}")
    ws = Workspace(
        image=deps.image(state.photo_ref),
        store=deps.store,
        segmenter=_with_given_masks(state, deps),
        scale=deps.scale,
        masks=dict(state.masks),
        adjustment=state.adjustment,
        recall=lambda scene: recall_answer(state, deps),
    )
    by_name = {t.name: t for t in make_tools(ws)}
    answers: list[BaseMessage] = []
    for call in last.tool_calls:
        try:
            content = str(by_name[call["name"]].invoke(call["args"]))
        except (PerTouchError, ValidationError, KeyError) as err:
            content = f"Error: {_first_line(err)}"
        answers.append(ToolMessage(content=content, tool_call_id=call["id"], name=call["name"]))
    update: dict[str, Any] = {
        "messages": answers,
        "masks": ws.masks,
        "adjustment": ws.adjustment,
        "notes": [*state.notes, *ws.notes],
    }
    if state.round == 0:  # what the words asked; later rounds only correct the rendering
        update["planned"] = ws.adjustment
    runtime.stream_writer({"node": "tools", "results": [m.content for m in answers]})
    return update


def _with_given_masks(state: State, deps: Deps) -> Segmenter:
    """The segmenter, answering first from the masks the person has shown for this photo."""
    if not state.given_masks:
        return deps.segmenter
    from pertouch.tools.segmentation.user_masks import UserMasks, WithUserMasks

    masks = UserMasks(getattr(deps.segmenter, "lexicon", None))
    for word, ref in state.given_masks.items():
        masks.put(word, deps.store.get(ref))
    return WithUserMasks(deps.segmenter, masks)


def _turn_messages(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages of the current turn: from the latest user instruction on."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, HumanMessage) and not message.name:
            return list(messages[index:])
    return list(messages)


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
