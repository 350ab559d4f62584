"""The served agents in-process: each run's choices checked and kept, the served graph's output.

The same graph behind ``langgraph dev`` is exercised end to end in ``tests/test_served.py``; these
tests need no server, so they run without the ``serve`` extra.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from pertouch.deployment import ServedAgents
from pertouch.graph.context import ContextError, ServedContext
from pertouch.settings import Settings, SettingsError


@pytest.fixture(scope="module")
def agents(tmp_path_factory) -> Iterator[ServedAgents]:
    base = tmp_path_factory.mktemp("served")
    settings = Settings(
        home=base / "home",
        memory=str(base / "memory"),
        served_models=("openai:gpt-4o-mini",),
        served_memories=(str(base / "team-memory"),),
        model_api_key="test-key",
    )
    served = ServedAgents(settings)
    yield served
    served.close()


@pytest.fixture(scope="module")
def rocket_data() -> str:
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.rocket()).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_run_may_choose_what_the_server_offers(agents):
    assert agents.choose({}).model == "offline"
    assert agents.choose({"model": "openai:gpt-4o-mini"}).model == "openai:gpt-4o-mini"
    assert agents.choose({"memory": "none"}).memory is None
    team = agents.settings.served_memories[0]
    assert agents.choose({"memory": team}).memory == team
    assert agents.choose({"renderer": "parametric", "thread_id": "t"}).renderer == "parametric"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"model": "openai:gpt-4o"}, "does not offer the model 'openai:gpt-4o'"),
        ({"memory": "/etc"}, "does not offer the memory '/etc'"),
        ({"model": 4}, "The run's model must be a string"),
        ({"renderer": "magic"}, "Unknown renderer 'magic'"),
        ({"renderer": "diffusion"}, "needs a base model and a checkpoint"),
    ],
)
def test_a_choice_the_server_does_not_offer_gets_one_sentence(agents, options, words):
    with pytest.raises(SettingsError, match=words):
        agents.graph_for(options)


def test_any_model_may_be_offered_with_a_star(tmp_path):
    served = ServedAgents(Settings(home=tmp_path, served_models=("*",), model_api_key="k"))
    try:
        assert served.choose({"model": "openai:anything"}).model == "openai:anything"
    finally:
        served.close()


def test_each_choice_is_built_once_and_kept(agents):
    default = agents.graph_for({})
    assert agents.graph_for({"model": None, "thread_id": "x"}) is default
    hosted = agents.graph_for({"model": "openai:gpt-4o-mini"})
    forgetful = agents.graph_for({"memory": "none"})
    assert len({id(default), id(hosted), id(forgetful)}) == 3
    assert agents.graph_for({"model": "openai:gpt-4o-mini"}) is hosted
    assert "deliver" in default.get_graph().nodes


def test_the_served_output_is_data_and_refusals_are_sentences(agents, rocket_data, tmp_path):
    graph = agents.graph_for({})
    config = {"configurable": {"thread_id": "out"}, "recursion_limit": 60}
    out = graph.invoke({"instruction": "brighten it a little", "photo": rocket_data}, config)
    assert out["error"] == "" and out["understood_as"]
    assert {e["attribute"] for e in out["edits"]} == {"brightness"}
    assert out["levels"] and out["levels"][0]["measured"] > out["levels"][0]["before"]
    preview = Image.open(io.BytesIO(base64.b64decode(out["image"]["preview"])))
    assert preview.format == "JPEG" and preview.size == (640, 427)
    out = graph.invoke({"instruction": "undo"}, config, context={"image": "full"})
    with Image.open(io.BytesIO(base64.b64decode(out["image"]["data"]))) as full:
        shown = np.asarray(full.convert("RGB"))
    original = Image.open(io.BytesIO(base64.b64decode(rocket_data.split(",", 1)[1])))
    assert np.array_equal(shown, np.asarray(original.convert("RGB")))  # undo: the photo again
    assert out["levels"] == [] and out["edits"] == []

    path = tmp_path / "rocket.png"
    original.save(path)
    other = {"configurable": {"thread_id": "path"}}
    refused = graph.invoke({"instruction": "warmer", "photo": str(path)}, other)
    assert "not as a path on its disk" in refused["error"] and refused["image"] is None


@pytest.mark.parametrize(
    ("context", "words"),
    [
        ({"image": "huge"}, 'image must be "preview", "full" or "none"'),
        ({"max_rounds": 100}, "max_rounds must be a whole number from 1 to 10"),
        ({"preview_size": "big"}, "preview_size must be a whole number"),
    ],
)
def test_a_clients_context_is_checked(agents, context, words):
    with pytest.raises(ContextError, match=words):
        ServedContext(**context)
    graph = agents.graph_for({})
    with pytest.raises(ContextError, match=words):
        graph.invoke(
            {"instruction": "warmer"}, {"configurable": {"thread_id": "c"}}, context=context
        )
