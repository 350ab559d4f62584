"""The threads the checkpointer keeps: when each was last continued, and pruning the old ones.

Every turn adds checkpoints, and a batch adds a thread per photo, so without pruning the thread
database only grows. A thread's age is read from the id of its newest checkpoint (LangGraph's ids
are time-ordered UUIDv6), so finding the old threads is one query, without loading any of them.
Only the SQLite checkpointer persists threads; for any other there is nothing to prune.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

#: 100-ns intervals between the UUID epoch (1582-10-15) and the Unix epoch.
_UUID_EPOCH_OFFSET = 0x01B21DD213814000


@dataclass(frozen=True)
class ThreadUsage:
    """How many threads the database holds, and when the least recently continued one was."""

    threads: int
    oldest: float | None
    """Seconds since the epoch of the oldest thread's last turn; None without threads."""


def thread_times(checkpointer: Any) -> dict[str, float]:
    """Each thread's last checkpoint time, in seconds since the epoch (empty if not SQLite)."""
    connection = getattr(checkpointer, "conn", None)
    if not isinstance(connection, sqlite3.Connection):
        return {}
    with checkpointer.lock:
        checkpointer.setup()
        rows = connection.execute(
            "SELECT thread_id, MAX(checkpoint_id) FROM checkpoints GROUP BY thread_id"
        ).fetchall()
    times = {}
    for thread_id, checkpoint_id in rows:
        seconds = _checkpoint_time(checkpoint_id)
        if seconds is not None:
            times[str(thread_id)] = seconds
    return times


def thread_usage(checkpointer: Any) -> ThreadUsage:
    """The number of threads and the oldest one's last use."""
    times = thread_times(checkpointer)
    return ThreadUsage(threads=len(times), oldest=min(times.values(), default=None))


def prune_threads(checkpointer: Any, older_than_s: float, now: float | None = None) -> list[str]:
    """Delete the threads not continued for ``older_than_s`` seconds (0: all); returns their ids."""
    cutoff = (time.time() if now is None else now) - older_than_s
    old = sorted(t for t, seconds in thread_times(checkpointer).items() if seconds <= cutoff)
    for thread_id in old:
        checkpointer.delete_thread(thread_id)
    return old


def _checkpoint_time(checkpoint_id: str) -> float | None:
    """Seconds since the epoch encoded in a UUIDv6 checkpoint id; None for any other id."""
    from langgraph.checkpoint.base.id import UUID

    try:
        uuid = UUID(hex=str(checkpoint_id))
    except ValueError:
        return None
    if uuid.version != 6:
        return None
    return (uuid.time - _UUID_EPOCH_OFFSET) / 1e7
