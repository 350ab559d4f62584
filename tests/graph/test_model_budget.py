"""One time budget per turn for the model: a server that accepts and never answers costs one
budget, then the offline reader answers the rest of the turn and the reply says so."""

from __future__ import annotations

import sys
import time
import types

from langchain_core.messages import HumanMessage, SystemMessage

from pertouch.graph import prompts
from pertouch.graph.calling import FELL_BACK, ask, check_calls, recoverable_errors
from pertouch.graph.schemas import Classification, answer_tool
from pertouch.providers.chat import ModelConfig, load_chat_model
from pertouch.providers.offline import OfflineChatModel
from tests.graph.conftest import run_turn


def _classify(model, deadline):
    messages = [SystemMessage(prompts.CLASSIFY_SYSTEM), HumanMessage("make the sky bluer")]
    return ask(
        model,
        OfflineChatModel(),
        messages,
        [answer_tool("classify", Classification)],
        check_calls({"classify": Classification}, required="classify"),
        tool_choice="classify",
        deadline=deadline,
    )


def test_a_silent_server_costs_one_budget_then_the_offline_reader_answers(silent_url):
    # the provider would wait a minute per request; the turn's budget is 1.5 seconds
    model = load_chat_model("openai:test-vlm", ModelConfig(base_url=silent_url, timeout=60))
    start = time.perf_counter()
    deadline = time.time() + 1.5
    first = _classify(model, deadline)
    waited = time.perf_counter() - start
    assert 1.3 < waited < 5.0
    assert first.fell_back and first.reply.tool_calls[0]["args"]["kind"] == "strong"
    assert any(FELL_BACK in note and "budget" in note for note in first.notes)
    start = time.perf_counter()
    second = _classify(model, deadline)  # the budget is spent: the model is not asked again
    assert time.perf_counter() - start < 1.0
    assert second.fell_back and "spent" in second.notes[0]


def test_without_a_deadline_a_working_model_is_not_a_fallback():
    offline = OfflineChatModel()
    asked = _classify(offline, None)
    assert not asked.fell_back and asked.notes == []


def test_a_whole_turn_against_a_silent_server_is_bounded(make_graph, photo_files, silent_url):
    model = load_chat_model("openai:test-vlm", ModelConfig(base_url=silent_url, timeout=60))
    graph = make_graph(model=model)
    start = time.perf_counter()
    values, _ = run_turn(
        graph, "t", "brighten it a little", photo_files["rocket"], model_budget_s=2.0
    )
    took = time.perf_counter() - start
    assert took < 30.0, f"the turn took {took:.1f} s"
    assert values["model_fell_back"] and values["output_ref"]  # the offline reader did the turn
    said = [n for n in values["notes"] if FELL_BACK in n]
    assert len(said) == len(set(said)) and said, values["notes"]  # said, and said once
    assert FELL_BACK in values["response"]


def test_provider_error_bases_count_once_their_package_is_loaded(monkeypatch):
    before = recoverable_errors()
    fake = types.ModuleType("anthropic")

    class AnthropicError(Exception):
        pass

    fake.AnthropicError = AnthropicError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "anthropic", fake)
    assert AnthropicError in recoverable_errors() and AnthropicError not in before
    assert OSError in before and TimeoutError in before


def test_asking_imports_no_provider_package():
    import subprocess

    code = (
        "import sys, pertouch.graph.calling as c; c.recoverable_errors(); "
        "print([m for m in ('anthropic','ollama','google.genai','langchain_openai') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
