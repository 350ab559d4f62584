"""A writer process for the concurrency tests: remembers N retouches, printing each id once stored.

Run as ``python -m tests.memory.writer LOCATION USER TAG N``. Its scene is a real photo measured
without the segmenter, so several writers start in a second; what is under test is the store.
"""

from __future__ import annotations

import sys
import zlib
from dataclasses import replace

from skimage import data

from pertouch.core.adjustments import Edit
from pertouch.memory.connection import connect
from pertouch.memory.scene import describe
from pertouch.memory.store import SceneMemory

SCENE = describe(data.coffee(), {})


def scene_for(tag: str, i: int):  # type: ignore[no-untyped-def]
    """SCENE, nudged per record: an index of identical vectors is a degenerate graph that a
    nearest-neighbour query cannot walk whole, which would hide records that are there."""
    values = dict(SCENE.measurements)
    # a measurement the scene space weighs (a colour share): a nudge to one it barely weighs
    # leaves the vectors all but identical
    values["hue_5"] += 0.01 * (i % 100 + 1) + (zlib.crc32(tag.encode()) % 100) / 100
    return replace(SCENE, measurements=values).with_words(f"{tag} photo {i}")


def main(location: str, user: str, tag: str, count: int) -> None:
    memory = SceneMemory(connect(location))
    memory.users.ensure(user)
    for i in range(count):
        scene = scene_for(tag, i)
        record_id = memory.remember(user, scene, [Edit("global", "temperature", 0.1)], f"{tag} {i}")
        print(record_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
