"""Segmenters for several threads: each call borrows one instance that no other thread is using.

The offline segmenter keeps mediapipe graphs and a per-photo analysis cache, neither made for two
threads at once; SAM3 holds one large model. :class:`SegmenterPool` lends whole instances, up to
``size`` (created on demand, so an idle server holds one), and waits when all are busy: a pool of
one is a lock. A photo goes back to the instance that analysed it when that one is free, so a
turn's later questions ("the sky", then "the faces") reuse the analysis instead of redoing it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation.offline import photo_key
from pertouch.tools.segmentation.types import RegionMap, Segmentation, Segmenter

#: Photos whose last segmenter the pool remembers.
_REMEMBERED_PHOTOS = 64


class SegmenterPool:
    """Up to ``size`` segmenters made by ``make``, each used by one thread at a time.

    Args:
        make: builds one segmenter (they may share a thread-safe lexicon).
        size: the most instances; callers past it wait for one to be returned.
    """

    def __init__(self, make: Callable[[], Segmenter], size: int = 1) -> None:
        if size < 1:
            raise ValueError(f"a segmenter pool needs at least one instance, got {size}")
        self.size = size
        self._make = make
        first = make()
        self._all: list[Segmenter] = [first]
        self._idle: list[Segmenter] = [first]
        self._last: OrderedDict[str, int] = OrderedDict()  # photo key -> id() of its segmenter
        self._free = threading.Condition()

    @property
    def lexicon(self) -> Any:
        """The lexicon the instances share (how phrases become region classes)."""
        return getattr(self._all[0], "lexicon", None)

    @property
    def instances(self) -> int:
        """How many segmenters exist now (at most ``size``)."""
        return len(self._all)

    def segment(self, image: NDArray[np.generic], phrase: str) -> Segmentation:
        with self._borrow(image) as segmenter:
            return segmenter.segment(image, phrase)

    def propose(self, image: NDArray[np.generic]) -> RegionMap:
        with self._borrow(image) as segmenter:
            return segmenter.propose(image)

    def contents(self, image: NDArray[np.generic]) -> tuple[str, ...]:
        """The region names ``image`` contains (from ``propose`` where a segmenter lacks this)."""
        with self._borrow(image) as segmenter:
            lister = getattr(segmenter, "contents", None)
            return tuple(lister(image) if callable(lister) else segmenter.propose(image).names())

    def close(self) -> None:
        with self._free:
            for segmenter in self._all:
                closer = getattr(segmenter, "close", None)
                if callable(closer):
                    closer()

    @contextmanager
    def _borrow(self, image: NDArray[np.generic]) -> Iterator[Segmenter]:
        key = photo_key(image) if self.size > 1 else ""
        with self._free:
            while True:
                chosen = self._pick(key)
                if chosen is not None:
                    break
                if len(self._all) < self.size:
                    chosen = self._make()
                    self._all.append(chosen)
                    break
                self._free.wait()
        try:
            yield chosen
        finally:
            with self._free:
                if key:
                    self._last[key] = id(chosen)
                    self._last.move_to_end(key)
                    while len(self._last) > _REMEMBERED_PHOTOS:
                        self._last.popitem(last=False)
                self._idle.append(chosen)
                self._free.notify()

    def _pick(self, key: str) -> Segmenter | None:
        """An idle segmenter, the one that last saw this photo if it is idle (lock held)."""
        if not self._idle:
            return None
        wanted = self._last.get(key)
        for i, segmenter in enumerate(self._idle):
            if id(segmenter) == wanted:
                return self._idle.pop(i)
        return self._idle.pop()
