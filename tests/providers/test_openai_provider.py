"""openai:MODEL end to end: the real openai client against an OpenAI-compatible server on 127.0.0.1."""
# ruff: noqa: F811  (pytest fixtures imported from the graph tests are re-bound as arguments)

from __future__ import annotations

import pytest

from pertouch.providers.chat import load_chat_model
from pertouch.providers.openai import OpenAIConfig, ProviderError
from tests.graph.conftest import (  # noqa: F401  (fixtures shared with the graph tests)
    agent_segmenter,
    make_graph,
    photo_files,
    run_turn,
    store,
)
from tests.providers.fake_openai import FakeOpenAI, text_reply, tool_reply


def _model(server: FakeOpenAI, timeout: float = 5.0):
    return load_chat_model(
        "openai:test-vlm", OpenAIConfig(base_url=server.base_url, api_key="k", timeout=timeout)
    )


def test_tool_calls_and_images_go_through_the_openai_client(make_graph, photo_files):
    script = [
        tool_reply(("classify", {"kind": "strong", "reasons": ["the sky"]})),
        tool_reply(("segment", {"region": "sky"})),
        tool_reply(
            ("set_edit", {"region": "sky", "attribute": "brightness", "delta": -0.2}),
            ("render", {}),
        ),
        tool_reply(("verdict", {"satisfied": True, "reason": "on target"})),
    ]
    with FakeOpenAI(script) as server:
        values, _ = run_turn(
            make_graph(_model(server)), "t", "darken the sky", photo_files["rocket"]
        )
    assert values["adjustment"].to_dict()["edits"] == [
        {"region": "sky", "attribute": "brightness", "delta": -0.2}
    ]
    assert not values["notes"]
    first, plan, _, critique = server.requests[:4]
    assert first["tool_choice"]["function"]["name"] == "classify"
    assert {t["function"]["name"] for t in plan["tools"]} >= {
        "segment",
        "set_edit",
        "render",
        "recall",
        "measure",
    }
    images = [
        part["image_url"]["url"]
        for message in critique["messages"]
        if isinstance(message.get("content"), list)
        for part in message["content"]
        if part.get("type") == "image_url"
    ]
    assert len(images) == 2 and all(url.startswith("data:image/jpeg;base64,") for url in images)
    assert "measured" in str(
        critique["messages"]
    )  # the critique prompt carries the measured levels


def test_malformed_json_is_retried_once_then_offline_takes_over(make_graph, photo_files):
    broken = tool_reply(("classify", '{"kind": "strong", "reasons": ['))
    script = [
        broken,
        broken,
        text_reply("Planned nothing."),
        tool_reply(("verdict", {"satisfied": True})),
    ]
    with FakeOpenAI(script) as server:
        values, _ = run_turn(make_graph(_model(server)), "t", "warmer", photo_files["rocket"])
    assert values["classification"].kind == "strong"
    assert sum("retrying" in n for n in values["notes"]) == 1
    assert any("offline model" in n for n in values["notes"])


def test_timeouts_and_server_errors_fall_back_to_offline(make_graph, photo_files):
    script = [("sleep", 1.5), ("status", 500)] + [("status", 500)] * 6
    with FakeOpenAI(script) as server:
        values, _ = run_turn(
            make_graph(_model(server, timeout=0.5)), "t", "brighter", photo_files["rocket"]
        )
    assert values["rounds"] and values["adjustment"].edits[0].attribute.value == "brightness"
    assert any("Timeout" in n for n in values["notes"])
    assert any("offline model" in n for n in values["notes"])


def test_bad_model_strings_get_one_sentence():
    with pytest.raises(ProviderError, match="offline"):
        load_chat_model("claude:x")
    with pytest.raises(ProviderError, match="API key"):
        load_chat_model("openai:gpt-4o", OpenAIConfig())
