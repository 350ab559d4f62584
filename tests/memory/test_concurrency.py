"""Several processes writing at once lose nothing; a writer killed mid-batch loses no completed record."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pertouch.memory.connection import connect
from pertouch.memory.store import SceneMemory
from tests.memory.writer import SCENE

ROOT = Path(__file__).resolve().parents[2]


def _writer(location: str, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.memory.writer", location, "ana", tag, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _reachable(location: str) -> tuple[int, set[str]]:
    """(record count, ids a vector query can reach) seen by a fresh process's view of the store."""
    memory = SceneMemory(connect(location))
    with memory.connection.session() as client:
        collection = memory.users.collection_for(client, "ana")
        count = collection.count()
        vector = memory.space.vector(SCENE.measurements)
        found = collection.query(query_embeddings=[vector], n_results=count, include=[])
    memory.connection.close()
    return count, set(found["ids"][0])


def test_two_writer_processes_lose_nothing(location):
    writers = [_writer(location, tag, 60) for tag in ("first", "second")]
    written = set()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err[-2000:]
        written |= set(out.split())
    assert len(written) == 120
    count, reachable = _reachable(location)
    assert count == 120 and reachable == written


def test_writer_killed_mid_batch_keeps_every_completed_record(location):
    writer = _writer(location, "doomed", 10_000)
    assert writer.stdout is not None
    completed = []
    deadline = time.monotonic() + 60
    while len(completed) < 25 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        completed.append(line.strip())
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    completed += writer.stdout.read().split()  # ids printed before the kill landed
    assert len(completed) >= 25, writer.stderr.read() if writer.stderr else ""
    count, reachable = _reachable(location)
    assert set(completed) <= reachable
    assert (
        count - len(completed) <= 1
    )  # at most the record in flight, and only if it was stored whole
    # the store still takes writes after the crash
    survivor = _writer(location, "after", 3)
    _out, err = survivor.communicate(timeout=60)
    assert survivor.returncode == 0, err[-2000:]
    assert _reachable(location)[0] == count + 3


@pytest.mark.parametrize("location", ["embedded"], indirect=True)
def test_a_busy_store_gives_up_with_one_sentence(location):
    import fcntl

    from pertouch.memory.connection import MemoryStoreError

    connection = connect(location, lock_timeout_s=0.2)
    with open(Path(location) / "pertouch-memory.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(MemoryStoreError, match="stayed busy"):
            with connection.session():
                pass


def test_a_long_lived_process_sees_what_another_wrote(location):
    from pertouch.core.adjustments import Edit
    from tests.memory.conftest import LAUNCH

    memory = SceneMemory(connect(location))
    memory.users.ensure("ana")
    mine = memory.remember("ana", LAUNCH, [Edit("global", "temperature", 0.1)], "warmer")
    memory.recall("ana", LAUNCH)  # this process now holds the index in memory
    other = _writer(location, "other", 5)
    out, err = other.communicate(timeout=60)
    assert other.returncode == 0, err[-2000:]
    with memory.connection.session() as client:
        collection = memory.users.collection_for(client, "ana")
        vector = memory.space.vector(LAUNCH.measurements)
        found = collection.query(query_embeddings=[vector], n_results=6, include=[])
    assert set(found["ids"][0]) == {mine, *out.split()}
    memory.connection.close()
