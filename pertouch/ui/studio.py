"""The agent, renderer and memory one server shares between its browser tabs.

A :class:`Studio` is built once by the entry point and handed to the app. It holds no per-tab
data: each call names the tab's thread, so tabs never see each other's work. Calls that touch the
agent or the renderer take one lock, because the segmenter and the thread database are not made
for concurrent use; tabs queue behind each other rather than race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.api import Result, Retoucher
from pertouch.core.adjustments import AdjustmentState, Baseline, Edit
from pertouch.core.attributes import parse_attribute
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Photo

#: What the agent hears when the person presses Undo or Approve.
UNDO_WORDS = "undo"
APPROVE_WORDS = "looks good"


class Studio:
    """Shared services for every tab.

    Args:
        retoucher: the agent, with a thread database and an image store.
        segmenter: the agent's segmenter, shared with the MCP tools that segment directly.
        memory: the :class:`~pertouch.memory.store.SceneMemory` the agent recalls from and
            writes to on approval, or None to run without memory.
        workdir: where per-tab downloads are written (one sub-folder per tab).
    """

    def __init__(
        self, retoucher: Retoucher, segmenter: Any, memory: Any, workdir: str | Path
    ) -> None:
        from pertouch.backbone.parametric import ParametricRenderer

        self.retoucher = retoucher
        self.segmenter = segmenter
        self.memory = memory
        self.workdir = Path(workdir)
        self.renderer = ParametricRenderer()
        self.lock = threading.Lock()

    # -- the agent ---------------------------------------------------------------------------
    def turn(
        self,
        instruction: str,
        thread_id: str,
        photo_path: str | None,
        user: str,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        use_memory: bool = True,
    ) -> Result:
        """One instruction on the tab's thread; ``photo_path`` on the thread's first turn."""
        with self.lock:
            return self.retoucher.turn(
                instruction,
                photo_path,
                thread_id=thread_id,
                user=user or None,
                on_event=on_event,
                use_memory=use_memory,
            )

    def masks(self, thread_id: str) -> dict[str, NDArray[np.generic]]:
        """The full-resolution masks the thread has segmented so far, by region name."""
        values = self._values(thread_id)
        store = self.retoucher.store
        return {name: store.get(ref) for name, ref in values.get("masks", {}).items()}

    def rerender(self, thread_id: str, photo: Photo, state: AdjustmentState) -> NDArray[np.generic]:
        """Render ``state`` on the thread's photo and make it the thread's current result.

        The thread's history gains the previous result, so "undo" in the chat undoes a slider
        move, and the next instruction ("a bit less") acts on what the sliders now show.
        """
        with self.lock:
            masks = self.masks(thread_id)
            missing = [r for r in state.regions if r not in masks]
            if missing:
                raise PerTouchError(
                    f"Region {missing[0]!r} has no mask in this conversation; ask for it in the chat first."
                )
            pixels = self.renderer.render(photo.pixels, state, masks)
            ref = self.retoucher.store.put(pixels)
            values = self._values(thread_id)
            previous = {
                "adjustment": values.get("adjustment"),
                "output_ref": values.get("output_ref", ""),
                "last_change": values.get("last_change", []),
            }
            self.retoucher.graph.update_state(
                self._config(thread_id),
                {
                    "adjustment": state.to_dict(),
                    "rendered": state.to_dict(),
                    "output_ref": ref,
                    "history": [*values.get("history", []), previous],
                    "status": "active",
                },
                as_node="respond",
            )
            return pixels

    def photo_ref(self, thread_id: str) -> str:
        """The thread's original photo in the image store ("" before the first turn)."""
        return str(self._values(thread_id).get("photo_ref", ""))

    def _values(self, thread_id: str) -> dict[str, Any]:
        return dict(self.retoucher.graph.get_state(self._config(thread_id)).values)

    @staticmethod
    def _config(thread_id: str) -> Any:
        return {"configurable": {"thread_id": thread_id}}

    # -- memory ------------------------------------------------------------------------------
    def users(self) -> list[str]:
        """Names of the people whose taste is remembered (none without memory)."""
        if self.memory is None:
            return []
        return [user.name for user in self.memory.users.list()]

    def add_user(self, name: str) -> str:
        """Create (or find) a user; returns the name as stored."""
        if self.memory is None:
            raise PerTouchError("This server runs without memory, so it keeps no users.")
        return str(self.memory.users.ensure(name).name)

    def remembered(self, user: str) -> int:
        """How many approved retouches ``user`` has in memory (0 without memory or user)."""
        if self.memory is None or user not in self.users():
            return 0
        with self.lock:
            return int(self.memory.count(user))


def state_from_sliders(
    regions: Iterable[str],
    values: Mapping[tuple[str, str], float],
    baseline: Baseline = "as_shot",
) -> AdjustmentState:
    """An adjustment state with one edit per non-zero slider (region, attribute) -> delta."""
    edits = [
        Edit(region, parse_attribute(attribute), float(delta))
        for region in regions
        for (r, attribute), delta in values.items()
        if r == region and abs(float(delta)) > 1e-9
    ]
    return AdjustmentState(baseline, tuple(edits))


def open_studio(
    home: str | Path,
    memory_location: str | Path | None,
    model: Any = "offline",
    openai: Any = None,
) -> Studio:
    """Build the shared services: one segmenter, the agent on it, and the memory (if a location).

    Args:
        home: folder for the image store, the thread database and per-tab downloads.
        memory_location: a memory folder or Chroma server URL; None runs without memory.
        model: "offline", "openai:MODEL" or a chat model.
        openai: an OpenAIConfig for "openai:" models.
    """
    from pertouch.tools.segmentation import OfflineSegmenter

    segmenter = OfflineSegmenter()
    memory = None
    if memory_location is not None:
        from pertouch.memory.connection import connect
        from pertouch.memory.store import SceneMemory

        memory = SceneMemory(connect(memory_location))
    retoucher = Retoucher(model=model, segmenter=segmenter, home=home, openai=openai, memory=memory)
    return Studio(retoucher, segmenter, memory, Path(home) / "tabs")
