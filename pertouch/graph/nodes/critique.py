"""critique: compare measured levels with the targets; accept, or send corrections to plan.

The model (or the offline reader) judges the round from the measurement table and, for a vision
model, before/after previews. Corrections are kept only for edits that were planned; when they
stop helping (the miss shrank by less than a tenth), the loop ends with the closest result.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from pertouch.core.adjustments import Edit
from pertouch.core.attributes import parse_attribute
from pertouch.core.guards import GuardLimits, check_guards
from pertouch.graph import prompts
from pertouch.graph.calling import add_notes, ask, check_calls
from pertouch.graph.context import Context
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.nodes.pictures import image_block
from pertouch.graph.records import Judgement
from pertouch.graph.schemas import Verdict, answer_tool
from pertouch.graph.state import State
from pertouch.providers.offline import CORRECTIONS_TAG, MEASUREMENTS_TAG, tagged

#: A correction round must cut the total miss by at least this share to go on.
_MIN_PROGRESS = 0.1


def critique(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Compare measured levels with the targets; accept, or send corrections back to plan."""
    ctx = runtime.context or Context()
    record = state.rounds[-1]
    if record.guards is None and state.photo_ref:  # judge the photo: what changed unasked
        masks = {name: deps.store.get(ref) for name, ref in state.masks.items()}
        report = check_guards(
            deps.image(state.photo_ref),
            deps.image(record.output_ref),
            masks,
            GuardLimits.for_state(state.planned),
        )
        record = replace(record, guards=report)
    rows = [m.to_dict() for m in record.measured]
    table = (
        "\n".join(
            f"- {m.region} {m.attribute}: before {m.before:+.2f}, target {m.target:+.2f}, "
            f"measured {m.measured:+.2f} (delta {m.delta:+.2f})"
            + (" (held back by the renderer to do no harm; not a miss)" if m.held else "")
            for m in record.measured
        )
        or "- nothing was edited"
    )
    text = prompts.CRITIQUE_REQUEST.format(
        round=record.round, table=table, measurements=tagged(MEASUREMENTS_TAG, rows)
    )
    harm = record.guards.failures if record.guards else ()
    if harm:
        text += "\nDo-no-harm guards failed: " + " ".join(harm)
    content: list[Any] = [{"type": "text", "text": text}]
    if ctx.send_images and deps.shows_images:
        content += [
            {"type": "text", "text": "Before:"},
            image_block(deps.image(state.photo_ref), ctx.preview_size),
            {"type": "text", "text": "After:"},
            image_block(deps.image(state.output_ref), ctx.preview_size),
        ]
    messages = [SystemMessage(content=prompts.CRITIQUE_SYSTEM), HumanMessage(content=content)]
    reply, notes, fell_back = ask(
        deps.model,
        deps.fallback,
        messages,
        [answer_tool("verdict", Verdict)],
        check_calls({"verdict": Verdict}, required="verdict"),
        tool_choice="verdict",
        deadline=state.model_deadline or None,
    )
    call = next(c for c in reply.tool_calls if c["name"] == "verdict")
    verdict = Verdict.model_validate(call["args"]).clamped()
    edited = {(m.region, m.attribute) for m in record.measured}
    fixes = tuple(
        Edit(c.region, parse_attribute(c.attribute), c.delta)
        for c in verdict.corrections
        if (c.region, c.attribute) in edited
    )
    satisfied = verdict.satisfied or not fixes
    reason = verdict.reason
    if (
        not satisfied
        and len(state.rounds) >= 2
        and record.miss > (1.0 - _MIN_PROGRESS) * state.rounds[-2].miss
    ):
        satisfied, fixes = True, ()
        reason = (
            "Corrections stopped helping; keeping this result, the closest the renderer reaches."
        )
    judgement = Judgement(satisfied=satisfied, reason=reason, corrections=fixes)
    update: dict[str, Any] = {
        "verdict": judgement,
        "rounds": [*state.rounds[:-1], replace(record, verdict=judgement)],
        "notes": add_notes(state.notes, notes),
        "model_fell_back": state.model_fell_back or fell_back,
    }
    if not satisfied and state.round < ctx.max_rounds:
        feedback = prompts.CRITIQUE_FEEDBACK.format(
            round=record.round,
            reason=verdict.reason,
            corrections=tagged(CORRECTIONS_TAG, [c.to_dict() for c in fixes]),
        )
        update["messages"] = [HumanMessage(content=feedback, name="critique")]
    runtime.stream_writer({"node": "critique", **judgement.to_dict()})
    return update
