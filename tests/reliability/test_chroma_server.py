"""Users on a shared Chroma server, under processes that race (issue 16, item 5).

Against a real ``chroma run`` on 127.0.0.1 that the test starts (tests/memory's fixture). Before,
four processes creating "ana" at once made four users called "ana": the server has no lock, and
each process drew its own random collection id.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import pytest

from tests.memory.conftest import chroma_server  # noqa: F401  (the fixture)
from tests.memory.writer import scene_for
from tests.reliability.conftest import REPO, command_env

RACERS = 6


def race(url: str, action: str, names: list[str]) -> list[list[dict[str, Any]]]:
    """Start RACERS processes that do ``action`` on each name at the same instants."""
    start = time.time() + 12  # every racer is connected and waiting well before this
    racers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.memory_racer",
                url,
                action,
                str(start),
                *names,
            ],
            cwd=REPO,
            env=command_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RACERS)
    ]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0 and "Traceback" not in err, err[-2000:]
        outcomes.append([json.loads(line) for line in out.splitlines()])
    return outcomes


def server_users(url: str) -> Counter[str]:
    """How many user collections carry each name, read from the server itself."""
    import chromadb
    from chromadb.config import Settings

    host, port = url.removeprefix("http://").split(":")
    client = chromadb.HttpClient(
        host=host, port=int(port), settings=Settings(anonymized_telemetry=False)
    )
    return Counter(
        str((c.metadata or {}).get("user_name"))
        for c in client.list_collections()
        if c.name.startswith("pertouch-user-")
    )


@pytest.fixture
def memory(chroma_server):  # noqa: F811
    from pertouch.memory.connection import connect
    from pertouch.memory.store import SceneMemory

    connection = connect(chroma_server)
    yield SceneMemory(connection)
    connection.close()


def test_processes_ensuring_one_new_user_at_once_make_one_user(chroma_server):  # noqa: F811
    names = ["ana", "Bo Chen", "cleo"]
    outcomes = race(chroma_server, "ensure", names)
    for position, name in enumerate(names):
        ids = {racer[position]["id"] for racer in outcomes}
        assert len(ids) == 1, (name, ids)  # every process got the same user
    counts = server_users(chroma_server)
    assert [counts[name] for name in names] == [1, 1, 1]


def test_processes_creating_one_name_at_once_one_wins_the_rest_are_told(chroma_server):  # noqa: F811
    outcomes = race(chroma_server, "create", ["dora", "emil"])
    for position, name in enumerate(["dora", "emil"]):
        results = [racer[position] for racer in outcomes]
        assert sum("id" in r for r in results) == 1, results
        refusals = [r["refused"] for r in results if "refused" in r]
        assert refusals == [f"There is already a user called {name!r}; pick another name."] * (
            RACERS - 1
        )
    assert server_users(chroma_server)["dora"] == 1


def test_delete_removes_the_user_records_and_older_twins(memory, chroma_server):  # noqa: F811
    from pertouch.core.adjustments import Edit
    from pertouch.memory.embedding import SceneVectorFunction
    from pertouch.memory.users import collection_name

    memory.users.ensure("fern")
    for i in range(3):
        memory.remember(
            "fern",
            scene_for("fern", i),
            [Edit("global", "temperature", 0.1)],
            f"warmer {i}",
        )
    version = memory.space.version
    with memory.users.connection.session(write=True) as client:  # a twin as older versions made
        client.create_collection(
            collection_name("0" * 32, version),  # a random id, as creation drew before
            metadata={"user_name": "fern", "created_at": 1.0, "complete": True},
            embedding_function=SceneVectorFunction(version),  # type: ignore[arg-type]
        )
    assert server_users(chroma_server)["fern"] == 2
    assert memory.users.delete("fern") == 3
    assert server_users(chroma_server)["fern"] == 0
    assert "fern" not in [u.name for u in memory.users.list()]
    memory.users.ensure("fern")  # the same name again starts empty
    assert memory.count("fern") == 0


def test_processes_deleting_one_user_at_once_end_with_none_and_no_traceback(memory, chroma_server):  # noqa: F811
    memory.users.ensure("gus")
    outcomes = race(chroma_server, "delete", ["gus"])
    results = [racer[0] for racer in outcomes]
    assert any("deleted" in r for r in results), results
    assert all(
        "deleted" in r or r["refused"].startswith("There is no user called 'gus'") for r in results
    )
    assert server_users(chroma_server)["gus"] == 0


def test_a_renamed_user_frees_nothing_and_the_name_can_be_taken_again(memory, chroma_server):  # noqa: F811
    first = memory.users.create("hana")
    memory.users.rename("hana", "hana-old")
    again = memory.users.create("hana")  # the first slot is relabelled; the next one is used
    assert again.id != first.id
    assert server_users(chroma_server)["hana"] == 1 and server_users(chroma_server)["hana-old"] == 1
    assert memory.users.ensure("HANA").id == again.id
