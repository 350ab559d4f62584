"""``pertouch plan --model`` reads with the configured model; ``--strict`` makes a fallback fail.

Provider packages are extras and not installed here: two providers (anthropic, google_genai) are
stood in by fake modules whose chat model answers the classify and plan prompts with tool calls
and keeps the options ``init_chat_model`` built it with. A failing model is a server on
127.0.0.1 that accepts connections and never answers.
"""

from __future__ import annotations

import importlib.machinery
import json
import socket
import sys
import time
import types
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from PIL import Image
from pydantic import Field

from pertouch.cli import main

#: What every fake provider model was built with and asked, newest last.
BUILT: list[dict[str, Any]] = []


class _Planner(BaseChatModel):
    """Classifies as "strong" and plans sky temperature +0.3, as a hosted model would."""

    model: str = ""
    options: dict[str, Any] = Field(default_factory=dict)
    choice: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        model = kwargs.pop("model")
        super().__init__(model=model, options=kwargs)
        BUILT.append({"class": type(self).__name__, "model": model, "options": kwargs})

    @property
    def _llm_type(self) -> str:
        return "fake-provider"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | None = None, **kw: Any):
        return self.model_copy(update={"choice": tool_choice})

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any):
        if self.choice == "classify":
            calls = [_call("classify", kind="strong", reasons=["sky warmth"])]
        else:
            calls = [
                _call("segment", region="sky"),
                _call("set_edit", region="sky", attribute="temperature", delta=0.3),
                _call("render"),
            ]
        return ChatResult(generations=[ChatGeneration(message=AIMessage("", tool_calls=calls))])


def _call(name: str, **args: Any) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call_{name}", "type": "tool_call"}


def _fake_package(name: str, class_name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    setattr(module, class_name, type(class_name, (_Planner,), {}))
    return module


@pytest.fixture
def fake_providers(monkeypatch, tmp_path):
    from langchain.chat_models import base

    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    for name, cls in (
        ("langchain_anthropic", "ChatAnthropic"),
        ("langchain_google_genai", "ChatGoogleGenerativeAI"),
    ):
        monkeypatch.setitem(sys.modules, name, _fake_package(name, cls))
    clear = getattr(base, "_get_chat_model_creator", None)  # it caches the provider's class
    if clear is not None:
        clear.cache_clear()
    BUILT.clear()
    yield
    if clear is not None:
        clear.cache_clear()


@pytest.fixture
def silent(monkeypatch, tmp_path) -> Iterator[None]:
    """The configured model is an OpenAI-compatible server that never answers; budget 1 s."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.getsockname()[1]}/v1")
    monkeypatch.setenv("PERTOUCH_MODEL_BUDGET", "1")
    try:
        yield
    finally:
        server.close()


@pytest.mark.parametrize(
    ("spec", "cls"),
    [
        ("anthropic:claude-sonnet-4-5", "ChatAnthropic"),
        ("google_genai:gemini-2.5-flash", "ChatGoogleGenerativeAI"),
    ],
)
def test_plan_reads_with_the_configured_model(fake_providers, monkeypatch, capsys, spec, cls):
    monkeypatch.setenv("PERTOUCH_MODEL_TIMEOUT", "45")
    assert main(["plan", "the sky could be warmer", "--model", spec, "--json", "--strict"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["model"] == spec and plan["fell_back"] is False
    assert plan["kind"] == "strong" and plan["unsupported"] == []
    assert plan["edits"] == [{"region": "sky", "attribute": "temperature", "delta": 0.3}]
    built = BUILT[-1]
    assert built["class"] == cls and built["model"] == spec.split(":", 1)[1]
    # one request never outlasts the turn's budget (20 s by default)
    assert built["options"]["timeout"] == 20.0 and built["options"]["max_retries"] == 0


def test_plan_strict_exits_3_when_the_offline_reader_stood_in(silent, capsys):
    args = ["plan", "the sky could be warmer", "--model", "openai:test-vlm", "--json"]
    start = time.perf_counter()
    assert main(args) == 0  # without --strict: the offline reader's plan, and it says so
    assert time.perf_counter() - start < 10.0
    plan = json.loads(capsys.readouterr().out)
    assert plan["fell_back"] is True and plan["model"] == "openai:test-vlm"
    assert plan["edits"] and plan["edits"][0]["attribute"] == "temperature"
    assert any("offline model stood in" in note for note in plan["notes"])
    assert main([*args, "--strict"]) == 3
    captured = capsys.readouterr()
    assert json.loads(captured.out)["fell_back"] is True
    assert "--strict" in captured.err and "exit status 3" in captured.err


def test_retouch_strict_exits_3_and_writes_nothing(silent, tmp_path, rocket, capsys):
    photo = tmp_path / "rocket.png"
    Image.fromarray(np.ascontiguousarray(rocket)).save(photo)
    out = tmp_path / "out.jpg"
    args = ["retouch", str(photo), "a touch brighter", "-o", str(out), "--model", "openai:m"]
    assert main(["-q", *args, "--strict"]) == 3
    assert not out.exists()
    assert "offline model stood in" in capsys.readouterr().out
    assert main(["-q", *args, "--strict", "--json"]) == 3
    failed = json.loads(capsys.readouterr().out)
    assert failed["output"] is None and failed["model_fell_back"] is True and not out.exists()
    assert main(["-q", *args, "--json"]) == 0 and out.exists()
    result = json.loads(capsys.readouterr().out)
    assert result["model_fell_back"] is True and "offline model stood in" in result["response"]


def test_plan_offline_is_never_a_fallback(capsys):
    assert main(["plan", "warmer sky", "--json", "--strict"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["model"] == "offline" and plan["fell_back"] is False
