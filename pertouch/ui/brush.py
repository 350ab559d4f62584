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
from pertouch.tools.segmentation.user_masks import UserMasks, fit_to

BoolMask = NDArray[np.bool_]


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
        raise PerTouchError(
            f"Paint the region for {word!r} over the photo first, or clear the region's name."
        )
    if not word:
        raise PerTouchError(
            "You painted a region but did not name it; type a word for it (e.g. boats) in "
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


def editor_value(picture: NDArray[np.uint8] | None) -> dict[str, Any] | None:
    """An editor value showing ``picture`` with nothing painted (None clears the editor)."""
    if picture is None:
        return None
    return {"background": picture, "layers": [], "composite": picture}
