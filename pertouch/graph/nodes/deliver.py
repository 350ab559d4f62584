"""deliver: the served graph's last node; the turn's outcome as plain JSON, the image as data.

A remote client cannot read the server's image store, so the result travels in the output: a
JPEG preview every turn and, when the run asks (``image="full"``), the whole result as a PNG.
The full file is encoded only on request because it is large (a 12 MP photo is ~25 MB of PNG)
and the server keeps each turn's output in the thread.
"""

from __future__ import annotations

import base64
from typing import Any

from langgraph.runtime import Runtime

from pertouch.core.imageio import Pixels, encode_photo
from pertouch.core.previews import PREVIEW_SIZE, preview
from pertouch.graph.context import Context
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.state import State


def deliver(state: State, runtime: Runtime[Context], deps: Deps) -> dict[str, Any]:
    """Write the :class:`~pertouch.graph.state.ServedOutput` fields for this turn."""
    wanted = getattr(runtime.context, "image", "preview")
    ref = state.output_ref or state.photo_ref
    shown = next((r for r in reversed(state.rounds) if r.output_ref == state.output_ref), None)
    return {
        "understood_as": state.kind,
        "baseline": state.adjustment.baseline,
        "edits": [e.to_dict() for e in state.adjustment.edits],
        "levels": [m.to_dict() for m in shown.measured] if shown and state.output_ref else [],
        "regions_used": list(state.rendered.regions),
        "image": image_payload(deps.image(ref), wanted) if ref else None,
    }


def image_payload(pixels: Pixels, wanted: str = "preview") -> dict[str, Any]:
    """``pixels`` for a client: full size, a base64 JPEG preview, and the PNG when ``"full"``."""
    height, width = pixels.shape[:2]
    out: dict[str, Any] = {"width": int(width), "height": int(height)}
    if wanted in ("preview", "full"):
        small = preview(pixels, PREVIEW_SIZE)
        out["preview"] = _b64(encode_photo(small, "JPEG", quality=85))
        out["preview_mime_type"] = "image/jpeg"
    if wanted == "full":
        out["data"] = _b64(encode_photo(pixels, "PNG"))
        out["mime_type"] = "image/png"
        out["filename"] = "pertouch-result.png"
    return out


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
