"""The served agents in-process: each run's choices checked and kept, the served graph's output.

The same graph behind ``langgraph dev`` is exercised end to end in ``tests/test_served.py``; these
tests need no server, so they run without the ``serve`` extra.
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from pertouch.deployment import ServedAgents, served_agents, served_graph
from pertouch.graph.calling import FELL_BACK
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


def test_the_served_graph_keeps_the_servers_model_budget(
    monkeypatch, tmp_path, rocket_data, silent_url
):
    # the server is configured as a server is, through its environment; the default budget is
    # 20 s, so a turn against a model that never answers would take at least that long
    for name, value in {
        "PERTOUCH_HOME": str(tmp_path / "home"),
        "PERTOUCH_MEMORY": str(tmp_path / "memory"),
        "PERTOUCH_MODEL": "openai:test-vlm",
        "OPENAI_BASE_URL": silent_url,
        "OPENAI_API_KEY": "test-key",
        "PERTOUCH_MODEL_BUDGET": "1.5",
    }.items():
        monkeypatch.setenv(name, value)
    served_agents.cache_clear()
    try:
        graph = served_graph({})
        config = {"configurable": {"thread_id": "budget"}, "recursion_limit": 60}
        start, began = time.perf_counter(), time.time()
        out = graph.invoke({"instruction": "brighten it a little", "photo": rocket_data}, config)
        took = time.perf_counter() - start
        deadline = graph.get_state(config).values["model_deadline"]
        assert began < deadline <= began + 1.5 + 1.0  # the turn's deadline: 1.5 s, not 20 s
        assert took < 9.0, f"the turn took {took:.1f} s"  # 11.5 s here with the 20 s budget
        assert out["error"] == "" and FELL_BACK in out["response"]
        assert {e["attribute"] for e in out["edits"]} == {"brightness"}  # the offline reader's
    finally:
        served_agents().close()
        served_agents.cache_clear()


def test_a_run_may_still_set_its_own_model_budget():
    assert ServedContext().model_budget_s is None  # None: the server's PERTOUCH_MODEL_BUDGET
    assert ServedContext(model_budget_s=5).model_budget_s == 5
    with pytest.raises(ContextError, match="model_budget_s must be more than 0"):
        ServedContext(model_budget_s=0)
