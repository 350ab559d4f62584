"""The agent and the scene memory together: recall in perceive, remember on approval only."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pertouch.api import Retoucher
from pertouch.core.errors import PerTouchError
from pertouch.memory.connection import connect
from pertouch.memory.store import SceneMemory


@pytest.fixture(scope="module")
def memory(tmp_path_factory):
    from pertouch.providers.embeddings import MiniLMEmbedder

    store = SceneMemory(connect(tmp_path_factory.mktemp("memory")), MiniLMEmbedder())
    store.users.create("ana")
    return store


@pytest.fixture(scope="module")
def agent(tmp_path_factory, memory):
    with Retoucher(home=tmp_path_factory.mktemp("agent"), memory=memory, rounds=2) as retoucher:
        yield retoucher


@pytest.fixture(scope="module")
def photos(tmp_path_factory, chelsea):
    folder = tmp_path_factory.mktemp("photos")
    Image.fromarray(chelsea).save(folder / "cat.png")
    Image.fromarray(np.ascontiguousarray(chelsea[:, ::-1])).save(folder / "cat-mirrored.png")
    return folder


def test_approval_remembers_once_and_the_next_similar_photo_starts_from_it(agent, memory, photos):
    first = agent.turn("make it warmer", photos / "cat.png", user="ana")
    assert memory.count("ana") == 0  # nothing is stored before the user approves
    approved = agent.turn("looks good", thread_id=first.thread_id, user="ana")
    assert approved.approved and memory.count("ana") == 1

    abandoned = agent.turn("make it much cooler", photos / "cat.png", user="ana")
    assert not abandoned.approved and memory.count("ana") == 1  # never approved: not stored

    second = agent.turn("make it look better", photos / "cat-mirrored.png", user="ana")
    suggested = [e for e in second.state.edits if e.attribute.value == "temperature"]
    assert suggested and suggested[0].delta > 0, second.state
    assert any("warm" in note for note in second.notes), second.notes

    declined = agent.turn(
        "make it look better", photos / "cat-mirrored.png", user="ana", use_memory=False
    )
    # declined: nothing of the remembered warmth (the auto look may still correct a cast)
    assert not [e for e in declined.state.edits if e.attribute.value == "temperature" and e.delta > 0]


def test_unknown_user_gets_one_sentence(agent, photos):
    with pytest.raises(PerTouchError, match="bob"):
        agent.turn("make it warmer", photos / "cat.png", user="bob")


def test_the_record_keeps_the_users_words_only(agent, memory, photos):
    before = {r.id for r in memory.records("ana")}
    first = agent.turn("a touch cooler please", photos / "cat.png", user="ana")
    agent.turn("looks good", thread_id=first.thread_id, user="ana")
    (record,) = [r for r in memory.records("ana") if r.id not in before]
    assert record.instruction == "a touch cooler please"


def test_a_user_named_only_at_approval_is_remembered(agent, memory, photos):
    before = memory.count("ana")
    first = agent.turn("a bit brighter", photos / "cat.png")  # nobody named yet
    agent.turn("looks good", thread_id=first.thread_id, user="ana")
    assert memory.count("ana") == before + 1


def test_approving_as_a_new_name_creates_that_user_with_one_record(agent, memory, photos):
    first = agent.turn("a bit brighter", photos / "cat.png")
    done = agent.turn("looks good", thread_id=first.thread_id, user="newcomer")
    assert done.approved and memory.count("newcomer") == 1
