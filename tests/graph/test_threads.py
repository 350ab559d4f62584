"""Threads are aged by their newest checkpoint and pruned when older than the setting."""

from __future__ import annotations

import time

from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.memory import InMemorySaver

from pertouch.graph.state import state_serializer
from pertouch.graph.threads import prune_threads, thread_times, thread_usage
from pertouch.services import open_checkpointer


def _thread(saver, thread_id: str) -> None:
    config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    saver.put(config, empty_checkpoint(), {"source": "input", "step": 0}, {})


def test_threads_are_aged_by_their_newest_checkpoint(tmp_path):
    closers = []
    saver = open_checkpointer(tmp_path / "threads.sqlite", closers)
    before = time.time()
    _thread(saver, "a")
    _thread(saver, "b")
    times = thread_times(saver)
    assert set(times) == {"a", "b"}
    assert all(before - 1 <= t <= time.time() + 1 for t in times.values())
    usage = thread_usage(saver)
    assert usage.threads == 2 and usage.oldest == min(times.values())
    for close in closers:
        close()


def test_only_threads_older_than_the_limit_are_pruned(tmp_path):
    closers = []
    saver = open_checkpointer(tmp_path / "threads.sqlite", closers)
    _thread(saver, "old")
    assert prune_threads(saver, 86_400) == []  # a day old at most: kept
    assert prune_threads(saver, 86_400, now=time.time() + 2 * 86_400) == ["old"]
    assert thread_times(saver) == {}
    assert saver.get_tuple({"configurable": {"thread_id": "old"}}) is None
    for close in closers:
        close()


def test_a_checkpointer_that_keeps_nothing_on_disk_has_nothing_to_prune():
    saver = InMemorySaver(serde=state_serializer())
    _thread(saver, "x")
    assert thread_times(saver) == {} and prune_threads(saver, 0) == []
