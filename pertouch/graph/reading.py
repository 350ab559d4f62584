"""How a chat model reads an instruction, without a photo or a render: ``pertouch plan --model``.

The same prompts, tools, checks, retries, offline fallback and per-turn time budget as a turn of
the agent (:func:`~pertouch.graph.calling.ask`), so a hosted model is checked exactly the way
the agent would use it: the model classifies the instruction, then plans tool calls; segment
calls are answered from the regions known (any region when no photo is given), and the
``set_edit`` calls are the plan. Nothing is rendered or measured.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import ToolCall

from pertouch.graph import prompts
from pertouch.graph.calling import add_notes, ask, check_calls
from pertouch.graph.nodes.plan import TOOL_SCHEMAS
from pertouch.graph.schemas import Classification, answer_tool
from pertouch.providers.offline import CONTEXT_TAG, tagged
from pertouch.tools.agent_tools import make_tools

#: Planner calls before the reading stops (the agent's default step budget is 8; a plan needs 1-3).
_MAX_STEPS = 4
#: Kinds whose edits come from the planner.
_PLANNED = ("strong", "weak_style", "refine")


@dataclass(frozen=True)
class ModelReading:
    """What the model made of an instruction.

    Attributes:
        classification: the kind, unsupported parts, questions and parts not understood.
        edits: ``{"region", "attribute", "delta"}`` per planned change (the last value set wins).
        notes: retries, failures and a spent budget, as sentences.
        fell_back: the model failed or ran out of time and the offline reader stood in.
    """

    classification: Classification
    edits: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fell_back: bool = False


def read_with_model(
    model: BaseChatModel,
    fallback: BaseChatModel,
    instruction: str,
    budget_s: float = 20.0,
    regions: Sequence[str] = (),
) -> ModelReading:
    """Classify ``instruction`` and plan its edits with ``model`` within ``budget_s`` seconds.

    ``regions``: what the photo contains (empty: every region is taken as present).
    """
    deadline = time.time() + budget_s
    asked = ask(
        model,
        fallback,
        [SystemMessage(content=prompts.CLASSIFY_SYSTEM), HumanMessage(content=instruction)],
        [answer_tool("classify", Classification)],
        check_calls({"classify": Classification}, required="classify"),
        tool_choice="classify",
        deadline=deadline,
    )
    call = next(c for c in asked.reply.tool_calls if c["name"] == "classify")
    found = Classification.model_validate(call["args"])
    notes, fell_back = list(asked.notes), asked.fell_back
    edits: dict[tuple[str, str], float] = {}
    if found.kind in _PLANNED:
        context = {
            "regions_in_photo": list(regions),
            "segmented": [],
            "baseline": "as_shot",
            "current": [],
            "last_change": [],
            "kind": found.kind,
            "scene": "",
        }
        system = prompts.PLAN_SYSTEM.format(context=tagged(CONTEXT_TAG, context))
        messages: list[BaseMessage] = [SystemMessage(content=system), HumanMessage(instruction)]
        for _ in range(_MAX_STEPS):
            step = ask(
                model,
                fallback,
                messages,
                make_tools(None),
                check_calls(TOOL_SCHEMAS),
                deadline=deadline,
            )
            notes, fell_back = add_notes(notes, step.notes), fell_back or step.fell_back
            reply = step.reply
            messages.append(reply)
            if not reply.tool_calls:
                break
            messages += [_answer(c, regions, edits) for c in reply.tool_calls]
            if any(c["name"] == "render" for c in reply.tool_calls):
                break
    return ModelReading(
        classification=found,
        edits=[{"region": r, "attribute": a, "delta": round(d, 4)} for (r, a), d in edits.items()],
        notes=notes,
        fell_back=fell_back,
    )


def _answer(
    call: ToolCall, regions: Sequence[str], edits: dict[tuple[str, str], float]
) -> ToolMessage:
    """What the tool would have answered, as far as it can be known without a photo."""
    args, name = call["args"], call["name"]
    if name == "set_edit":
        edits[(str(args["region"]), str(args["attribute"]))] = float(args["delta"])
        text = f"set {args['region']} {args['attribute']} to {float(args['delta']):+.2f}"
    elif name == "segment":
        region = str(args.get("region", ""))
        present = not regions or region in regions or region == "global"
        text = f"{region}: found" if present else f"{region}: not in this photo"
    elif name == "render":
        text = "planned (nothing is rendered by plan)"
    else:
        text = "nothing to report without a rendered photo"
    return ToolMessage(content=text, tool_call_id=call["id"], name=name)
