"""The edit table of the page: which regions get slider rows, and the sliders' values.

Pure functions of an adjustment state; nothing here knows about Gradio or sessions. Previews live in
:mod:`pertouch.core.previews`, the region overlay in :mod:`pertouch.tools.segmentation.overlay`
and progress lines in :mod:`pertouch.graph.explain`, where the MCP server and the CLI use them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from pertouch.core.adjustments import AdjustmentState


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
