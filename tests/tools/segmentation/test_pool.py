"""The segmenter pool: one thread per instance, a photo back to its instance, real masks unchanged."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from pertouch.tools.segmentation import OfflineSegmenter
from pertouch.tools.segmentation.pool import SegmenterPool
from pertouch.tools.segmentation.types import RegionMap, Segmentation


class Recording:
    """A segmenter that notes who used it, and fails if two threads use it at once."""

    made = 0

    def __init__(self, pause: float = 0.05, meet: threading.Barrier | None = None) -> None:
        Recording.made += 1
        self.name = Recording.made
        self.pause = pause
        self.meet = meet
        self.busy = threading.Lock()
        self.photos: list[int] = []

    def _use(self, image: np.ndarray) -> None:
        if not self.busy.acquire(blocking=False):
            raise AssertionError(f"segmenter {self.name} used by two threads at once")
        try:
            self.photos.append(int(image[0, 0, 0]))
            if self.meet is not None and not self.meet.broken:
                self.meet.wait()  # held until another thread is inside another instance
            time.sleep(self.pause)
        finally:
            self.busy.release()

    def segment(self, image: np.ndarray, phrase: str) -> Segmentation:
        self._use(image)
        mask = np.zeros(image.shape[:2], np.float32)
        return Segmentation(phrase, "", mask, 0.0, False, "lexicon")

    def propose(self, image: np.ndarray) -> RegionMap:
        self._use(image)
        return RegionMap(np.zeros(image.shape[:2], np.uint16), ())


def _photo(value: int) -> np.ndarray:
    return np.full((8, 8, 3), value, np.uint8)


def test_instances_are_lent_to_one_thread_at_a_time_up_to_the_size():
    made: list[Recording] = []
    meet = threading.Barrier(3, timeout=30)  # each call waits until three are in at once
    pool = SegmenterPool(lambda: made.append(Recording(0.0, meet)) or made[-1], size=3)
    with ThreadPoolExecutor(8) as workers:
        list(workers.map(lambda i: pool.segment(_photo(i), "sky"), range(24)))
    assert pool.instances == len(made) == 3
    assert sum(len(s.photos) for s in made) == 24


def test_a_photo_goes_back_to_the_segmenter_that_saw_it():
    made: list[Recording] = []
    meet = threading.Barrier(2, timeout=30)
    pool = SegmenterPool(lambda: made.append(Recording(0.0, meet)) or made[-1], size=2)
    with ThreadPoolExecutor(2) as workers:  # both instances exist, each has seen one photo
        list(workers.map(lambda i: pool.segment(_photo(i), "x"), (1, 2)))
    meet.abort()  # from here on, calls pass straight through
    for _ in range(5):
        pool.segment(_photo(2), "sky")
        pool.contents(_photo(1))
    owners = {value: {s.name for s in made if value in s.photos} for value in (1, 2)}
    assert owners[1].isdisjoint(owners[2]) and len(owners[1]) == len(owners[2]) == 1


def test_a_pool_of_one_is_a_lock():
    made: list[Recording] = []
    pool = SegmenterPool(lambda: made.append(Recording()) or made[-1], size=1)
    with ThreadPoolExecutor(4) as workers:
        list(workers.map(lambda i: pool.propose(_photo(i)), range(8)))
    assert len(made) == 1 and len(made[0].photos) == 8
    with pytest.raises(ValueError, match="at least one"):
        SegmenterPool(Recording, size=0)


def test_real_segmenters_in_parallel_answer_as_one_does_alone(astronaut, rocket):
    jobs = [(astronaut, "face"), (rocket, "sky"), (astronaut, "hair"), (rocket, "ground")]
    with OfflineSegmenter() as alone:
        expected = [alone.segment(image, phrase).mask for image, phrase in jobs]
    pool = SegmenterPool(OfflineSegmenter, size=2)
    try:
        with ThreadPoolExecutor(4) as workers:
            found = list(workers.map(lambda job: pool.segment(*job).mask, jobs))
        assert pool.instances == 2
        assert pool.contents(astronaut) == OfflineSegmenter().contents(astronaut)
    finally:
        pool.close()
    for mask, reference in zip(found, expected, strict=True):
        assert np.array_equal(mask, reference)
