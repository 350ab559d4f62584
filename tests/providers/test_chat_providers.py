"""Any LangChain chat model by "provider:model": resolution, options, images, and bounded waits.

Provider packages are extras and not installed here, so two providers (anthropic, ollama) are
stood in by fake modules whose chat model records what ``init_chat_model`` handed it. OpenAI goes
through the real langchain-openai client against a local fake server.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import socket
import sys
import time
import types
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from PIL import Image
from pydantic import Field

from pertouch.providers.chat import LOCAL_SERVERS, ModelConfig, ProviderError, load_chat_model
from pertouch.providers.content import image_block
from pertouch.providers.offline import OfflineChatModel
from tests.providers.fake_openai import FakeOpenAI, text_reply


class _Recorder(GenericFakeChatModel):
    """A fake provider chat model that keeps the keyword arguments it was built with."""

    model: str = ""
    options: dict[str, Any] = Field(default_factory=dict)

    def __init__(self, **kwargs: Any) -> None:
        model = kwargs.pop("model")
        super().__init__(messages=iter([AIMessage("fine")]), model=model, options=kwargs)


def _fake_package(name: str, class_name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    setattr(module, class_name, type(class_name, (_Recorder,), {}))
    return module


@pytest.fixture
def fake_providers(monkeypatch):
    """langchain_anthropic and langchain_ollama as fakes; init_chat_model's import cache reset."""
    from langchain.chat_models import base

    monkeypatch.setitem(
        sys.modules, "langchain_anthropic", _fake_package("langchain_anthropic", "ChatAnthropic")
    )
    monkeypatch.setitem(
        sys.modules, "langchain_ollama", _fake_package("langchain_ollama", "ChatOllama")
    )
    clear = getattr(base, "_get_chat_model_creator", None)  # it caches the provider's class
    if clear is not None:
        clear.cache_clear()
    yield
    if clear is not None:
        clear.cache_clear()


def test_anthropic_is_resolved_with_key_timeout_and_no_retries(fake_providers):
    model = load_chat_model("anthropic:claude-sonnet-4-5", ModelConfig(api_key="k", timeout=7))
    assert type(model).__name__ == "ChatAnthropic"
    assert model.model == "claude-sonnet-4-5"
    assert model.options == {"timeout": 7, "max_retries": 0, "temperature": 0.0, "api_key": "k"}
    assert model.invoke("hello").content == "fine"


def test_ollama_gets_its_address_and_a_timeout_on_its_client(fake_providers):
    model = load_chat_model("ollama:qwen2.5vl", ModelConfig(base_url="http://box:11434", timeout=9))
    assert type(model).__name__ == "ChatOllama" and model.model == "qwen2.5vl"
    assert model.options["base_url"] == "http://box:11434"
    assert model.options["client_kwargs"] == {"timeout": 9}
    assert "api_key" not in model.options


@pytest.mark.parametrize("server", sorted(LOCAL_SERVERS))
def test_local_openai_compatible_servers_have_their_usual_address(server):
    model = load_chat_model(f"{server}:some-model")
    assert type(model).__name__ == "ChatOpenAI"
    assert model.openai_api_base == LOCAL_SERVERS[server]
    assert model.max_retries == 0
    moved = load_chat_model(f"{server}:m", ModelConfig(base_url="http://gpu:9000/v1"))
    assert moved.openai_api_base == "http://gpu:9000/v1"


def test_offline_stays_the_default():
    assert isinstance(load_chat_model(), OfflineChatModel)
    assert isinstance(load_chat_model("offline"), OfflineChatModel)


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("claude:x", "offline"),
        ("gpt-4o", "offline"),
        ("openai:", "offline"),
        ("nosuchprovider:model", "Unknown model provider"),
    ],
)
def test_unknown_or_malformed_strings_get_one_sentence(spec, says):
    with pytest.raises(ProviderError, match=says) as err:
        load_chat_model(spec)
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")


def test_a_missing_provider_package_names_the_extra_to_install():
    if importlib.util.find_spec("langchain_google_genai") is not None:
        pytest.skip("langchain-google-genai is installed here")
    with pytest.raises(ProviderError, match=r"pertouch\[google\]"):
        load_chat_model("google_genai:gemini-2.5-flash", ModelConfig(api_key="k"))


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_standard_image_blocks_reach_the_provider_in_its_own_format():
    block = image_block(_jpeg())
    assert block["type"] == "image" and block["mime_type"] == "image/jpeg"
    message = HumanMessage(content=[{"type": "text", "text": "how does it look?"}, block])
    with FakeOpenAI([text_reply("warm")]) as server:
        model = load_chat_model("openai:test-vlm", ModelConfig(base_url=server.base_url))
        assert model.invoke([message]).content == "warm"
    (sent,) = server.requests[0]["messages"]
    urls = [p["image_url"]["url"] for p in sent["content"] if p.get("type") == "image_url"]
    assert urls == [f"data:image/jpeg;base64,{block['base64']}"]


def test_an_empty_image_is_refused():
    with pytest.raises(ValueError, match="empty"):
        image_block(b"")


def test_a_server_that_never_answers_is_given_up_on_within_the_timeout():
    import openai

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete, nothing is ever read or answered
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
    model = load_chat_model("openai:test-vlm", ModelConfig(base_url=url, timeout=1.0))
    start = time.perf_counter()
    try:
        with pytest.raises(openai.APITimeoutError):
            model.invoke("hello")
    finally:
        silent.close()
    assert time.perf_counter() - start < 5.0
