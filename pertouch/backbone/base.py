"""The one interface every retouch backbone implements."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState


@runtime_checkable
class Renderer(Protocol):
    """Turns a photo, an adjustment state and region masks into the retouched photo."""

    def render(
        self,
        image: NDArray[np.uint8] | NDArray[np.uint16],
        state: AdjustmentState,
        masks: Mapping[str, NDArray[np.generic]],
    ) -> NDArray[np.uint8] | NDArray[np.uint16]:
        """Render at the photo's full resolution.

        Args:
            image: ``(H, W, 3)`` RGB, uint8 or uint16; the output has the same shape and dtype.
            state: baseline and edits; every region an edit names needs a mask.
            masks: region name to ``(H, W)`` soft mask in [0, 1] (float) or 0..255 (uint8).
        """
        ...


class OneAtATime:
    """A renderer that is not safe for threads (one GPU pipeline), used by one thread at a time.

    Other attributes are the wrapped renderer's, so callers that know it still reach it.
    """

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self._lock = threading.Lock()

    def render(
        self,
        image: NDArray[np.uint8] | NDArray[np.uint16],
        state: AdjustmentState,
        masks: Mapping[str, NDArray[np.generic]],
    ) -> NDArray[np.uint8] | NDArray[np.uint16]:
        with self._lock:
            return self.renderer.render(image, state, masks)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.renderer, name)
