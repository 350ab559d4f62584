"""What one browser tab knows: its photo, its thread, its user and its latest result.

Gradio keeps one :class:`Session` per tab in a ``gr.State`` (copied from ``None`` for each new
tab), so two people on the same server never share a photo, a thread or a chat. Everything the
agent itself remembers lives in the thread named by ``thread_id``; the session only points at it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pertouch.api import Result
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.imageio import Photo
from pertouch.tools.segmentation.types import RegionMap

#: Rows of sliders on the page: "global" and up to this many regions minus one.
MAX_SLIDER_ROWS = 6
#: Slider names, one per attribute, in channel order.
ATTRIBUTE_NAMES: tuple[str, ...] = tuple(a.value for a in ATTRIBUTES)


@dataclass
class Session:
    """One tab's work.

    Attributes:
        id: a random name for this tab; its files live under a folder of that name.
        thread_id: the agent thread for the current photo ("" before the first photo).
        photo_path: the uploaded file, read by the agent on the thread's first turn.
        photo_name: the uploaded file's name, for the download's name.
        photo: the uploaded photo at full resolution, with its profile and EXIF.
        result: the latest turn's outcome (None before the first instruction).
        regions: the region names shown as slider rows, "global" first.
        reasoning: the reasoning shown for the last turn that rendered.
        proposed: the regions proposed on the photo's preview, for a click to pick one.
        picked: the proposed region picked with a click (preview size), sent with the next turn.
    """

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    thread_id: str = ""
    photo_path: str = ""
    photo_name: str = ""
    photo: Photo | None = field(default=None, repr=False)
    result: Result | None = field(default=None, repr=False)
    regions: list[str] = field(default_factory=lambda: ["global"])
    reasoning: str = ""
    proposed: RegionMap | None = field(default=None, repr=False)
    picked: NDArray[np.bool_] | None = field(default=None, repr=False)

    def start(self, photo: Photo, path: str) -> None:
        """Begin a new thread on ``photo`` read from ``path``; the old thread is left as it was."""
        self.thread_id = uuid.uuid4().hex
        self.photo_path = str(path)
        self.photo_name = Path(path).name
        self.photo = photo
        self.result = None
        self.regions = ["global"]
        self.reasoning = ""
        self.proposed = None
        self.picked = None

    def download_name(self) -> str:
        """``name-pertouch.ext`` for the uploaded ``name.ext`` (JPEG, PNG, TIFF or WebP)."""
        path = Path(self.photo_name or "photo.png")
        suffix = path.suffix.lower() if path.suffix.lower() in _WRITE_SUFFIXES else ".png"
        return f"{path.stem}-pertouch{suffix}"


_WRITE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}
