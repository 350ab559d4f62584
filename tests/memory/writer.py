"""A writer process for the concurrency tests: remembers N retouches, printing each id once stored.

Run as ``python -m tests.memory.writer LOCATION USER TAG N``. Its scene is a real photo measured
without the segmenter, so several writers start in a second; what is under test is the store.
"""

from __future__ import annotations

import sys

from skimage import data

from pertouch.core.adjustments import Edit
from pertouch.memory.connection import connect
from pertouch.memory.scene import describe
from pertouch.memory.store import SceneMemory

SCENE = describe(data.coffee(), {})


def main(location: str, user: str, tag: str, count: int) -> None:
    memory = SceneMemory(connect(location))
    memory.users.ensure(user)
    for i in range(count):
        scene = SCENE.with_words(f"{tag} photo {i}")
        record_id = memory.remember(user, scene, [Edit("global", "temperature", 0.1)], f"{tag} {i}")
        print(record_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
