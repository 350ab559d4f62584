"""Pictures and words for the page: previews, the region overlay, progress lines, the edit table.

Pure functions of a result and its masks; nothing here knows about Gradio or sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.metrics import to_float_rgb

#: Long side in pixels of the pictures sent to the browser; downloads keep full resolution.
PREVIEW_SIZE = 1280


def preview(pixels: NDArray[np.generic], size: int = PREVIEW_SIZE) -> NDArray[np.uint8]:
    """An ``(h, w, 3)`` uint8 copy of ``pixels`` whose long side is at most ``size``."""
    rgb = (to_float_rgb(pixels) * 255.0 + 0.5).astype(np.uint8)
    height, width = rgb.shape[:2]
    factor = size / max(height, width)
    if factor >= 1.0:
        return rgb
    shape = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, shape, interpolation=cv2.INTER_AREA), np.uint8)


def region_overlay(
    picture: NDArray[np.uint8], masks: Mapping[str, NDArray[np.generic]]
) -> NDArray[np.uint8] | None:
    """``picture`` with each region in ``masks`` tinted and named; None when there are no masks.

    Masks are at any resolution (resized to the picture); where regions overlap, the one named
    later wins, as the agent's more specific regions (a face in a person) come later.
    """
    from pertouch.tools.segmentation.overlay import draw_overlay
    from pertouch.tools.segmentation.types import ProposedRegion, RegionMap

    if not masks:
        return None
    height, width = picture.shape[:2]
    labels = np.zeros((height, width), np.uint16)
    regions = []
    for index, (name, mask) in enumerate(masks.items(), start=1):
        weight = to_float_rgb(mask)[..., 0] if mask.ndim == 2 else to_float_rgb(mask).mean(-1)
        inside = cv2.resize(weight, (width, height), interpolation=cv2.INTER_AREA) > 0.5
        labels[inside] = index
        regions.append(ProposedRegion(index, name, float(inside.mean()), 1.0))
    return draw_overlay(picture, RegionMap(labels, tuple(regions)))


def slider_regions(state: AdjustmentState, masks: Mapping[str, Any], limit: int) -> list[str]:
    """Rows of the edit table: "global", then regions with edits, then other segmented regions."""
    names = ["global", *state.regions, *(m for m in masks if m not in state.regions)]
    return list(dict.fromkeys(names))[:limit]


def slider_values(state: AdjustmentState, regions: list[str]) -> dict[str, list[float]]:
    """Per region the summed delta of each attribute, in channel order, rounded for the sliders."""
    deltas = state.deltas()
    return {
        region: [round(float(v), 2) for v in deltas.get(region, np.zeros(4))] for region in regions
    }


def progress_line(event: Mapping[str, Any]) -> str:
    """One sentence for the chat about a step the agent just took ("" for steps not worth it)."""
    node = event.get("node")
    if node == "perceive":
        regions = ", ".join(event.get("regions") or []) or "no named regions"
        return f"Looked at the photo ({event.get('scene') or 'scene'}): {regions}."
    if node == "classify":
        line = f"Read the instruction as {event.get('kind', '?')}."
        if event.get("unsupported"):
            line += f" Cannot do: {', '.join(event['unsupported'])}."
        return line
    if node == "plan":
        calls = [_call_text(c) for c in event.get("calls") or []]
        return f"Planned: {'; '.join(calls)}." if calls else ""
    if node == "render":
        return f"Rendered round {event.get('round', '?')} at full resolution."
    if node == "critique":
        verdict = "satisfied" if event.get("satisfied") else "correcting"
        return f"Checked the result: {verdict}. {event.get('reason', '')}".strip()
    return ""


def _call_text(call: Mapping[str, Any]) -> str:
    args = call.get("args") or {}
    if call.get("name") == "set_edit":
        return f"{args.get('region')} {args.get('attribute')} {float(args.get('delta', 0)):+.2f}"
    if call.get("name") == "segment":
        return f"find {args.get('region') or args.get('phrase') or 'a region'}"
    return str(call.get("name", "a step"))
