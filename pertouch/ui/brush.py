"""The brush: a region a person paints over the photo and names ("boats"), turned into a mask.

The page shows the photo in a ``gr.ImageEditor`` with one transparent paint layer; what arrives
on send is its value, a dict with ``background``, ``layers`` and ``composite`` images. Every
pixel any layer painted (alpha above zero) is inside the region: a half-transparent brush keeps
the photo visible under the paint, and the mask must still be all or nothing there. The mask is
fitted to the photo's full resolution and handed to :meth:`~pertouch.studio.Studio.turn`, where
the word then means that region for the rest of the conversation. Nothing here imports Gradio.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import MaskError, PerTouchError
from pertouch.core.previews import preview
from pertouch.studio import Studio
from pertouch.tools.segmentation.overlay import region_overlay
from pertouch.tools.segmentation.user_masks import UserMasks, fit_to
from pertouch.ui.session import Session

BoolMask = NDArray[np.bool_]
#: The brush's colour (the page paints it half transparent); a picked region is painted in it.
PAINT_RGB = (255, 40, 140)


class BrushError(PerTouchError):
    """A painting without a name, or a name without a painting: refused before the turn, so
    the page keeps the painting, its name and the words as they are and says what is missing."""


def painted_mask(value: Mapping[str, Any] | None, shape: tuple[int, int]) -> BoolMask | None:
    """The region painted in an image editor's ``value`` as an ``(H, W)`` bool mask at ``shape``.

    ``value`` is the editor's dict; its ``layers`` are ``(h, w, 4)`` RGBA uint8 arrays (alpha is
    the paint) or ``(h, w)`` grey ones. Returns None when nothing is painted. Raises
    :class:`MaskError` when the layers do not have the photo's aspect ratio (the editor held
    another picture).
    """
    layers = [np.asarray(layer) for layer in (value or {}).get("layers") or [] if layer is not None]
    painted = _union(_paint(layer) for layer in layers)
    if painted is None or not painted.any():
        return None
    fitted = fit_to(painted.astype(np.float32), shape)
    return np.asarray(fitted >= 0.5, np.bool_)


def _paint(layer: NDArray[Any]) -> BoolMask:
    """Where one layer holds paint: its alpha above zero, or any non-black grey value."""
    if layer.ndim == 3 and layer.shape[2] in (2, 4):
        return np.asarray(layer[..., -1] > 0, np.bool_)
    if layer.ndim == 3:
        return np.asarray(layer.max(axis=2) > 0, np.bool_)
    if layer.ndim == 2:
        return np.asarray(layer > 0, np.bool_)
    raise MaskError(f"A painted layer must be an image, not an array of shape {layer.shape}.")


def _union(masks: Iterable[BoolMask]) -> BoolMask | None:
    union: BoolMask | None = None
    for mask in masks:
        if union is not None and union.shape != mask.shape:
            raise MaskError("The painted layers differ in size; paint on one layer over the photo.")
        union = mask if union is None else union | mask
    return union


def region_word(word: str | None, painted: BoolMask | None) -> str:
    """The name for a painted region, checked against the painting; "" when neither is given.

    A painting needs a word and a word needs a painting; either alone is refused with one
    sentence that says what to do, before the agent runs.
    """
    word = (word or "").strip()
    if painted is None and not word:
        return ""
    if painted is None:
        raise BrushError(
            f"Paint the region for {word!r} over the photo first, or clear the region's name."
        )
    if not word:
        raise BrushError(
            "You painted a region but did not name it; type a word for it (e.g. lake) in "
            "the box under the brush, then send again."
        )
    UserMasks().key(word)  # an overlong name is refused here, as the agent would refuse it
    return word


def coverage(mask: BoolMask) -> str:
    """The painted share of the photo in words: "12% of the photo", "under 1% of the photo"."""
    share = float(mask.mean()) * 100.0
    return "under 1% of the photo" if share < 1.0 else f"{share:.0f}% of the photo"


def painted_note(word: str, mask: BoolMask, edited: Iterable[str]) -> str:
    """One sentence for the reply: whether this turn edited the painted region, and its size.

    ``edited`` are the regions the turn's edits name; the painted word is stored under the same
    key the agent looks it up by ("lake" and "water" are both *water*).
    """
    key = UserMasks().key(word)
    regions = list(dict.fromkeys(edited))
    if key in regions:
        return f"Used your painted region {word!r} ({coverage(mask)})."
    went = ", ".join(regions) if regions else "nothing"
    return (
        f"Your painted region {word!r} ({coverage(mask)}) was not used this turn; the edits "
        f"went to: {went}."
    )


def changed_regions(before: AdjustmentState | None, after: AdjustmentState) -> list[str]:
    """The regions whose edits differ between two states ("global" included), in ``after``'s
    order; the states are cumulative, so this is what one turn did."""
    old = before.deltas() if before is not None else {}
    new = after.deltas()
    moved = [r for r, d in new.items() if not np.allclose(d, old.get(r, np.zeros_like(d)))]
    return moved + [r for r, d in old.items() if r not in new and np.any(d)]


def propose(studio: Studio, session: Session | None) -> NDArray[np.uint8]:
    """The photo's preview with the regions the segmenter proposes tinted and named.

    The region map is kept in the session at the preview's size, where a click lands.
    """
    if session is None or session.photo is None:
        raise PerTouchError("Upload a photo first; then the regions it holds can be proposed.")
    picture = preview(session.photo.pixels)
    session.proposed = studio.segmenter.propose(picture)
    masks = {r.label: session.proposed.mask(r.label) for r in session.proposed.regions}
    overlay = region_overlay(picture, masks)
    if overlay is None:
        raise PerTouchError("No region was found in this photo; paint the region with the brush.")
    return overlay


def pick(session: Session | None, x: int, y: int) -> tuple[dict[str, Any], str]:
    """Pick the proposed region under the click at ``(x, y)``: it is kept in the session as the
    shown region (the brush can add to it) and tinted in the editor; returns the editor's new
    value and the region's name.

    The pick is tinted into the editor's picture, not given as a paint layer: Gradio's editor
    draws a layer it is handed at the wrong place and scale (seen in Chromium, Gradio 6.31).
    """
    if session is None or session.photo is None or session.proposed is None:
        raise PerTouchError("Press 'Propose regions' first, then click one of them.")
    labels = session.proposed.labels
    index = int(labels[min(max(y, 0), labels.shape[0] - 1), min(max(x, 0), labels.shape[1] - 1)])
    region = next((r for r in session.proposed.regions if r.index == index), None)
    if region is None:
        raise PerTouchError("No proposed region is there; paint the region with the brush.")
    session.picked = np.asarray(labels == index, np.bool_)
    picture = preview(session.photo.pixels)
    tinted = picture.copy()
    mixed = picture[session.picked] * 0.5 + np.array(PAINT_RGB, np.float32) * 0.5
    tinted[session.picked] = mixed.astype(np.uint8)
    return {"background": tinted, "layers": [], "composite": tinted}, region.label


def shown_mask(
    value: Mapping[str, Any] | None, picked: BoolMask | None, shape: tuple[int, int]
) -> BoolMask | None:
    """What the person showed, at ``shape``: the picked region and what they painted, together."""
    painted = painted_mask(value, shape)
    if picked is None:
        return painted
    fitted = np.asarray(fit_to(picked.astype(np.float32), shape) >= 0.5, np.bool_)
    return fitted if painted is None else fitted | painted


def editor_value(picture: NDArray[np.uint8] | None) -> dict[str, Any] | None:
    """An editor value showing ``picture`` with nothing painted (None clears the editor)."""
    if picture is None:
        return None
    return {"background": picture, "layers": [], "composite": picture}
