"""The agent's nodes: perceive, classify, plan, tools, render, critique, respond.

Each node reads the state, does one job and returns a partial update. Dependencies are held by
:class:`Nodes` (built once by ``build_graph``); per-run settings come from ``runtime.context``.
Bad input (an unreadable photo, an empty instruction) becomes ``error``: one sentence, and the
graph goes straight to ``respond``.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.runtime import Runtime
from numpy.typing import NDArray
from PIL import Image
from pydantic import BaseModel, ValidationError

from pertouch.backbone.base import Renderer
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Pixels, load_photo
from pertouch.core.levels import LevelScale
from pertouch.core.metrics import measure_raw
from pertouch.core.store import ImageStore
from pertouch.graph import prompts
from pertouch.graph.calling import ask, check_calls
from pertouch.graph.context import Context
from pertouch.graph.explain import respond_text
from pertouch.graph.schemas import Classification, Verdict, answer_tool
from pertouch.graph.state import EMPTY_STATE, State
from pertouch.providers.offline import (
    CONTEXT_TAG,
    CORRECTIONS_TAG,
    MEASUREMENTS_TAG,
    OfflineChatModel,
    tagged,
)
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

_TOOL_SCHEMAS: dict[str, type[BaseModel]] = {
    "segment": SegmentArgs,
    "measure": MeasureArgs,
    "set_edit": SetEditArgs,
    "render": RenderArgs,
    "recall": RecallArgs,
}
_PEOPLE = {"face", "person", "skin", "hair"}
_LANDSCAPE = {"sky", "vegetation", "water", "ground", "mountains"}


class Nodes:
    """The node functions, bound to the agent's dependencies."""

    def __init__(
        self,
        model: BaseChatModel,
        segmenter: Segmenter,
        renderer: Renderer,
        store: ImageStore,
        scale: LevelScale,
        memory: Any = None,
        fallback: BaseChatModel | None = None,
    ) -> None:
        self.model = model
        self.fallback = fallback or (
            model if isinstance(model, OfflineChatModel) else OfflineChatModel()
        )
        self.segmenter = segmenter
        self.renderer = renderer
        self.store = store
        self.scale = scale
        self.memory = memory
        self._images: OrderedDict[str, Pixels] = OrderedDict()

    # -- perceive -------------------------------------------------------------------------------
    def perceive(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Check the instruction, load the photo (first turn), list its regions; reset the turn."""
        ctx = runtime.context or Context()
        turn: dict[str, Any] = {
            "start": {
                "adjustment": state.adjustment,
                "output_ref": state.output_ref,
                "last_change": state.last_change,
            },
            "planned": state.adjustment,
            "classification": {},
            "round": 0,
            "steps": 0,
            "rounds": [],
            "verdict": {},
            "notes": [],
            "response": "",
            "error": "",
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
        if state.photo and state.photo != state.source:
            try:
                update.update(self._load(state.photo))
            except PerTouchError as err:
                return {**turn, "error": str(err)}
            update["start"] = {"adjustment": dict(EMPTY_STATE), "output_ref": "", "last_change": []}
            update["planned"] = dict(EMPTY_STATE)
            update["instructions"] = [text]  # a new photo starts a new conversation about it
            if self.memory is not None and state.user and ctx.use_memory:
                try:
                    update.update(self._recall(state.user, update["photo_ref"]))
                except PerTouchError as err:  # an unknown user, an unreachable store
                    return {**turn, "error": str(err)}
        elif not state.photo_ref:
            return {**turn, "error": "No photo yet; give a photo with the first instruction."}
        runtime.stream_writer(
            {
                "node": "perceive",
                "regions": update.get("regions", state.regions),
                "scene": update.get("scene", state.scene),
            }
        )
        return update

    def _recall(self, user: str, photo_ref: str) -> dict[str, Any]:
        """Describe the new photo and start it from what this user approved on similar scenes.

        The suggestion becomes the thread's starting adjustment; the planner's own edits then
        replace it for the regions and attributes the words name (``set_edit`` sets totals), so a
        strong instruction overrides memory for what it names and a weak one leans on it.
        Suggested regions the segmenter cannot find are dropped.
        """
        from pertouch.memory.scene import describe

        pixels = self.image(photo_ref)
        scene = describe(pixels, self.segmenter.propose(pixels))
        suggestion = self.memory.recall(user, scene)
        update: dict[str, Any] = {
            "scene_description": scene.to_dict(),
            "suggestion": suggestion.to_dict(),
        }
        if suggestion.empty:
            return update
        masks: dict[str, str] = {}
        kept = []
        for edit in suggestion.edits:
            if edit.region != GLOBAL and edit.region not in masks:
                found = self.segmenter.segment(pixels, edit.region)
                if not found.found:
                    continue
                masks[edit.region] = self.store.put(np.round(found.mask * 255).astype(np.uint8))
            kept.append(edit)
        if not kept:
            return update
        start = AdjustmentState("as_shot", tuple(kept)).to_dict()
        return {
            **update,
            "masks": masks,
            "adjustment": start,
            "planned": start,
            "start": {"adjustment": start, "output_ref": "", "last_change": []},
            "notes": [f"{suggestion.reason} (Say so if you would rather start fresh.)"],
        }

    def _store_approval(self, state: State) -> None:
        """Store an approved retouch in the user's memory (once per photo and adjustment)."""
        from pertouch.memory.approval import PendingRetouch, settle
        from pertouch.memory.scene import SceneDescription, describe

        if not state.user:
            return
        if state.scene_description:
            scene = SceneDescription.from_dict(state.scene_description)
        else:  # the user was named only after the first turn: describe the photo now
            pixels = self.image(state.photo_ref)
            scene = describe(pixels, self.segmenter.propose(pixels))
        adjustment = AdjustmentState.from_dict(state.adjustment)
        words = state.instructions[:-1] or [state.instruction]  # not the "looks good" itself
        digest = hashlib.sha256(adjustment.to_json().encode()).hexdigest()[:16]
        pending = PendingRetouch(
            user=state.user,
            scene=scene,
            state=adjustment,
            instruction=" / ".join(words),
            key=f"{state.photo_ref}/{digest}",
        )
        settle(self.memory, pending, "approved")

    def _load(self, photo: str) -> dict[str, Any]:
        if photo.startswith("sha256:"):
            pixels = self.store.get(photo)
        else:
            pixels = load_photo(photo).pixels
        ref = self.store.put(pixels)
        self._remember(ref, pixels)
        lister = getattr(self.segmenter, "contents", None)
        regions = list(
            lister(pixels) if callable(lister) else self.segmenter.propose(pixels).names()
        )
        names = set(regions)
        scene = "portrait" if names & _PEOPLE else "landscape" if names & _LANDSCAPE else "other"
        return {
            "source": photo,
            "photo_ref": ref,
            "regions": regions,
            "scene": scene,
            "masks": {},
            "adjustment": dict(EMPTY_STATE),
            "rendered": dict(EMPTY_STATE),
            "output_ref": "",
            "history": [],
            "last_change": [],
            "status": "active",
        }

    # -- classify -------------------------------------------------------------------------------
    def classify(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Ask the model what kind of instruction this is; carry out undo and approval directly."""
        messages = [
            SystemMessage(content=prompts.CLASSIFY_SYSTEM),
            HumanMessage(content=state.instruction),
        ]
        reply, notes = ask(
            self.model,
            self.fallback,
            messages,
            [answer_tool("classify", Classification)],
            check_calls({"classify": Classification}, required="classify"),
            tool_choice="classify",
        )
        call = next(c for c in reply.tool_calls if c["name"] == "classify")
        found = Classification.model_validate(call["args"])
        update: dict[str, Any] = {
            "classification": found.model_dump(),
            "notes": [*state.notes, *notes],
        }
        if found.kind == "approve":
            update["status"] = "approved"
            if self.memory is not None:
                try:
                    self._store_approval(state)
                except PerTouchError as err:  # approved all the same; say why nothing was kept
                    update["notes"] = [*update["notes"], f"Not remembered: {err}"]
        elif found.kind == "undo":
            update.update(self._undo(state, found.reset))
        elif found.kind == "weak_optimize":
            auto = AdjustmentState.from_dict(state.adjustment).with_baseline("auto").to_dict()
            update.update({"adjustment": auto, "planned": auto})
        runtime.stream_writer({"node": "classify", **found.model_dump()})
        return update

    def _undo(self, state: State, reset: bool) -> dict[str, Any]:
        if not state.history:
            return {"notes": [*state.notes, "There is nothing to undo yet."]}
        entry = state.history[0] if reset else state.history[-1]
        kept = [] if reset else state.history[:-1]
        return {
            "adjustment": entry["adjustment"],
            "rendered": entry["adjustment"],
            "planned": entry["adjustment"],
            "output_ref": entry["output_ref"],
            "last_change": entry["last_change"],
            "history": kept,
        }

    # -- plan -----------------------------------------------------------------------------------
    def plan(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Let the model choose tool calls for the instruction (or the critique's corrections)."""
        ctx = runtime.context or Context()
        if state.steps >= ctx.max_steps:
            stop = AIMessage(content="Stopping: the planner used its step budget.")
            return {"messages": [stop], "notes": [*state.notes, "The planner hit its step limit."]}
        context = {
            "regions_in_photo": state.regions,
            "segmented": sorted(state.masks),
            "baseline": state.adjustment.get("baseline", "as_shot"),
            "current": state.adjustment.get("edits", []),
            "last_change": state.last_change,
            "kind": state.classification.get("kind", ""),
            "scene": state.scene,
        }
        system = SystemMessage(
            content=prompts.PLAN_SYSTEM.format(context=tagged(CONTEXT_TAG, context))
        )
        turn = _turn_messages(state.messages)
        preview = self._preview_message(state, ctx, "The photo as it is now:")
        messages = [system, *preview, *turn]
        reply, notes = ask(
            self.model,
            self.fallback,
            messages,
            make_tools(None),
            check_calls(_TOOL_SCHEMAS),
        )
        names = [c["name"] for c in reply.tool_calls]
        runtime.stream_writer({"node": "plan", "calls": reply.tool_calls, "text": reply.content})
        if not names:
            reply = AIMessage(content=reply.content or "Planned.", id=reply.id)
        return {"messages": [reply], "steps": state.steps + 1, "notes": [*state.notes, *notes]}

    # -- tools ----------------------------------------------------------------------------------
    def tools(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Run the planner's tool calls on a workspace and write back what they changed."""
        last = state.messages[-1]
        assert isinstance(last, AIMessage)
        ws = Workspace(
            image=self.image(state.photo_ref),
            store=self.store,
            segmenter=self.segmenter,
            scale=self.scale,
            masks=dict(state.masks),
            adjustment=AdjustmentState.from_dict(state.adjustment),
        )
        tools = {t.name: t for t in make_tools(ws)}
        answers: list[BaseMessage] = []
        for call in last.tool_calls:
            try:
                content = str(tools[call["name"]].invoke(call["args"]))
            except (PerTouchError, ValidationError, KeyError) as err:
                content = f"Error: {_first_line(err)}"
            answers.append(ToolMessage(content=content, tool_call_id=call["id"], name=call["name"]))
        adjustment = ws.adjustment.to_dict()
        update: dict[str, Any] = {
            "messages": answers,
            "masks": ws.masks,
            "adjustment": adjustment,
            "notes": [*state.notes, *ws.notes],
        }
        if state.round == 0:  # what the words asked; later rounds only correct the rendering
            update["planned"] = adjustment
        runtime.stream_writer({"node": "tools", "results": [m.content for m in answers]})
        return update

    # -- render ---------------------------------------------------------------------------------
    def render(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Render the adjustment state at full resolution and measure every edited region."""
        original = self.image(state.photo_ref)
        adjustment = AdjustmentState.from_dict(state.adjustment)
        masks = {name: self.store.get(ref) for name, ref in state.masks.items()}
        solve = getattr(self.renderer, "solve", None)
        try:
            if callable(solve):
                plan = solve(original, adjustment, masks)
                output = self.renderer.apply(original, plan)  # type: ignore[attr-defined]
            else:
                output = self.renderer.render(original, adjustment, masks)
        except PerTouchError as err:
            return {"error": str(err)}
        ref = self.store.put(output)
        self._remember(ref, output)
        rows = self._measure(
            original, output, masks, AdjustmentState.from_dict(state.planned), adjustment
        )
        record = {
            "round": state.round + 1,
            "edits": adjustment.to_dict()["edits"],
            "baseline": adjustment.baseline,
            "measured": rows,
            "output_ref": ref,
        }
        runtime.stream_writer({"node": "render", **record})
        return {
            "output_ref": ref,
            "rendered": adjustment.to_dict(),
            "round": state.round + 1,
            "rounds": [*state.rounds, record],
        }

    def _measure(
        self,
        original: Pixels,
        output: Pixels,
        masks: Mapping[str, NDArray[np.generic]],
        planned: AdjustmentState,
        rendered: AdjustmentState,
    ) -> list[dict[str, Any]]:
        """Per planned edit: the level before, the target the words asked for, the level measured.

        A region's own edit is measured on its mask, a global edit on the whole photo; with the
        auto baseline every attribute of the whole photo is checked against level 0.
        """
        pairs = [(e.region, e.attribute.value) for e in planned.edits]
        if planned.baseline == "auto":
            pairs += [(GLOBAL, a.value) for a in ATTRIBUTES]
        pairs = list(dict.fromkeys(p for p in pairs if p[0] == GLOBAL or p[0] in masks))
        if not pairs:
            return []
        names = list(dict.fromkeys(r for r, _ in pairs))
        whole = np.full(original.shape[:2], 255, np.uint8)
        chosen = {n: whole if n == GLOBAL else masks[n] for n in names}
        before = {n: self.scale.to_level(v) for n, v in measure_raw(original, chosen).items()}
        after = {n: self.scale.to_level(v) for n, v in measure_raw(output, chosen).items()}
        targets = planned.targets(before, names)
        current = {(e.region, e.attribute.value): e.delta for e in rendered.edits}
        rows = []
        for name, attribute in pairs:
            channel = [a.value for a in ATTRIBUTES].index(attribute)
            rows.append(
                {
                    "region": name,
                    "attribute": attribute,
                    "before": round(float(before[name][channel]), 3),
                    "target": round(float(targets[name][channel]), 3),
                    "measured": round(float(after[name][channel]), 3),
                    "delta": current.get((name, attribute), 0.0),
                }
            )
        return rows

    # -- critique -------------------------------------------------------------------------------
    def critique(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Compare measured levels with the targets; accept, or send corrections back to plan."""
        ctx = runtime.context or Context()
        record = state.rounds[-1]
        rows = record["measured"]
        table = (
            "\n".join(
                f"- {r['region']} {r['attribute']}: before {r['before']:+.2f}, target {r['target']:+.2f}, "
                f"measured {r['measured']:+.2f} (delta {r['delta']:+.2f})"
                for r in rows
            )
            or "- nothing was edited"
        )
        text = prompts.CRITIQUE_REQUEST.format(
            round=record["round"], table=table, measurements=tagged(MEASUREMENTS_TAG, rows)
        )
        content: list[Any] = [{"type": "text", "text": text}]
        if ctx.send_images and not isinstance(self.model, OfflineChatModel):
            content += [
                {"type": "text", "text": "Before:"},
                _image_part(self.image(state.photo_ref), ctx.preview_size),
                {"type": "text", "text": "After:"},
                _image_part(self.image(state.output_ref), ctx.preview_size),
            ]
        messages = [SystemMessage(content=prompts.CRITIQUE_SYSTEM), HumanMessage(content=content)]
        reply, notes = ask(
            self.model,
            self.fallback,
            messages,
            [answer_tool("verdict", Verdict)],
            check_calls({"verdict": Verdict}, required="verdict"),
            tool_choice="verdict",
        )
        call = next(c for c in reply.tool_calls if c["name"] == "verdict")
        verdict = Verdict.model_validate(call["args"]).clamped()
        edited = {(r["region"], r["attribute"]) for r in rows}
        fixes = [c for c in verdict.corrections if (c.region, c.attribute) in edited]
        satisfied = verdict.satisfied or not fixes
        reason = verdict.reason
        if (
            not satisfied
            and len(state.rounds) >= 2
            and _miss(rows) > 0.9 * _miss(state.rounds[-2]["measured"])
        ):
            satisfied, fixes = True, []
            reason = "Corrections stopped helping; keeping this result, the closest the renderer reaches."
        summary = {
            "satisfied": satisfied,
            "reason": reason,
            "corrections": [c.model_dump() for c in fixes],
        }
        rounds = [*state.rounds[:-1], {**record, "verdict": summary}]
        update: dict[str, Any] = {
            "verdict": summary,
            "rounds": rounds,
            "notes": [*state.notes, *notes],
        }
        if not satisfied and state.round < ctx.max_rounds:
            feedback = prompts.CRITIQUE_FEEDBACK.format(
                round=record["round"],
                reason=verdict.reason,
                corrections=tagged(CORRECTIONS_TAG, summary["corrections"]),
            )
            update["messages"] = [HumanMessage(content=feedback, name="critique")]
        runtime.stream_writer({"node": "critique", **summary})
        return update

    # -- respond --------------------------------------------------------------------------------
    def respond(self, state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Answer the user and, when this turn changed the result, record it for undo."""
        text = respond_text(state)
        update: dict[str, Any] = {"response": text, "messages": [AIMessage(content=text)]}
        start = state.start or {}
        kind = state.classification.get("kind", "")
        if (
            not state.error
            and kind not in ("undo", "approve")
            and state.output_ref != start.get("output_ref", state.output_ref)
        ):
            update["history"] = [*state.history, start]
            # after "a bit less", the last change is the refined one, measured from before the
            # turn it refined, so "now the faces" or another "less" act on what is on screen
            base = state.history[-1] if kind == "refine" and state.history else start
            update["last_change"] = _change(base.get("adjustment", EMPTY_STATE), state.planned)
        runtime.stream_writer({"node": "respond", "response": text})
        return update

    # -- helpers --------------------------------------------------------------------------------
    def image(self, ref: str) -> Pixels:
        """The photo (``(H, W, 3)`` uint8 or uint16) behind a store reference, cached in-process."""
        if ref in self._images:
            self._images.move_to_end(ref)
            return self._images[ref]
        pixels = self.store.get(ref)
        self._remember(ref, pixels)
        return pixels

    def _remember(self, ref: str, pixels: Pixels) -> None:
        self._images[ref] = pixels
        while len(self._images) > 4:
            self._images.popitem(last=False)

    def _preview_message(self, state: State, ctx: Context, caption: str) -> list[BaseMessage]:
        if not ctx.send_images or isinstance(self.model, OfflineChatModel):
            return []
        pixels = self.image(state.output_ref or state.photo_ref)
        part = _image_part(pixels, ctx.preview_size)
        return [HumanMessage(content=[{"type": "text", "text": caption}, part], name="photo")]


def _turn_messages(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages of the current turn: from the latest user instruction on."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, HumanMessage) and not message.name:
            return list(messages[index:])
    return list(messages)


def _change(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    old = {(e["region"], e["attribute"]): e["delta"] for e in before.get("edits", [])}
    new = {(e["region"], e["attribute"]): e["delta"] for e in after.get("edits", [])}
    return [
        {
            "region": r,
            "attribute": a,
            "delta": round(new.get((r, a), 0.0) - old.get((r, a), 0.0), 4),
        }
        for (r, a) in dict.fromkeys([*new, *old])
        if new.get((r, a), 0.0) != old.get((r, a), 0.0)
    ]


def _miss(rows: list[dict[str, Any]]) -> float:
    """Total distance between targets and measured levels."""
    return float(sum(abs(r["target"] - r["measured"]) for r in rows))


def _image_part(pixels: Pixels, size: int) -> dict[str, Any]:
    """A JPEG preview (long side ``size``) as an OpenAI-style data-URL image part."""
    array = pixels if pixels.dtype == np.uint8 else (pixels // 257).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(array))
    image.thumbnail((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{data}"}}


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
