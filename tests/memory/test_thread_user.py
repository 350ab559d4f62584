"""A thread keeps its user: later turns that name nobody still approve for the person who began."""

from __future__ import annotations

import pytest
from PIL import Image


@pytest.mark.parametrize("location", ["embedded"], indirect=True)
def test_a_later_turn_without_a_user_still_remembers_the_approval(memory, coffee, tmp_path):
    from pertouch.api import Retoucher

    memory.users.create("ana")
    Image.fromarray(coffee).save(tmp_path / "coffee.png")
    with Retoucher(home=tmp_path / "agent", memory=memory, rounds=1) as agent:
        first = agent.turn("make it warmer", tmp_path / "coffee.png", user="ana")
        done = agent.turn("looks good", thread_id=first.thread_id)
        assert done.approved
        values = agent.graph.get_state({"configurable": {"thread_id": first.thread_id}}).values
    assert values["user"] == "ana"
    assert memory.count("ana") == 1
