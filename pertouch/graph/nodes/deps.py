"""What the nodes work with: the agent's dependencies and a small cache of decoded images.

``build_graph`` builds one :class:`Deps` and binds it to every node, so a node's signature says
exactly what it uses (``state``, ``runtime``, ``deps``) and nothing is reached through globals.
One :class:`Deps` serves every run of its graph, so runs on several threads at once (the app's
workers, a server) share it: the image cache takes a lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from pertouch.backbone.base import Renderer
from pertouch.core.imageio import Pixels
from pertouch.core.levels import LevelScale
from pertouch.core.sources import PhotoSources
from pertouch.core.store import ImageStore
from pertouch.tools.segmentation.types import Segmenter

#: The model's time budget per turn when neither the graph's builder nor the run says
#: (PERTOUCH_MODEL_BUDGET's default).
DEFAULT_MODEL_BUDGET = 20.0
#: Decoded images kept in memory: the original, the current result and a round or two.
_CACHED_IMAGES = 4


@dataclass
class Deps:
    """The agent's dependencies, shared by every node of one compiled graph."""

    model: BaseChatModel
    fallback: BaseChatModel
    segmenter: Segmenter
    renderer: Renderer
    store: ImageStore
    scale: LevelScale
    memory: Any = None
    """A :class:`~pertouch.memory.store.SceneMemory`, or None to run without memory."""
    photos: PhotoSources = field(default_factory=PhotoSources)
    """Which forms of photo a turn may give (a server refuses paths on its disk)."""
    model_budget_s: float = DEFAULT_MODEL_BUDGET
    """Seconds the model may take over one turn when the run's context does not say."""
    _images: OrderedDict[str, Pixels] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def shows_images(self) -> bool:
        """Whether the model can look at pictures (the offline reader cannot)."""
        from pertouch.providers.offline import OfflineChatModel

        return not isinstance(self.model, OfflineChatModel)

    def image(self, ref: str) -> Pixels:
        """The photo (``(H, W, 3)`` uint8 or uint16) behind a store reference, cached in-process."""
        with self._lock:
            cached = self._images.get(ref)
            if cached is not None:
                self._images.move_to_end(ref)
                return cached
        pixels = self.store.get(ref)
        self.keep(ref, pixels)
        return pixels

    def put(self, pixels: Pixels) -> str:
        """Store ``pixels`` and keep them decoded for the next nodes; returns the reference."""
        ref = self.store.put(pixels)
        self.keep(ref, pixels)
        return ref

    def keep(self, ref: str, pixels: Pixels) -> None:
        with self._lock:
            self._images[ref] = pixels
            self._images.move_to_end(ref)
            while len(self._images) > _CACHED_IMAGES:
                self._images.popitem(last=False)
