"""One of several processes racing on a shared Chroma server, for test_chroma_server.py.

Run as ``python -m tests.reliability.memory_racer URL ACTION START NAME...``: it connects, waits
until the wall clock reaches START (so every racer acts at the same instant), then for each name
does ACTION (ensure, create or delete) at START + 0.5 s x its position, printing one JSON line per
name: the user's id, or the sentence it was refused with.
"""

from __future__ import annotations

import json
import sys
import time

from pertouch.core.errors import PerTouchError
from pertouch.memory.connection import connect
from pertouch.memory.store import SceneMemory


def main(url: str, action: str, start: float, names: list[str]) -> None:
    memory = SceneMemory(connect(url))
    memory.users.list()  # connected before the start, so the race is on the action itself
    for position, name in enumerate(names):
        time.sleep(max(0.0, start + 0.5 * position - time.time()))
        try:
            if action == "delete":
                outcome = {"deleted": memory.users.delete(name)}
            else:
                outcome = {"id": getattr(memory.users, action)(name).id}
        except PerTouchError as err:
            outcome = {"refused": str(err)}
        print(json.dumps({"name": name, **outcome}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:])
