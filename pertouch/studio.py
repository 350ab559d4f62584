"""The service layer the app and the MCP server share: one agent, renderer, segmenter and memory.

A :class:`Studio` is built once by an entry point from :class:`~pertouch.services.Settings` and
handed to the surface (the Gradio app, the MCP server). It holds no per-client data: each call
names its thread, so clients never see each other's work. Clients' calls run at the same time
(up to the app's ``workers``): the pieces they share are safe for threads (a pool of segmenters,
the thread database behind its saver's lock, a locked image cache, the diffusion renderer behind
a lock). Only calls on the same thread take turns, so a slider move and a chat message of one
tab cannot interleave their reads and writes of that thread.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.api import Result, Retoucher
from pertouch.core.adjustments import AdjustmentState, Baseline, Edit
from pertouch.core.attributes import parse_attribute
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Photo, Pixels
from pertouch.graph.records import Snapshot
from pertouch.services import Services, Settings, open_services

#: What the agent hears when the person presses Undo or Approve.
UNDO_WORDS = "undo"
APPROVE_WORDS = "looks good"


class Studio:
    """Shared services for every client of one server.

    Args:
        services: the agent's dependencies (model, segmenter, renderer, memory, store, threads).
        workdir: where per-client downloads are written (one sub-folder per client).
    """

    def __init__(self, services: Services, workdir: str | Path) -> None:
        self.services = services
        self.retoucher = Retoucher(services=services)
        self.segmenter = services.segmenter
        self.memory = services.memory
        self.renderer = services.renderer
        self.scale = services.scale
        self.workdir = Path(workdir)
        # Weak values: a conversation's lock lives while a call holds or waits on it, so a
        # long-running server does not keep one per conversation it ever saw.
        self._threads: weakref.WeakValueDictionary[str, threading.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._threads_lock = threading.Lock()

    def close(self) -> None:
        self.services.close()

    def conversation(self, thread_id: str) -> threading.Lock:
        """The lock that calls on ``thread_id`` take, so they run one after another."""
        with self._threads_lock:
            lock = self._threads.get(thread_id)
            if lock is None:
                lock = self._threads[thread_id] = threading.Lock()
            return lock

    # -- the agent ---------------------------------------------------------------------------
    def turn(
        self,
        instruction: str,
        thread_id: str,
        photo_path: str | None,
        user: str,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        use_memory: bool = True,
        masks: Mapping[str, Any] | None = None,
    ) -> Result:
        """One instruction on the tab's thread; ``photo_path`` on the thread's first turn;
        ``masks`` (word to mask file or array) shows regions by hand."""
        with self.conversation(thread_id):
            return self.retoucher.turn(
                instruction,
                photo_path,
                thread_id=thread_id,
                user=user or None,
                on_event=on_event,
                use_memory=use_memory,
                masks=masks,
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
        with self.conversation(thread_id):
            masks = self.masks(thread_id)
            missing = [r for r in state.regions if r not in masks]
            if missing:
                raise PerTouchError(
                    f"Region {missing[0]!r} has no mask in this conversation; ask for it in the chat first."
                )
            pixels = self.renderer.render(photo.pixels, state, masks)
            ref = self.retoucher.store.put(pixels)
            values = self._values(thread_id)
            previous = Snapshot(
                adjustment=values.get("adjustment") or AdjustmentState(),
                output_ref=values.get("output_ref", ""),
                last_change=tuple(values.get("last_change", ())),
            )
            self.retoucher.graph.update_state(
                self._config(thread_id),
                {
                    "adjustment": state,
                    "rendered": state,
                    "output_ref": ref,
                    "history": [*values.get("history", []), previous],
                    "status": "active",
                },
                as_node="respond",
            )
            return pixels

    def render_state(
        self, pixels: Pixels, state: AdjustmentState, masks: Mapping[str, Any]
    ) -> tuple[Pixels, dict[str, Any]]:
        """Render ``state`` with the configured renderer; returns the pixels and, per region, the
        levels before, the target and the level reached (measured on the result)."""
        from pertouch.core.adjustments import GLOBAL
        from pertouch.core.attributes import ATTRIBUTES
        from pertouch.core.metrics import measure_raw

        output = self.renderer.render(pixels, state, masks)
        whole = {GLOBAL: np.full(pixels.shape[:2], 255, np.uint8), **masks}
        before = {n: self.scale.to_level(v) for n, v in measure_raw(pixels, whole).items()}
        after = {n: self.scale.to_level(v) for n, v in measure_raw(output, whole).items()}
        targets = state.targets(before)
        names = [a.value for a in ATTRIBUTES]
        regions: dict[str, Any] = {}
        worst = 0.0
        for name in [*masks, GLOBAL] if GLOBAL in state.deltas() or not masks else list(masks):
            edited = state.edited(name)
            worst = max(
                worst, float(np.max(np.abs(targets[name] - after[name]) * edited, initial=0.0))
            )
            regions[name] = {
                key: {n: round(float(v), 4) for n, v in zip(names, values, strict=True)}
                for key, values in (
                    ("before", before[name]),
                    ("target", targets[name]),
                    ("reached", after[name]),
                )
            }
        return output, {"converged": worst <= 0.05, "regions": regions}

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


def open_studio(settings: Settings, **objects: Any) -> Studio:
    """Build the shared services from ``settings`` (objects given by name are used as they are:
    ``model``, ``segmenter``, ``renderer``, ``memory``, ``checkpointer``)."""
    return Studio(open_services(settings, **objects), settings.home.expanduser() / "tabs")
