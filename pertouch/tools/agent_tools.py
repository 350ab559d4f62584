"""The LangChain tools the agent's planner calls: segment, measure, set_edit, render, recall.

Tools act on a :class:`Workspace`: the photo, its masks and the adjustment state of one graph
step, plus the segmenter and image store. The graph's tools node builds a workspace from the
state, runs the calls, and writes what changed back as a partial update, so the graph state keeps
only references and plain data. Docstrings are written for the model: they are its manual.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.tools import BaseTool, StructuredTool
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from pertouch.core.adjustments import GLOBAL, AdjustmentState, Edit
from pertouch.core.attributes import ATTRIBUTES, Attribute, parse_attribute
from pertouch.core.degrees import MAX_REQUEST
from pertouch.core.errors import PerTouchError
from pertouch.core.levels import LevelScale
from pertouch.core.metrics import measure_raw
from pertouch.core.store import ImageStore
from pertouch.tools.segmentation.types import Segmenter


@dataclass
class Workspace:
    """What the tools of one step may read and change."""

    image: NDArray[np.generic]
    store: ImageStore
    segmenter: Segmenter
    scale: LevelScale
    masks: dict[str, str] = field(default_factory=dict)
    adjustment: AdjustmentState = field(default_factory=AdjustmentState)
    recall: Callable[[str], str] | None = None
    render_requested: bool = False
    notes: list[str] = field(default_factory=list)


class SegmentArgs(BaseModel):
    region: str = Field(
        description='The region in a few words: "sky", "faces", "the background", "shadows", "left half".'
    )


class MeasureArgs(BaseModel):
    region: str = Field(
        default=GLOBAL, description='A region already segmented, or "global" (the whole photo).'
    )


class SetEditArgs(BaseModel):
    region: str = Field(description='A segmented region name as segment returned it, or "global".')
    attribute: Attribute = Field(
        description="One of colorfulness, contrast, temperature (positive = warmer), brightness."
    )
    delta: float = Field(
        description="Total change in levels from the baseline, -1.0 to 1.0 (a touch 0.1, default 0.25, a lot 0.4)."
    )


class RecallArgs(BaseModel):
    scene: str = Field(default="", description='The kind of photo, e.g. "portrait", "landscape".')


def make_tools(workspace: Workspace | None) -> list[BaseTool]:
    """The agent's tools acting on ``workspace`` (None: schemas only, for binding to a model)."""

    def need() -> Workspace:
        if workspace is None:
            raise RuntimeError(
                "these tool instances only describe schemas; build them with a workspace"
            )
        return workspace

    def segment(region: str) -> str:
        """Find a region of the photo by name and keep its mask for later edits.

        Call this once for every region you want to edit or protect, before set_edit. The answer
        says whether the region was found, the name to use in set_edit ("region"), how much of the
        photo it covers, and, when it is absent, which regions the photo does contain. Never edit
        a region that was not found. "global" (the whole photo) needs no segmenting.
        """
        ws = need()
        answer = ws.segmenter.segment(ws.image, region)
        result = {"asked": region, **answer.summary()}
        if answer.found:
            mask = np.round(answer.mask * 255).astype(np.uint8)
            ws.masks[answer.region] = ws.store.put(mask)
            if answer.matched_by == "stand-in":  # the reply says what stood in for the thing
                ws.notes.append(answer.note)
        else:
            ws.notes.append(answer.note)
        return json.dumps(result)

    def measure(region: str = GLOBAL) -> str:
        """Measure a region's four attribute levels in the original photo.

        Levels run from -1 to +1: 0 is the look of a typical well-edited photo, +1 the extreme
        high end. Use it to decide how far to move ("the sky is already at +0.8 colorfulness,
        so only a touch more"). The region must be "global" or already segmented.
        """
        ws = need()
        mask = _mask(ws, region)
        raw = measure_raw(ws.image, {region: mask})[region]
        levels = ws.scale.to_level(raw)
        return json.dumps(
            {
                "region": region,
                "levels": {
                    a.value: round(float(v), 3) for a, v in zip(ATTRIBUTES, levels, strict=True)
                },
            }
        )

    def set_edit(region: str, attribute: Attribute, delta: float) -> str:
        """Set the total change of one attribute of one region, in levels from the baseline.

        delta is the whole change, not an increment: to make a region that is already at +0.2
        brighter by a touch, set 0.3. 0 removes the edit. Magnitudes: a touch 0.1, a bit 0.15,
        a plain request 0.25, a lot 0.4, dramatic 0.6; keep within -1.0 to 1.0. Positive
        temperature is warmer. A "global" edit moves every region; to keep one region as it was
        while the rest changes, segment it and give it the opposite delta.
        """
        ws = need()
        name = region.strip().lower()
        if name != GLOBAL and name not in ws.masks:
            raise PerTouchError(
                f"Region {name!r} has no mask; call segment for it first (or use 'global')."
            )
        attr = parse_attribute(attribute)
        clamped = max(-MAX_REQUEST, min(MAX_REQUEST, float(delta)))
        if clamped != delta:
            ws.notes.append(
                f"Clamped the {name} {attr.value} change from {delta:g} to {clamped:g}."
            )
        ws.adjustment = replace_edit(ws.adjustment, name, attr, clamped)
        return json.dumps({"edits": ws.adjustment.to_dict()["edits"]})

    def render() -> str:
        """Render the edits set so far at full resolution and measure the result.

        Call it once, after your set_edit calls. The result is measured region by region and
        compared with what was asked before you are shown it again.
        """
        need().render_requested = True
        return "The edits will be rendered and measured next."

    def recall(scene: str = "") -> str:
        """Recall edits this user approved before on similar photos (empty until memory exists)."""
        ws = need()
        if ws.recall is None:
            return "No remembered preferences yet."
        return ws.recall(scene)

    specs: list[tuple[Callable[..., str], type[BaseModel]]] = [
        (segment, SegmentArgs),
        (measure, MeasureArgs),
        (set_edit, SetEditArgs),
        (render, RenderArgs),
        (recall, RecallArgs),
    ]
    return [
        StructuredTool.from_function(
            func, name=func.__name__, description=_doc(func), args_schema=schema
        )
        for func, schema in specs
    ]


class RenderArgs(BaseModel):
    pass


TOOL_NAMES = ("segment", "measure", "set_edit", "render", "recall")


def replace_edit(
    state: AdjustmentState, region: str, attribute: Attribute | str, delta: float
) -> AdjustmentState:
    """``state`` with the edit of (region, attribute) set to ``delta`` (removed when 0)."""
    attr = parse_attribute(attribute)
    kept = tuple(e for e in state.edits if (e.region, e.attribute) != (region, attr))
    if delta == 0:
        return state.with_edits(kept)
    return state.with_edits((*kept, Edit(region, attr, delta)))


def _mask(ws: Workspace, region: str) -> NDArray[np.generic]:
    name = region.strip().lower()
    if name == GLOBAL:
        return np.full(ws.image.shape[:2], 255, dtype=np.uint8)
    if name not in ws.masks:
        raise PerTouchError(f"Region {name!r} has no mask; call segment for it first.")
    return ws.store.get(ws.masks[name])


def _doc(func: Callable[..., Any]) -> str:
    return " ".join((func.__doc__ or "").split())
