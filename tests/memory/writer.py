"""A writer process for the concurrency tests: remembers N retouches, printing each id once stored.

Run as ``python -m tests.memory.writer LOCATION USER TAG N``. It embeds with a hashing stand-in for
MiniLM so that several writers start in milliseconds; what is under test is the store, not the model.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np

from pertouch.core.adjustments import Edit
from pertouch.memory.connection import connect
from pertouch.memory.store import SceneMemory
from tests.memory.conftest import BEACH


class HashingEmbedder:
    """Deterministic 384-d unit vectors from a text's hash (same text, same vector)."""

    def embed_texts(self, texts):
        out = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).normal(size=384)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


def main(location: str, user: str, tag: str, count: int) -> None:
    memory = SceneMemory(connect(location), HashingEmbedder())  # type: ignore[arg-type]
    memory.users.ensure(user)
    for i in range(count):
        scene = BEACH.with_words(f"{tag} photo {i}")
        record_id = memory.remember(user, scene, [Edit("global", "temperature", 0.1)], f"{tag} {i}")
        print(record_id, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
